#include "hal/adapter_hal.h"

#include "adapter_regs.h"

namespace rsm::hal {

namespace r = rsm::regs;

HwStatus from_err_class(uint32_t err_class) {
    switch (static_cast<r::ErrClass>(err_class)) {
    case r::ErrClass::OK: return HwStatus::Ok;
    case r::ErrClass::NO_ENTRY: return HwStatus::NoEntry;
    case r::ErrClass::NOT_TO_NODE: return HwStatus::NotToNode;
    case r::ErrClass::RIGHTS: return HwStatus::Rights;
    case r::ErrClass::BOUNDS: return HwStatus::Bounds;
    case r::ErrClass::UNREACHABLE: return HwStatus::Unreachable;
    case r::ErrClass::HOST_BUS: return HwStatus::HostBus;
    case r::ErrClass::BAD_DESC: return HwStatus::BadDescriptor;
    case r::ErrClass::CRC: return HwStatus::Crc;
    }
    return HwStatus::BusFault;
}

bool AdapterHal::identify(uint32_t& node) {
    uint32_t ident = 0, version = 0;
    if (!rd(r::ID, ident) || ident != r::kIdent) return false;
    // Same major version: the register layout is what this driver was built for.
    if (!rd(r::VERSION, version) || (version >> 16) != (r::kVersion >> 16)) return false;
    if (!rd(r::NODE_ID, node)) return false;
    node &= r::NODE_ID_f::ID_MASK;
    return true;
}

bool AdapterHal::attach() {
    return identify(node_id_) && wr(r::CTRL, r::CTRL_f::ENABLE_MASK) &&
           wr(r::INTR_ENABLE, r::INTR_ENABLE_f::CONN_DONE_MASK | r::INTR_ENABLE_f::DMA_DONE_MASK |
                                  r::INTR_ENABLE_f::DMA_ERR_MASK | r::INTR_ENABLE_f::SIGNAL_MASK);
}

namespace {
uint32_t op(r::TableOp o) { return static_cast<uint32_t>(o); }
uint32_t export_ctrl(bool is_public, bool pub_read, bool pub_write) {
    return r::EXP_CTRL_f::VALID_MASK | (is_public ? r::EXP_CTRL_f::PUBLIC_MASK : 0) |
           (pub_read ? r::EXP_CTRL_f::PUB_READ_MASK : 0) | (pub_write ? r::EXP_CTRL_f::PUB_WRITE_MASK : 0);
}
}  // namespace

bool AdapterHal::set_acl(const AclRight* acl, size_t acl_len) {
    bool ok = true;
    for (size_t i = 0; ok && i < acl_len; ++i) {
        uint32_t perm = (acl[i].read ? r::EXP_ACL_PERM_f::READ_MASK : 0) |
                        (acl[i].write ? r::EXP_ACL_PERM_f::WRITE_MASK : 0);
        ok = wr(r::EXP_ACL_NODE, acl[i].node) && wr(r::EXP_ACL_PERM, perm) && wr(r::EXP_CMD, op(r::TableOp::ACL_SET));
    }
    return ok;
}

HwStatus AdapterHal::write_export(unsigned index, uint32_t segid, uint64_t bus_addr,
                                  uint32_t size, const AclRight* acl, size_t acl_len,
                                  bool is_public, bool pub_read, bool pub_write) {
    bool ok = wr(r::EXP_INDEX, index) && wr(r::EXP_CMD, op(r::TableOp::CLEAR)) && set_acl(acl, acl_len) &&
              wr(r::EXP_SEGID, segid) && bus_.write64(r::EXP_BASE_LO, bus_addr) && wr(r::EXP_SIZE, size) &&
              wr(r::EXP_CTRL, export_ctrl(is_public, pub_read, pub_write)) && wr(r::EXP_CMD, op(r::TableOp::WRITE));
    return ok ? HwStatus::Ok : HwStatus::BusFault;
}

HwStatus AdapterHal::rewrite_acl(unsigned index, const AclRight* acl, size_t acl_len, bool is_public,
                                 bool pub_read, bool pub_write) {
    // READ loads the entry into the staging registers, so the final WRITE
    // keeps its id, address and size.
    bool ok = wr(r::EXP_INDEX, index) && wr(r::EXP_CMD, op(r::TableOp::ACL_CLEAR)) && set_acl(acl, acl_len) &&
              wr(r::EXP_CMD, op(r::TableOp::READ)) && wr(r::EXP_CTRL, export_ctrl(is_public, pub_read, pub_write)) &&
              wr(r::EXP_CMD, op(r::TableOp::WRITE));
    return ok ? HwStatus::Ok : HwStatus::BusFault;
}

HwStatus AdapterHal::clear_export(unsigned index) {
    bool ok = wr(r::EXP_INDEX, index) && wr(r::EXP_CMD, op(r::TableOp::CLEAR));
    return ok ? HwStatus::Ok : HwStatus::BusFault;
}

HwStatus AdapterHal::rebind_export(unsigned index, uint64_t bus_addr) {
    bool ok = wr(r::EXP_INDEX, index) && wr(r::EXP_CMD, op(r::TableOp::READ)) &&
              bus_.write64(r::EXP_BASE_LO, bus_addr) && wr(r::EXP_CMD, op(r::TableOp::WRITE));
    return ok ? HwStatus::Ok : HwStatus::BusFault;
}

bool AdapterHal::peers(uint64_t& mask) { return bus_.read64(r::PEERS_LO, mask); }

bool AdapterHal::export_importers(unsigned index, uint64_t& slots) {
    return wr(r::EXP_INDEX, index) && bus_.read64(r::EXP_IMPORTERS_LO, slots);
}

HwStatus AdapterHal::wait_until(uint32_t reg, uint32_t mask, bool set, uint64_t timeout_ns, Wake wake,
                                uint32_t* last) {
    uint32_t v = 0;
    const auto r = bus_.wait_reg(reg, mask, set, timeout_ns, wake == Wake::Interrupt, v);
    if (last) *last = v;
    return status_of(r);
}

HwStatus AdapterHal::status_of(hw::Bus::WaitResult r) {
    switch (r) {
    case hw::Bus::WaitResult::Met: return HwStatus::Ok;
    case hw::Bus::WaitResult::Timeout: return HwStatus::Timeout;
    case hw::Bus::WaitResult::BusError: break;
    }
    return HwStatus::BusFault;
}

HwStatus AdapterHal::wait_revoked_sent(uint64_t timeout_ns) {
    return wait_until(r::STATUS, r::STATUS_f::REVOKING_MASK, false, timeout_ns, Wake::Poll);
}

bool AdapterHal::revoked(uint64_t& slots) { return bus_.read64(r::ATT_REVOKED_LO, slots); }

LookupResult AdapterHal::lookup(uint32_t node, uint32_t segid, uint64_t timeout_ns) {
    LookupResult res{HwStatus::BusFault, 0, false, false};
    uint32_t status = 0;
    if (!rd(r::CONN_STATUS, status)) return res;
    if (status & r::CONN_STATUS_f::BUSY_MASK) {
        res.status = HwStatus::Timeout;   // another lookup owns the unit
        return res;
    }
    if (!wr(r::CONN_NODE, node) || !wr(r::CONN_SEGID, segid) ||
        !wr(r::CONN_CMD, r::CONN_CMD_f::GO_MASK))
        return res;
    // The answer sets CONN_STATUS.DONE and raises CONN_DONE.
    const HwStatus w = wait_until(r::CONN_STATUS, r::CONN_STATUS_f::DONE_MASK, true, timeout_ns, Wake::Interrupt,
                                  &status);
    if (w != HwStatus::Ok) {
        res.status = w;
        return res;
    }
    if (!wr(r::INTR_STATE, r::INTR_STATE_f::CONN_DONE_MASK)) return res;
    uint32_t size = 0, perm = 0;
    if (!rd(r::CONN_SIZE, size) || !rd(r::CONN_PERM, perm)) return res;
    res.status = from_err_class((status & r::CONN_STATUS_f::RESULT_MASK) >> r::CONN_STATUS_f::RESULT_SHIFT);
    res.size = size;
    res.read = perm & r::CONN_PERM_f::READ_MASK;
    res.write = perm & r::CONN_PERM_f::WRITE_MASK;
    return res;
}

bool AdapterHal::lookup_revoked(bool& revoked) {
    uint32_t status = 0;
    if (!rd(r::CONN_STATUS, status)) return false;
    revoked = status & r::CONN_STATUS_f::REVOKED_MASK;
    return true;
}

HwStatus AdapterHal::write_import(unsigned index, uint32_t node, uint32_t segid, uint32_t size,
                                  bool read, bool write) {
    uint32_t ctrl = r::ATT_CTRL_f::VALID_MASK | (read ? r::ATT_CTRL_f::READ_MASK : 0) |
                    (write ? r::ATT_CTRL_f::WRITE_MASK : 0);
    bool ok = wr(r::ATT_INDEX, index) && wr(r::ATT_NODE, node) && wr(r::ATT_SEGID, segid) &&
              wr(r::ATT_SIZE, size) && wr(r::ATT_CTRL, ctrl) &&
              wr(r::ATT_CMD, static_cast<uint32_t>(r::TableOp::WRITE));
    return ok ? HwStatus::Ok : HwStatus::BusFault;
}

HwStatus AdapterHal::clear_import(unsigned index) {
    bool ok = wr(r::ATT_INDEX, index) && wr(r::ATT_CMD, static_cast<uint32_t>(r::TableOp::CLEAR));
    return ok ? HwStatus::Ok : HwStatus::BusFault;
}

static uint64_t window_address(unsigned index, uint64_t offset) {
    return r::kWindowBase + (static_cast<uint64_t>(index) << r::kWindowSlotShift) + offset;
}

bool AdapterHal::window_write(unsigned index, uint64_t offset, const void* src, size_t len, bool posted) {
    const uint64_t at = window_address(index, offset);
    return posted ? bus_.post_block(at, src, len) : bus_.write_block(at, src, len);
}

bool AdapterHal::window_read(unsigned index, uint64_t offset, void* dst, size_t len) {
    return bus_.read_block(window_address(index, offset), dst, len);
}

bool AdapterHal::select_node(uint32_t node) {
    if (bar_selected_ == node) return true;
    if (!wr(r::BAR_NODE, node)) return false;
    bar_selected_ = node;
    return true;
}

namespace {
// A snapshot's registers, read in one go: a put with an implicit barrier takes two snapshots.
constexpr uint64_t kSnapshotRegs[] = {r::BAR_ERRORS, r::ROUTE_GEN};
BarrierSnapshot snapshot_of(const uint32_t (&v)[2]) { return {v[0], v[1]}; }
}  // namespace

bool AdapterHal::bar_snapshot(uint32_t node, BarrierSnapshot& out, bool deferred) {
    if (!select_node(node)) return false;
    if (deferred)
        return bus_.read32_each_deferred(&kSnapshotRegs[0], &out.errors, 1) &&
               bus_.read32_each_deferred(&kSnapshotRegs[1], &out.route, 1);
    uint32_t v[2] = {};
    if (!bus_.read32_each(kSnapshotRegs, v, 2)) return false;
    out = snapshot_of(v);
    return true;
}

HwStatus AdapterHal::bar_flush(uint32_t node, uint64_t timeout_ns) {
    // No interrupt tells of the last answer: poll until nothing is outstanding.
    if (!select_node(node)) return HwStatus::BusFault;
    return wait_until(r::BAR_OUTSTANDING, ~0u, false, timeout_ns, Wake::Poll);
}

HwStatus AdapterHal::bar_flush_snapshot(uint32_t node, uint64_t timeout_ns, BarrierSnapshot& out) {
    if (!select_node(node)) return HwStatus::BusFault;
    uint32_t last = 0, v[2] = {};
    const HwStatus s = status_of(bus_.wait_reg_then_read(r::BAR_OUTSTANDING, ~0u, false, timeout_ns, false, last,
                                                          kSnapshotRegs, v, 2));
    if (s == HwStatus::Ok) out = snapshot_of(v);
    return s;
}

bool AdapterHal::signal_import_side(unsigned slot, bool no_accumulate) {
    return wr(r::SIG_POST, (slot & r::SIG_POST_f::SLOT_MASK) | (no_accumulate ? r::SIG_POST_f::NO_ACCUMULATE_MASK : 0));
}

bool AdapterHal::signal_export_side(unsigned index, bool no_accumulate) {
    return wr(r::SIG_POST_EXPORT, (index & r::SIG_POST_EXPORT_f::IDX_MASK) |
                                      (no_accumulate ? r::SIG_POST_EXPORT_f::NO_ACCUMULATE_MASK : 0));
}

HwStatus AdapterHal::wait_post_answer(uint64_t timeout_ns) {
    uint32_t st = 0;
    const HwStatus w = wait_until(r::SIG_POST_STATUS, r::SIG_POST_STATUS_f::DONE_MASK, true, timeout_ns, Wake::Poll, &st);
    if (w != HwStatus::Ok) return w;
    return from_err_class((st & r::SIG_POST_STATUS_f::RESULT_MASK) >> r::SIG_POST_STATUS_f::RESULT_SHIFT);
}

namespace {
constexpr hw::Bus::RegWrite kSignalAck{r::INTR_STATE, r::INTR_STATE_f::SIGNAL_MASK};
hw::Bus::RegWrite signal_consume(bool import, unsigned index) {
    return {import ? r::SIG_IMP_CONSUME : r::SIG_CONSUME, index};
}
}  // namespace

bool AdapterHal::signal_take(bool import, unsigned index, bool& taken) {
    // One read of the pending bitmap, one consume write: a waiter per
    // segment never races itself.
    taken = false;
    if (import) {
        uint64_t pending = 0;
        if (!bus_.read64(r::SIG_IMP_PENDING_LO, pending)) return false;
        taken = (pending >> index) & 1;
    } else {
        uint32_t pending = 0;
        if (!rd(r::SIG_PENDING, pending)) return false;
        taken = (pending >> index) & 1;
    }
    const hw::Bus::RegWrite consume = signal_consume(import, index);
    return !taken || bus_.write32(consume.offset, consume.value);
}

HwStatus AdapterHal::signal_take_waiting(bool import, unsigned index, uint64_t timeout_ns) {
    // The import bitmap is a register pair: the word that holds the entry's bit.
    const uint32_t reg = import ? r::SIG_IMP_PENDING_LO + 4 * (index / 32) : r::SIG_PENDING;
    const hw::Bus::RegWrite consume = signal_consume(import, index);
    uint32_t last = 0;
    return status_of(bus_.wait_reg_acking(reg, 1u << (index % 32), timeout_ns, kSignalAck, &consume, last));
}

bool AdapterHal::signal_pending(uint32_t& exports, uint64_t& imports) {
    return rd(r::SIG_PENDING, exports) && bus_.read64(r::SIG_IMP_PENDING_LO, imports);
}

bool AdapterHal::sleep_until_signal(uint64_t epoch, uint64_t timeout_ns) {
    return bus_.wait_irq_acking(epoch, timeout_ns, kSignalAck);
}

DmaResult AdapterHal::dma_run(const DmaEntry* e, unsigned count, bool sigpost, bool no_accumulate,
                              uint64_t timeout_ns) {
    DmaResult res{HwStatus::BusFault, 0};
    bool ok = true;
    for (unsigned i = 0; ok && i < count; ++i) {
        const uint32_t ctrl = (e[i].slot & r::DESC_CTRL_f::SLOT_MASK) | (e[i].write ? r::DESC_CTRL_f::WRITE_MASK : 0) |
                              (e[i].barrier ? r::DESC_CTRL_f::BARRIER_MASK : 0);
        ok = bus_.write64(r::DESC_LOCAL_LO(i), e[i].local) && wr(r::DESC_REMOTE(i), e[i].remote) &&
             wr(r::DESC_LEN(i), e[i].len) && wr(r::DESC_CTRL(i), ctrl);
    }
    const uint32_t go = r::DMA_CTRL_f::GO_MASK | r::DMA_CTRL_f::IRQ_MASK |
                        (sigpost ? r::DMA_CTRL_f::SIGPOST_MASK : 0) |
                        (no_accumulate ? r::DMA_CTRL_f::NO_ACCUMULATE_MASK : 0);
    if (!ok || !wr(r::DMA_COUNT, count) || !wr(r::DMA_CTRL, go)) return res;
    // The chain ends with DMA_STATUS.DONE (and DMA_DONE or DMA_ERR raised).
    uint32_t st = 0;
    const HwStatus w = wait_until(r::DMA_STATUS, r::DMA_STATUS_f::DONE_MASK, true, timeout_ns, Wake::Interrupt, &st);
    if (w != HwStatus::Ok) {
        res.status = w;
        return res;
    }
    if (!wr(r::INTR_STATE, r::INTR_STATE_f::DMA_DONE_MASK | r::INTR_STATE_f::DMA_ERR_MASK)) return res;
    res.completed = (st & r::DMA_STATUS_f::COMPLETED_MASK) >> r::DMA_STATUS_f::COMPLETED_SHIFT;
    res.status = (st & r::DMA_STATUS_f::ERROR_MASK)
                     ? from_err_class((st & r::DMA_STATUS_f::CLASS_MASK) >> r::DMA_STATUS_f::CLASS_SHIFT)
                     : HwStatus::Ok;
    return res;
}


}  // namespace rsm::hal

// putv/getv over the adapter's DMA engine, and local memory handles.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "adapter_regs.h"
#include "support/cluster_run.h"
#include "support/export_scenario.h"
#include "support/rsm_helpers.h"

namespace {

using rsmsim::Cluster;
using rsmsim::test::controller;
using rsmsim::test::PageBuffer;
using rsmsim::test::run_nodes;

constexpr rsm_memseg_id_t kId = 0x400030;
constexpr size_t kSeg = 1 << 20;

uint8_t pat(size_t i, unsigned salt) { return static_cast<uint8_t>(i * 29u + salt * 53u + 1u); }

// Node 4 exports `mem` (kSeg, RDWR to everyone, and a read-only twin at
// kId+1); it runs `exporter` between the two syncs, the importer `body`.
void scenario(PageBuffer& mem, const std::function<void(Cluster&, rsmapi_controller_handle_t)>& body,
              const std::function<void(Cluster&, rsm_memseg_export_handle_t)>& exporter = {}) {
    rsmsim::test::export_scenario(
        2, {{mem.data(), mem.len, kId}, {mem.data(), mem.len, kId + 1, {{8, 0400}}}},
        [&](int, Cluster& cl, rsmapi_controller_handle_t c) { body(cl, c); },
        [&](Cluster& cl, const std::vector<rsm_memseg_export_handle_t>& ex) {
            if (exporter) exporter(cl, ex[0]);
        });
}

TEST(ScatterGather, SixteenEntriesOutAndBackByteForByte) {
    PageBuffer mem(kSeg), pinned(16 * 4096);
    std::vector<std::vector<uint8_t>> bufs(16);
    scenario(mem, [&](Cluster& cl, rsmapi_controller_handle_t c) {
        rsm_memseg_import_handle_t im = nullptr;
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
        rsm_localmemory_handle_t lh = nullptr;
        ASSERT_RSM_OK(rsm_create_localmemory_handle(c, &lh, reinterpret_cast<caddr_t>(pinned.data()), pinned.len));
        rsm_iovec_t iov[16];
        for (unsigned i = 0; i < 16; ++i) {
            const size_t len = 100 + 777 * i;   // odd sizes, unaligned remote offsets
            iov[i] = {};
            iov[i].remote_offset = 12000 * i + 3 * i;   // disjoint: the longest entry is 11755 B
            iov[i].transfer_length = len;
            if (i % 2) {
                bufs[i].resize(len);
                for (size_t k = 0; k < len; ++k) bufs[i][k] = pat(k, i);
                iov[i].io_type = RSM_VA_TYPE;
                iov[i].local.vaddr = reinterpret_cast<caddr_t>(bufs[i].data());
            } else {
                iov[i].io_type = RSM_HANDLE_TYPE;
                iov[i].local.handle = lh;
                iov[i].local_offset = 4096 * i;
                for (size_t k = 0; k < len && k < 4096; ++k) pinned.data()[4096 * i + k] = pat(k, i);
                iov[i].transfer_length = std::min<size_t>(len, 4096);
            }
        }
        rsm_scat_gath_t sg{};
        sg.io_request_count = 16;
        sg.io_residual_count = 99;
        sg.remote_handle = im;
        sg.iovec = iov;
        sg.flags = RSM_IMPLICIT_SIGPOST;
        const double t0 = Cluster::now_ns();
        ASSERT_RSM_OK(rsm_memseg_import_putv(&sg));
        EXPECT_EQ(sg.io_residual_count, 0u);
        EXPECT_GT(Cluster::now_ns(), t0);
        for (unsigned i = 0; i < 16; ++i)
            for (size_t k = 0; k < iov[i].transfer_length; ++k)
                ASSERT_EQ(mem.data()[iov[i].remote_offset + k], pat(k, i)) << i << ":" << k;
        EXPECT_EQ(sg.flags, unsigned(RSM_IMPLICIT_SIGPOST)) << "the caller's flags are kept";
        // The exporter's adapter received exactly one signal for the vector.
        namespace r = rsm::regs;
        uint32_t pending = 0, count = 0;
        ASSERT_TRUE(cl.node(0).bus.read32(r::SIG_PENDING, pending));
        ASSERT_TRUE(cl.node(0).bus.write32(r::SIG_INDEX, 0));
        ASSERT_TRUE(cl.node(0).bus.read32(r::SIG_COUNT, count));
        EXPECT_EQ(pending, 1u);
        EXPECT_EQ(count, 1u);
        // Scatter it back into fresh buffers.
        std::vector<std::vector<uint8_t>> back(16);
        for (unsigned i = 0; i < 16; ++i) {
            back[i].assign(iov[i].transfer_length, 0);
            iov[i].io_type = RSM_VA_TYPE;
            iov[i].local.vaddr = reinterpret_cast<caddr_t>(back[i].data());
            iov[i].local_offset = 0;
        }
        sg.flags = 0;
        ASSERT_RSM_OK(rsm_memseg_import_getv(&sg));
        for (unsigned i = 0; i < 16; ++i)
            for (size_t k = 0; k < back[i].size(); ++k) ASSERT_EQ(back[i][k], pat(k, i)) << i << ":" << k;
        ASSERT_RSM_OK(rsm_free_localmemory_handle(c, lh));
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
    });
}

TEST(ScatterGather, ArgumentErrorsChangeNothing) {
    PageBuffer mem(kSeg);
    scenario(mem, [&](Cluster& cl, rsmapi_controller_handle_t c) {
        rsm_memseg_import_handle_t im = nullptr, ro = nullptr;
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId + 1, RSM_PERM_READ, &ro));
        uint8_t buf[64] = {1};
        rsm_iovec_t iov[17];
        for (auto& v : iov) {
            v = {};
            v.io_type = RSM_VA_TYPE;
            v.local.vaddr = reinterpret_cast<caddr_t>(buf);
            v.transfer_length = 64;
        }
        rsm_scat_gath_t sg{};
        sg.remote_handle = im;
        sg.iovec = iov;
        sg.io_residual_count = 99;
        const uint64_t before = cl.node(1).bus.accesses();
        EXPECT_RSM(RSMERR_BAD_SGIO, rsm_memseg_import_putv(nullptr));
        EXPECT_RSM(RSMERR_BAD_SGIO, rsm_memseg_import_putv(&sg)) << "count 0";
        sg.io_request_count = 17;
        EXPECT_RSM(RSMERR_BAD_SGIO, rsm_memseg_import_getv(&sg)) << "count 17";
        sg.io_request_count = 2;
        sg.remote_handle = nullptr;
        EXPECT_RSM(RSMERR_BAD_SEG_HNDL, rsm_memseg_import_putv(&sg));
        sg.remote_handle = ro;
        EXPECT_RSM(RSMERR_PERM_DENIED, rsm_memseg_import_putv(&sg)) << "read-only import";
        sg.remote_handle = im;
        iov[1].io_type = 3;
        EXPECT_RSM(RSMERR_BAD_SGIO, rsm_memseg_import_putv(&sg));
        iov[1].io_type = RSM_HANDLE_TYPE;
        iov[1].local.handle = nullptr;
        EXPECT_RSM(RSMERR_BAD_SGIO, rsm_memseg_import_putv(&sg)) << "not a local memory handle";
        iov[1].io_type = RSM_VA_TYPE;
        iov[1].local.vaddr = nullptr;
        EXPECT_RSM(RSMERR_BAD_ADDR, rsm_memseg_import_putv(&sg));
        iov[1].local.vaddr = reinterpret_cast<caddr_t>(buf);
        iov[1].transfer_length = 0;
        EXPECT_RSM(RSMERR_BAD_LENGTH, rsm_memseg_import_putv(&sg));
        iov[1].transfer_length = 64;
        iov[1].remote_offset = kSeg;
        EXPECT_RSM(RSMERR_BAD_OFFSET, rsm_memseg_import_putv(&sg));
        iov[1].remote_offset = kSeg - 32;
        EXPECT_RSM(RSMERR_BAD_LENGTH, rsm_memseg_import_putv(&sg));
        EXPECT_EQ(sg.io_residual_count, sg.io_request_count) << "nothing was initiated: every entry is residual";
        EXPECT_EQ(cl.node(1).bus.accesses(), before) << "and touch no register";
        for (size_t k = 0; k < 128; ++k) ASSERT_EQ(mem.data()[k], 0);
        rsm_localmemory_handle_t lh = nullptr;
        PageBuffer page(4096);
        EXPECT_RSM(RSMERR_BAD_ADDR, rsm_create_localmemory_handle(c, &lh, reinterpret_cast<caddr_t>(page.data() + 1), 64));
        EXPECT_RSM(RSMERR_BAD_CTLR_HNDL, rsm_create_localmemory_handle(nullptr, &lh, reinterpret_cast<caddr_t>(page.data()), 64));
        EXPECT_RSM(RSMERR_BAD_LOCALMEM_HNDL, rsm_create_localmemory_handle(c, nullptr, reinterpret_cast<caddr_t>(page.data()), 64));
        EXPECT_RSM(RSMERR_BAD_LENGTH, rsm_create_localmemory_handle(c, &lh, reinterpret_cast<caddr_t>(page.data()), 0));
        ASSERT_RSM_OK(rsm_create_localmemory_handle(c, &lh, reinterpret_cast<caddr_t>(page.data()), 4096));
        iov[1].remote_offset = 0;
        iov[1].io_type = RSM_HANDLE_TYPE;
        iov[1].local.handle = lh;
        iov[1].local_offset = 4090;
        EXPECT_RSM(RSMERR_BAD_LENGTH, rsm_memseg_import_putv(&sg)) << "beyond the local handle";
        EXPECT_RSM(RSMERR_BAD_CTLR_HNDL, rsm_free_localmemory_handle(nullptr, lh));
        EXPECT_RSM(RSMERR_BAD_LOCALMEM_HNDL, rsm_free_localmemory_handle(c, nullptr));
        ASSERT_RSM_OK(rsm_free_localmemory_handle(c, lh));
        EXPECT_RSM(RSMERR_BAD_LOCALMEM_HNDL, rsm_free_localmemory_handle(c, lh)) << "freed twice";
        EXPECT_RSM(RSMERR_BAD_SGIO, rsm_memseg_import_putv(&sg)) << "a freed handle";
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(ro));
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
    });
}

TEST(ScatterGather, AVectorCutShortByUnpublishReportsItsResidual) {
    PageBuffer mem(kSeg);
    std::vector<uint8_t> src(65536);
    for (size_t k = 0; k < src.size(); ++k) src[k] = pat(k, 5);
    unsigned long residual = 0;
    scenario(
        mem,
        [&](Cluster&, rsmapi_controller_handle_t c) {
            rsm_memseg_import_handle_t im = nullptr;
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
            rsm_iovec_t iov[16];
            for (unsigned i = 0; i < 16; ++i) {
                iov[i] = {};
                iov[i].io_type = RSM_VA_TYPE;
                iov[i].local.vaddr = reinterpret_cast<caddr_t>(src.data());
                iov[i].remote_offset = 65536 * i;
                iov[i].transfer_length = 65536;
            }
            rsm_scat_gath_t sg{};
            sg.io_request_count = 16;
            sg.remote_handle = im;
            sg.iovec = iov;
            // Unpublishing force-disconnects the import: BAD_SGIO, as the original agent says.
            EXPECT_RSM(RSMERR_BAD_SGIO, rsm_memseg_import_putv(&sg));
            residual = sg.io_residual_count;
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
        },
        [&](Cluster&, rsm_memseg_export_handle_t ex) {
            // Withdraw the segment while the vector is on its way.
            sc_core::wait(sc_core::sc_time(1.5, sc_core::SC_MS));
            ASSERT_RSM_OK(rsm_memseg_export_unpublish(ex));
        });
    ASSERT_GT(residual, 0u);
    ASSERT_LT(residual, 16u);
    const size_t done = 16 - residual;
    // Implicit mode: entries complete in order; those before the failure are
    // whole, those after never started.
    for (size_t i = 0; i < done; ++i)
        ASSERT_EQ(std::memcmp(mem.data() + 65536 * i, src.data(), 65536), 0) << "entry " << i;
    for (size_t i = done + 1; i < 16; ++i)
        for (size_t k = 0; k < 65536; k += 512) ASSERT_EQ(mem.data()[65536 * i + k], 0) << "entry " << i;
}

}  // namespace

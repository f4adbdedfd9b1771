// Isolation matrix: no node reads or writes memory it was not granted.
// Node 4 exports 15 segments (5 access lists for node 8 x 3 republish
// plans), each between guard pages; node 8 connects to every one with each
// of the three rights (45 connections where the list allows) and runs every
// data operation (put, get, putv and getv by address and by local handle,
// stores and loads through a mapping) inside the segment and across its end,
// first while published, then after node 4 unpublished; node 12 tries node
// 8's handles. Oracle: a call succeeds exactly when the connection's rights
// (granted at connect: republish governs new connections only) allow it;
// a failed call returns an error and changes nothing, a read that failed
// leaves the destination alone, and the exported memory equals a shadow
// copy with exactly the successful writes applied; guard pages never change.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <deque>
#include <map>
#include <set>
#include <vector>

#include "support/cluster_run.h"
#include "support/rsm_helpers.h"

namespace {

using rsmsim::Cluster;
using rsmsim::test::controller;
using rsmsim::test::PageBuffer;
using rsmsim::test::run_nodes;

constexpr size_t kPage = 4096;
constexpr size_t kSeg = 2 * kPage;
constexpr size_t kLen = 16;
constexpr rsm_memseg_id_t kBase = 0x400900;

// What node 4's list says about node 8 (node 12 is always listed RDWR).
enum class Acl { Public, Unlisted, Read, Write, ReadWrite };
// What node 4 does after node 8 connected.
enum class Republish { None, WithoutNode8, ToEveryone };
constexpr std::array<Acl, 5> kAcls = {Acl::Public, Acl::Unlisted, Acl::Read, Acl::Write, Acl::ReadWrite};
constexpr std::array<Republish, 3> kPlans = {Republish::None, Republish::WithoutNode8, Republish::ToEveryone};
constexpr std::array<rsm_permission_t, 3> kPerms = {RSM_PERM_READ, RSM_PERM_WRITE, RSM_PERM_RDWR};

rsm_permission_t granted(Acl a) {
    switch (a) {
    case Acl::Public: return RSM_PERM_RDWR;   // the owner class of the default mode
    case Acl::Unlisted: return 0;
    case Acl::Read: return RSM_PERM_READ;
    case Acl::Write: return RSM_PERM_WRITE;
    case Acl::ReadWrite: return RSM_PERM_RDWR;
    }
    return 0;
}

std::vector<rsmapi_access_entry_t> list_of(Acl a) {
    std::vector<rsmapi_access_entry_t> l = {{12, RSM_PERM_RDWR}};
    if (a != Acl::Unlisted && a != Acl::Public) l.push_back({8, granted(a)});
    return a == Acl::Public ? std::vector<rsmapi_access_entry_t>{} : l;
}

enum class Op { Put, Get, PutvVa, PutvHandle, GetvVa, GetvHandle, MapStore, MapLoad };
constexpr std::array<Op, 8> kOps = {Op::Put,    Op::Get,        Op::PutvVa,   Op::PutvHandle,
                                    Op::GetvVa, Op::GetvHandle, Op::MapStore, Op::MapLoad};
bool writes(Op o) { return o == Op::Put || o == Op::PutvVa || o == Op::PutvHandle || o == Op::MapStore; }
// The connection's rights an operation needs. A mapping is kept coherent by
// reading the segment, so storing through one needs both (rsmapi.h).
rsm_permission_t needs(Op o) {
    if (o == Op::MapStore) return RSM_PERM_RDWR;
    return writes(o) ? RSM_PERM_WRITE : RSM_PERM_READ;
}

// An exported segment between two guard pages, and what it must hold.
struct Segment {
    Acl acl;
    Republish plan;
    rsm_memseg_id_t id;
    PageBuffer mem{kSeg + 2 * kPage};
    std::vector<uint8_t> shadow = std::vector<uint8_t>(kSeg, 0);
    uint8_t* data() { return mem.data() + kPage; }
};

struct Connection {
    Segment* seg;
    rsm_permission_t perm;
    rsm_memseg_import_handle_t im = nullptr;
    rsmapi_barrier_t bar{};
};

// Codes a refused data operation may return (rsmapi.h, spec sections 6.6-6.7).
const std::set<int> kRefusals = {RSMERR_PERM_DENIED, RSMERR_BAD_PERMS,   RSMERR_BAD_LENGTH,      RSMERR_BAD_OFFSET,
                                 RSMERR_CONN_ABORTED, RSMERR_BAD_SGIO,   RSMERR_BAD_SEG_HNDL,    RSMERR_BARRIER_FAILURE};

struct Matrix {
    std::vector<std::unique_ptr<Segment>> segs;
    std::deque<Connection> conns;   // never moved: a barrier is its struct
    PageBuffer local{kPage};   // node 8's local memory handle covers it
    rsm_localmemory_handle_t lh = nullptr;
    size_t cases = 0, allowed = 0;
    std::map<int, int> codes;   // refusals seen, by code

    // One operation of `c` at `off`; `salt` makes every write distinct.
    int run(Connection& c, Op op, size_t off, uint8_t* buf) {
        rsm_iovec_t iov{};
        iov.remote_offset = off;
        iov.transfer_length = kLen;
        rsm_scat_gath_t sg{};
        sg.io_request_count = 1;
        sg.remote_handle = c.im;
        sg.iovec = &iov;
        const bool by_handle = op == Op::PutvHandle || op == Op::GetvHandle;
        if (by_handle) {
            iov.io_type = RSM_HANDLE_TYPE;
            iov.local.handle = lh;
            iov.local_offset = static_cast<size_t>(buf - local.data());
        } else {
            iov.io_type = RSM_VA_TYPE;
            iov.local.vaddr = reinterpret_cast<caddr_t>(buf);
        }
        switch (op) {
        case Op::Put: return rsm_memseg_import_put(c.im, static_cast<off_t>(off), buf, kLen);
        case Op::Get: return rsm_memseg_import_get(c.im, static_cast<off_t>(off), buf, kLen);
        case Op::PutvVa:
        case Op::PutvHandle: return rsm_memseg_import_putv(&sg);
        case Op::GetvVa:
        case Op::GetvHandle: return rsm_memseg_import_getv(&sg);
        case Op::MapStore:
        case Op::MapLoad: return through_mapping(c, op == Op::MapStore, off, buf);
        }
        return RSMERR_INTERNAL_ERROR;
    }

    // Maps the pages up to the access with just the right the operation
    // needs (across the end: more than the segment has, which the library
    // must refuse), stores or loads, and unmaps (which writes the stores back).
    static int through_mapping(Connection& c, bool store, size_t off, uint8_t* buf) {
        void* addr = nullptr;
        const size_t len = (off + kLen + kPage - 1) / kPage * kPage;
        const int rc = rsm_memseg_import_map(c.im, &addr, RSM_MAP_NONE, store ? RSM_PERM_WRITE : RSM_PERM_READ, 0, len);
        if (rc != RSM_SUCCESS) return rc;
        if (store) std::memcpy(static_cast<uint8_t*>(addr) + off, buf, kLen);
        else std::memcpy(buf, static_cast<uint8_t*>(addr) + off, kLen);
        return rsm_memseg_import_unmap(c.im);
    }

    // Every operation on every connection, in and across the end of the
    // segment; `published`: node 4 still publishes them.
    void sweep(bool published) {
        uint8_t salt = published ? 1 : 101;
        for (Connection& c : conns) {
            if (!c.im) continue;   // refused at connect
            for (Op op : kOps) {
                for (size_t off : {size_t{64} * (static_cast<size_t>(op) + 1), kSeg - kLen / 2}) {
                    ++cases;
                    const bool inside = off + kLen <= kSeg;
                    const bool may = published && inside && (c.perm & needs(op)) == needs(op);
                    uint8_t* buf = local.data() + 128;
                    for (size_t k = 0; k < kLen; ++k) buf[k] = static_cast<uint8_t>(salt * 31 + k);
                    const std::vector<uint8_t> before(buf, buf + kLen);
                    const int rc = run(c, op, off, buf);
                    const auto what = ::testing::Message() << "segment " << std::hex << c.seg->id << std::dec
                                                           << " perm 0" << std::oct << c.perm << std::dec << " op "
                                                           << static_cast<int>(op) << " off " << off;
                    if (may) {
                        ++allowed;
                        EXPECT_RSM(RSM_SUCCESS, rc) << what;
                    } else {
                        EXPECT_NE(rc, RSM_SUCCESS) << what;
                        EXPECT_TRUE(kRefusals.count(rc)) << what << ": " << rc;
                        ++codes[rc];
                    }
                    if (rc == RSM_SUCCESS && writes(op)) std::memcpy(&c.seg->shadow[off], before.data(), kLen);
                    if (rc == RSM_SUCCESS && !writes(op)) {
                        EXPECT_EQ(0, std::memcmp(buf, &c.seg->shadow[off], kLen)) << what << ": read what is there";
                    }
                    if (rc != RSM_SUCCESS && !writes(op)) {
                        EXPECT_EQ(0, std::memcmp(buf, before.data(), kLen)) << what << ": a refused read leaks nothing";
                    }
                    ++salt;
                }
            }
        }
    }

    // Node 4's view: each segment holds exactly the successful writes, and
    // the pages around it nothing.
    void verify() {
        for (auto& s : segs) {
            EXPECT_EQ(0, std::memcmp(s->data(), s->shadow.data(), kSeg)) << "segment " << std::hex << s->id;
            for (size_t k = 0; k < kPage; ++k) {
                ASSERT_EQ(s->mem.data()[k], 0) << "guard before " << std::hex << s->id;
                ASSERT_EQ(s->mem.data()[kPage + kSeg + k], 0) << "guard after " << std::hex << s->id;
            }
        }
    }
};

TEST(Isolation, NoNodeReachesMemoryItWasNotGranted) {
    Matrix m;
    for (Acl a : kAcls)
        for (Republish r : kPlans)
            m.segs.push_back(
                std::make_unique<Segment>(Segment{a, r, kBase + static_cast<rsm_memseg_id_t>(m.segs.size())}));
    std::vector<rsm_memseg_export_handle_t> ex(m.segs.size(), nullptr);
    run_nodes(3, [&](int i, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        if (i == 0) {
            for (size_t k = 0; k < m.segs.size(); ++k) {
                Segment& s = *m.segs[k];
                ASSERT_RSM_OK(rsm_memseg_export_create(c, &ex[k], s.data(), kSeg, 0));
                auto l = list_of(s.acl);
                rsm_memseg_id_t id = s.id;
                ASSERT_RSM_OK(rsm_memseg_export_publish(ex[k], &id, l.empty() ? nullptr : l.data(),
                                                        static_cast<uint_t>(l.size())));
            }
            cl.sync();   // 1: node 8 connects
            cl.sync();   // 2
            for (size_t k = 0; k < m.segs.size(); ++k) {
                rsmapi_access_entry_t only12[1] = {{12, RSM_PERM_RDWR}};
                if (m.segs[k]->plan == Republish::WithoutNode8) {
                    ASSERT_RSM_OK(rsm_memseg_export_republish(ex[k], only12, 1));
                } else if (m.segs[k]->plan == Republish::ToEveryone) {
                    ASSERT_RSM_OK(rsm_memseg_export_republish(ex[k], nullptr, 0));
                }
            }
            cl.sync();   // 3: node 8 runs the matrix
            cl.sync();   // 4
            m.verify();
            for (auto e : ex) ASSERT_RSM_OK(rsm_memseg_export_unpublish(e));
            cl.sync();   // 5: node 8 runs it again; node 12 tries node 8's handles
            cl.sync();   // 6
            m.verify();
            for (auto e : ex) ASSERT_RSM_OK(rsm_memseg_export_destroy(e));
            return;
        }
        if (i == 2) {
            for (int k = 0; k < 5; ++k) cl.sync();   // to 5
            uint8_t buf[kLen] = {9, 9, 9};
            for (Connection& conn : m.conns) {
                if (!conn.im) continue;
                EXPECT_RSM(RSMERR_BAD_SEG_HNDL, rsm_memseg_import_put(conn.im, 0, buf, kLen)) << "node 8's handle";
                EXPECT_RSM(RSMERR_BAD_SEG_HNDL, rsm_memseg_import_get(conn.im, 0, buf, kLen)) << "node 8's handle";
            }
            cl.sync();   // 6
            return;
        }
        cl.sync();   // 1
        ASSERT_RSM_OK(rsm_create_localmemory_handle(c, &m.lh, reinterpret_cast<caddr_t>(m.local.data()), kPage));
        for (auto& s : m.segs) {
            for (rsm_permission_t p : kPerms) {
                Connection& conn = m.conns.emplace_back(Connection{s.get(), p});
                const int rc = rsm_memseg_import_connect(c, 4, s->id, p, &conn.im);
                const rsm_permission_t g = granted(s->acl);
                if (s->acl == Acl::Unlisted) EXPECT_RSM(RSMERR_SEG_NOT_PUBLISHED_TO_NODE, rc);
                else if ((p & g) != p) EXPECT_RSM(RSMERR_PERM_DENIED, rc) << std::oct << p << " of " << g;
                else EXPECT_RSM(RSM_SUCCESS, rc);
                if (rc != RSM_SUCCESS) conn.im = nullptr;
                if (conn.im) {
                    ASSERT_RSM_OK(rsm_memseg_import_init_barrier(conn.im, RSM_BAR_DEFAULT, &conn.bar));
                }
            }
        }
        cl.sync();   // 2
        cl.sync();   // 3: republished
        m.sweep(true);
        cl.sync();   // 4
        cl.sync();   // 5: unpublished
        m.sweep(false);
        for (Connection& conn : m.conns) {
            if (!conn.im) continue;
            ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&conn.bar));
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(conn.im));
        }
        ASSERT_RSM_OK(rsm_free_localmemory_handle(c, m.lh));
        cl.sync();   // 6
    });
    // The matrix's size, for the record.
    std::printf("isolation matrix: %zu connections tried, %zu operation cases, %zu allowed; refusals by code:",
                m.conns.size(), m.cases, m.allowed);
    for (auto [code, n] : m.codes) std::printf(" %s x%d", rsmsim::rsm_error_name(code), n);
    std::printf("\n");
    EXPECT_EQ(m.conns.size(), 45u);
    EXPECT_GT(m.allowed, 0u);
}

}  // namespace

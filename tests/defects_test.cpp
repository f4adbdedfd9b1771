// Regressions for the defects that programs written from the spec found
// (issue #9): each test is named after the behaviour it shows, and failed
// before its fix.
#include <gtest/gtest.h>
#include <malloc.h>
#include <poll.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <functional>
#include <thread>

#include "support/cluster_run.h"
#include "support/export_scenario.h"
#include "adapter_regs.h"
#include "rsmsim/testbench.h"
#include "support/rsm_helpers.h"
#include "support/temp_file.h"

// LeakSanitizer's interface, present only in the sanitizer build.
extern "C" void __lsan_disable() __attribute__((weak));
extern "C" void __lsan_enable() __attribute__((weak));

namespace {

using rsmsim::Cluster;
using rsmsim::test::controller;
using rsmsim::test::export_segment;
using rsmsim::test::PageBuffer;
using rsmsim::test::run_nodes;

constexpr rsm_memseg_id_t kId = 0x400900, kId2 = 0x400901;

// Pages of the process with the given protection; `unmapped` leaves a hole.
struct Pages {
    explicit Pages(size_t n, int prot) : len(n) {
        p = ::mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        std::memset(p, 0x5A, n);
        ::mprotect(p, n, prot);
    }
    ~Pages() {
        if (p) ::munmap(p, len);
    }
    void unmap() {
        ::munmap(p, len);
        hole = p;
        p = nullptr;
    }
    caddr_t at() const { return static_cast<caddr_t>(p ? p : hole); }
    void* p = nullptr;
    void* hole = nullptr;
    size_t len;
};

// Two nodes: node 4 exports `seg` as kId; node 8 connects (RDWR) and runs
// `body` with the import, then disconnects; node 4 destroys its export
// once node 8 is done.
void with_import(PageBuffer& seg,
                 const std::function<void(rsmapi_controller_handle_t, rsm_memseg_import_handle_t)>& body,
                 const rsmsim::ClusterConfig& cfg = rsmsim::test::config(2)) {
    rsmsim::test::export_scenario(cfg, {{seg.data(), seg.len, kId}}, [&](int, Cluster&, rsmapi_controller_handle_t c) {
        rsm_memseg_import_handle_t im = nullptr;
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
        body(c, im);
        EXPECT_RSM(RSM_SUCCESS, rsm_memseg_import_disconnect(im));
    });
}

// ---- 1: a bad pointer is an error code, never a crash of the simulation

TEST(Pinning, ExportOverUnmappedMemoryIsBadAddrAndReadOnlyPagesArePermDenied) {
    run_nodes(1, [](int, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        Pages gone(8192, PROT_READ | PROT_WRITE), ro(4096, PROT_READ);
        gone.unmap();
        rsm_memseg_export_handle_t ex = nullptr;
        EXPECT_RSM(RSMERR_BAD_ADDR, rsm_memseg_export_create(c, &ex, gone.at(), 8192, 0));
        EXPECT_RSM(RSMERR_PERM_DENIED, rsm_memseg_export_create(c, &ex, ro.at(), 4096, 0))
            << "remote puts would write read-only pages";
        EXPECT_FALSE(cl.node(0).memory.is_pinned(ro.at(), 1)) << "nothing stays pinned";
        Pages rw(4096, PROT_READ | PROT_WRITE);
        ASSERT_RSM_OK(rsm_memseg_export_create(c, &ex, rw.at(), 4096, 0));
        ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
    });
}

TEST(Pinning, LocalMemoryAndVectorEntriesOverBadMemoryAreRefusedBeforeTheChain) {
    PageBuffer seg(65536);
    with_import(seg, [&](rsmapi_controller_handle_t c, rsm_memseg_import_handle_t im) {
        rsmapi_barrier_t bar{};
        ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
        Pages gone(4096, PROT_READ | PROT_WRITE), ro(4096, PROT_READ);
        gone.unmap();
        rsm_localmemory_handle_t lh = nullptr;
        EXPECT_RSM(RSMERR_BAD_ADDR, rsm_create_localmemory_handle(c, &lh, gone.at(), 4096));
        // Read-only pages serve a putv, but a getv would write them.
        ASSERT_RSM_OK(rsm_create_localmemory_handle(c, &lh, ro.at(), 4096));
        rsm_iovec_t iov[6] = {};
        for (auto& v : iov) {
            v.io_type = RSM_HANDLE_TYPE;
            v.local.handle = lh;
            v.transfer_length = 64;
        }
        for (unsigned k = 0; k < 6; ++k) iov[k].remote_offset = 64 * k;
        rsm_scat_gath_t sg{};
        sg.remote_handle = im;
        sg.io_request_count = 6;
        sg.iovec = iov;
        ASSERT_RSM_OK(rsm_memseg_import_putv(&sg));
        EXPECT_EQ(seg.data()[0], 0x5A);
        EXPECT_RSM(RSMERR_PERM_DENIED, rsm_memseg_import_getv(&sg));
        EXPECT_EQ(sg.io_residual_count, 6u);
        // Virtual-address entries: unmapped, and an offset that wraps.
        PageBuffer buf(4096);
        iov[3].io_type = RSM_VA_TYPE;
        iov[3].local.vaddr = gone.at();
        EXPECT_RSM(RSMERR_BAD_ADDR, rsm_memseg_import_putv(&sg));
        EXPECT_EQ(sg.io_residual_count, 6u) << "no entry was initiated";
        iov[3].local.vaddr = reinterpret_cast<caddr_t>(buf.data());
        iov[3].local_offset = ~size_t{0} - 16;
        EXPECT_RSM(RSMERR_BAD_ADDR, rsm_memseg_import_putv(&sg));
        iov[3].local_offset = 0;
        iov[3].local.vaddr = ro.at();
        EXPECT_RSM(RSMERR_PERM_DENIED, rsm_memseg_import_getv(&sg)) << "getv into read-only pages";
        // An entry that does not fit the segment: nothing initiated, all residual.
        iov[3].io_type = RSM_HANDLE_TYPE;
        iov[2].remote_offset = seg.len - 32;
        sg.io_residual_count = 0;
        EXPECT_RSM(RSMERR_BAD_LENGTH, rsm_memseg_import_putv(&sg));
        EXPECT_EQ(sg.io_residual_count, 6u);
        ASSERT_RSM_OK(rsm_free_localmemory_handle(c, lh));
        ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
    });
}

// ---- 2: a mapping without access

TEST(Mapping, PermNoneMappingSurvivesItsBarriers) {
    PageBuffer seg(8192);
    with_import(seg, [&](rsmapi_controller_handle_t, rsm_memseg_import_handle_t im) {
        void* addr = nullptr;
        ASSERT_RSM_OK(rsm_memseg_import_map(im, &addr, RSM_MAP_NONE, RSM_PERM_NONE, 0, 8192));
        rsmapi_barrier_t bar{};
        ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
        ASSERT_RSM_OK(rsm_memseg_import_open_barrier(&bar));
        ASSERT_RSM_OK(rsm_memseg_import_close_barrier(&bar));
        ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
        ASSERT_RSM_OK(rsm_memseg_import_unmap(im));
    });
}

// ---- 4: a POSIX thread of a node program belongs to no node

TEST(Threads, PosixThreadCallsAreRefusedWithCodesNotAnAbort) {
    PageBuffer seg(4096);
    run_nodes(1, [&](int, Cluster&) {
        rsmapi_controller_handle_t c = controller();
        rsm_memseg_export_handle_t ex = nullptr;
        ASSERT_TRUE(export_segment(c, seg.data(), seg.len, kId, ex));
        int get = 0, publish = 0, destroy = 0;
        std::thread t([&] {
            rsmapi_controller_handle_t c2 = nullptr;
            get = rsm_get_controller(const_cast<char*>("sci0"), &c2);
            publish = rsm_memseg_export_unpublish(ex);
            destroy = rsm_memseg_export_destroy(ex);
            rsmsim_delay_ns(1000);   // refused too (no simulated thread to delay)
        });
        t.join();
        // The way to have threads on a node: another program of the node.
        static int spawned_rc = -1;
        ASSERT_EQ(rsmsim_spawn(
                      [](int node, void*) {
                          rsmapi_controller_handle_t c2 = nullptr;
                          spawned_rc = rsm_get_controller(const_cast<char*>("sci0"), &c2);
                          EXPECT_EQ(node, 0);
                      },
                      nullptr),
                  0);
        rsmsim_delay_ns(10'000);
        EXPECT_RSM(RSM_SUCCESS, spawned_rc) << "a program started with rsmsim_spawn is the node's";
        EXPECT_RSM(RSMERR_CTLR_NOT_PRESENT, get);
        EXPECT_RSM(RSMERR_BAD_SEG_HNDL, publish);
        EXPECT_RSM(RSMERR_BAD_SEG_HNDL, destroy);
        ASSERT_RSM_OK(rsm_memseg_export_unpublish(ex)) << "the node's own call still works";
        ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
    });
}

// ---- 5: a run that cannot progress ends and says why

TEST(Blocked, SignalWaitForeverWithNoSenderEndsTheRunWithAReport) {
    PageBuffer seg(4096);
    rsmsim::Cluster cluster(rsmsim::test::config(2));
    int rc = -1;
    cluster.spawn(0, [&] {
        rsmapi_controller_handle_t c = controller();
        rsm_memseg_export_handle_t ex = nullptr;
        // A program left blocked for good keeps what it made: not a leak.
        if (__lsan_disable) __lsan_disable();
        ASSERT_TRUE(export_segment(c, seg.data(), seg.len, kId, ex));
        if (__lsan_enable) __lsan_enable();
        rc = rsm_intr_signal_wait(ex, -1);
    });
    cluster.spawn(1, [&] { rsmsim_sync(); });   // waits for node 4, which never arrives
    EXPECT_FALSE(cluster.run());
    EXPECT_EQ(rc, -1) << "still waiting";
    const std::string r = cluster.blocked_report();
    EXPECT_NE(r.find("node 4 (prog_4_0): waiting for an interrupt, with no time limit"), std::string::npos) << r;
    EXPECT_NE(r.find("node 8 (prog_8_1): waiting for rsmsim_sync"), std::string::npos) << r;
    EXPECT_LT(Cluster::now_ns(), 1e6) << "ended when nothing was left, not after slices of timeouts";
}

// ---- 6: a pollfd wait with nothing of the adapter's to wait for

TEST(Pollfd, NoDescriptorsOrOnlyAPipeTimeOutWhileTheInterruptLineIsUp) {
    PageBuffer seg(4096);
    run_nodes(2, [&](int i, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        rsm_memseg_export_handle_t ex = nullptr;
        if (i == 1) {
            cl.sync();
            rsm_memseg_import_handle_t im = nullptr;
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
            ASSERT_RSM_OK(rsm_intr_signal_post(im, 0));
            cl.sync();
            cl.sync();
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
            return;
        }
        ASSERT_TRUE(export_segment(c, seg.data(), seg.len, kId, ex));
        cl.sync();
        cl.sync();   // an event is pending for the segment, nobody consumes it
        int n = -1;
        double t0 = Cluster::now_ns();
        EXPECT_RSM(RSMERR_TIMEOUT, rsm_intr_signal_wait_pollfd(nullptr, 0, 1, &n));
        EXPECT_GE(Cluster::now_ns() - t0, 1e6 - 1);   // 1 ms, to the ps
        int p[2];
        ASSERT_EQ(::pipe(p), 0);
        struct pollfd fd = {p[0], POLLIN, 0};
        t0 = Cluster::now_ns();
        EXPECT_RSM(RSMERR_TIMEOUT, rsm_intr_signal_wait_pollfd(&fd, 1, 1, &n));
        EXPECT_GE(Cluster::now_ns() - t0, 1e6 - 1);   // 1 ms, to the ps
        EXPECT_EQ(n, 0);
        ::close(p[0]);
        ::close(p[1]);
        ASSERT_RSM_OK(rsm_intr_signal_wait(ex, 0)) << "the event is still there";
        cl.sync();
        ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
    });
}

// ---- 8: a stale handle never reaches a newer object

TEST(Handles, StaleImportHandleAndItsBarrierNeverReachANewerImport) {
    PageBuffer a(4096), b(4096);
    rsmsim::test::export_scenario(2, {{a.data(), a.len, kId}, {b.data(), b.len, kId2}},
                                  [&](int, Cluster&, rsmapi_controller_handle_t c) {
        for (int round = 0; round < 20; ++round) {   // the allocator reuses freed blocks at once
            rsm_memseg_import_handle_t ia = nullptr, ib = nullptr;
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &ia));
            rsmapi_barrier_t bar{};
            ASSERT_RSM_OK(rsm_memseg_import_init_barrier(ia, RSM_BAR_DEFAULT, &bar));
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(ia));
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId2, RSM_PERM_RDWR, &ib));
            ASSERT_RSM_OK(rsm_memseg_import_init_barrier(ib, RSM_BAR_DEFAULT, &bar));
            const uint8_t v = 0x77;
            EXPECT_RSM(RSMERR_BAD_SEG_HNDL, rsm_memseg_import_put(ia, 0, const_cast<uint8_t*>(&v), 1));
            ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(ib));
        }
        EXPECT_EQ(b.data()[0], 0) << "nothing landed in the newer import's segment";
    });
}

// ---- 9, 11: a forced disconnect is seen by the barrier without a failed access

TEST(Revocation, CloseBarrierReportsAnUnpublishDuringASpanWithoutAccesses) {
    PageBuffer seg(4096);
    auto exporter = [](Cluster& cl, const std::vector<rsm_memseg_export_handle_t>& ex) {
        cl.sync();   // the importer opened its barriers
        ASSERT_RSM_OK(rsm_memseg_export_unpublish(ex[0]));
        cl.sync();
    };
    rsmsim::test::export_scenario(2, {{seg.data(), seg.len, kId}}, [&](int, Cluster& cl, rsmapi_controller_handle_t c) {
        rsm_memseg_import_handle_t im = nullptr;
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
        ASSERT_RSM_OK(rsm_memseg_import_set_mode(im, RSM_BARRIER_MODE_EXPLICIT));
        void* addr = nullptr;
        ASSERT_RSM_OK(rsm_memseg_import_map(im, &addr, RSM_MAP_NONE, RSM_PERM_RDWR, 0, 4096));
        rsmapi_barrier_t bar{};
        ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
        ASSERT_RSM_OK(rsm_memseg_import_open_barrier(&bar));
        cl.sync();
        cl.sync();   // unpublished
        // No access in the span failed (none was made): the close still
        // must see the revocation.
        EXPECT_RSM(RSMERR_CONN_ABORTED, rsm_memseg_import_close_barrier(&bar));
        static_cast<uint8_t*>(addr)[5] = 77;   // dropped: the connection is gone
        EXPECT_RSM(RSMERR_BARRIER_OPEN_FAILED, rsm_memseg_import_open_barrier(&bar));
        EXPECT_EQ(seg.data()[5], 0);
        ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
        ASSERT_RSM_OK(rsm_memseg_import_unmap(im));
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
    }, exporter);
}

// ---- 10: calls act only on the calling node's own objects

TEST(Ownership, AnotherNodesControllerBarrierAndPollfdAreNotUsable) {
    PageBuffer seg(4096);
    rsmapi_controller_handle_t ctl[2] = {};
    rsmapi_barrier_t bar{};
    struct pollfd pfd{};
    run_nodes(2, [&](int i, Cluster& cl) {
        ctl[i] = controller();
        rsm_memseg_export_handle_t ex = nullptr;
        rsm_memseg_import_handle_t im = nullptr;
        if (i == 0) {
            ASSERT_TRUE(export_segment(ctl[0], seg.data(), seg.len, kId, ex));
            ASSERT_RSM_OK(rsm_memseg_get_pollfd(ex, &pfd));
        } else {
            cl.sync();
        }
        if (i == 0) {
            cl.sync();
        }
        if (i == 1) {
            ASSERT_RSM_OK(rsm_memseg_import_connect(ctl[1], 4, kId, RSM_PERM_RDWR, &im));
            ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
            ASSERT_RSM_OK(rsm_intr_signal_post(im, 0));
        }
        cl.sync();   // node 8 holds a barrier; node 4's segment has an event
        if (i == 0) {
            rsmapi_controller_attr_t a{};
            EXPECT_RSM(RSMERR_BAD_CTLR_HNDL, rsm_get_controller_attr(ctl[1], &a));
            EXPECT_RSM(RSMERR_BAD_CTLR_HNDL, rsm_release_controller(ctl[1]));
            EXPECT_RSM(RSMERR_BARRIER_UNINITIALIZED, rsm_memseg_import_destroy_barrier(&bar));
        } else {
            struct pollfd theirs = pfd;
            int n = -1;
            EXPECT_RSM(RSMERR_TIMEOUT, rsm_intr_signal_wait_pollfd(&theirs, 1, 0, &n))
                << "another node's event is not this node's to take";
        }
        cl.sync();
        if (i == 0) {
            int n = -1;
            ASSERT_RSM_OK(rsm_intr_signal_wait_pollfd(&pfd, 1, 0, &n)) << "the owner still has its event";
            EXPECT_EQ(n, 1);
            ASSERT_RSM_OK(rsm_memseg_release_pollfd(ex));
        } else {
            rsmapi_controller_attr_t a{};
            ASSERT_RSM_OK(rsm_get_controller_attr(ctl[1], &a)) << "the owner's controller is intact";
            ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar)) << "and its barrier";
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
        }
        cl.sync();
        if (i == 0) {
            ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
        }
    });
}

// ---- 14: re-initialising a barrier frees the old state

TEST(Barriers, ReinitialisingTheSameBarrierKeepsMemoryFlat) {
    PageBuffer seg(4096);
    with_import(seg, [&](rsmapi_controller_handle_t, rsm_memseg_import_handle_t im) {
        rsmapi_barrier_t bar{};
        ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
        const size_t before = mallinfo2().uordblks;
        for (int k = 0; k < 20000; ++k) ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
        const size_t after = mallinfo2().uordblks;
        EXPECT_LT(after, before + 64 * 1024) << "20,000 re-inits leaked " << (after - before) << " bytes";
        ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
    });
}

// ---- 16: an unconsumed signal does not break the HAL's other waits

TEST(Connect, SucceedsOnANodeWhoseSignalNobodyHasWaitedFor) {
    PageBuffer a(4096), b(4096);
    run_nodes(2, [&](int i, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        rsm_memseg_export_handle_t ex = nullptr;
        rsm_memseg_import_handle_t im = nullptr;
        ASSERT_TRUE(export_segment(c, i == 0 ? a.data() : b.data(), 4096, i == 0 ? kId : kId2, ex));
        cl.sync();
        if (i == 0) {
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 8, kId2, RSM_PERM_RDWR, &im));
            ASSERT_RSM_OK(rsm_intr_signal_post(im, 0));   // node 8 now has an event nobody waits for
            cl.sync();
        } else {
            cl.sync();
            for (int k = 0; k < 5; ++k) {
                ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im)) << k;
                ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
            }
            ASSERT_RSM_OK(rsm_intr_signal_wait(ex, 0));
        }
        cl.sync();
        if (i == 0) {
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
        }
        cl.sync();
        ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
    });
}

// ---- 20: a node the access list names without the right is PERM_DENIED

TEST(AccessList, ANamedNodeWithoutTheRightIsPermDeniedAnUnnamedOneNotPublishedToNode) {
    PageBuffer a(4096), b(4096);
    run_nodes(3, [&](int i, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        rsm_memseg_export_handle_t ea = nullptr, eb = nullptr;
        if (i == 0) {
            ASSERT_RSM_OK(rsm_memseg_export_create(c, &ea, a.data(), 4096, 0));
            ASSERT_RSM_OK(rsm_memseg_export_create(c, &eb, b.data(), 4096, 0));
            rsmapi_access_entry_t none[] = {{8, 0}}, group_only[] = {{8, 0044}};
            rsm_memseg_id_t ida = kId, idb = kId2;
            ASSERT_RSM_OK(rsm_memseg_export_publish(ea, &ida, none, 1));
            ASSERT_RSM_OK(rsm_memseg_export_publish(eb, &idb, group_only, 1));
            cl.sync();
            cl.sync();
            ASSERT_RSM_OK(rsm_memseg_export_destroy(ea));
            ASSERT_RSM_OK(rsm_memseg_export_destroy(eb));
            return;
        }
        cl.sync();
        rsm_memseg_import_handle_t im = nullptr;
        const int named = i == 1 ? RSMERR_PERM_DENIED : RSMERR_SEG_NOT_PUBLISHED_TO_NODE;
        EXPECT_RSM(named, rsm_memseg_import_connect(c, 4, kId, RSM_PERM_READ, &im)) << "node " << 4 * (i + 1);
        EXPECT_RSM(named, rsm_memseg_import_connect(c, 4, kId2, RSM_PERM_READ, &im)) << "node " << 4 * (i + 1);
        cl.sync();
    });
}

// ---- 21: an unreadable segment-id file is BAD_CONF

TEST(SegmentIdFile, ADirectoryIsABadConfigurationNotABadAppid) {
    ::setenv("RSM_SEGMENTID_FILE", "/tmp", 1);
    rsm_memseg_id_t base = 0;
    uint32_t len = 0;
    EXPECT_RSM(RSMERR_BAD_CONF, rsm_get_segmentid_range("app", &base, &len));
    ::unsetenv("RSM_SEGMENTID_FILE");
}

// ---- 25: traced widths are the RTL's

TEST(Waveform, DmaInFlightIsTracedAsWideAsTheRtlCounter) {
    PageBuffer seg(1 << 20), src(1 << 20);
    const rsmsim::test::TempFile file("defects_in_flight.vcd");
    // What the waveform writes beside it: a GTKWave save file, value names.
    const rsmsim::test::TempFile gtkw("defects_in_flight.gtkw"), names("defects_in_flight.vcd.names");
    const std::string& vcd = file.path;
    rsmsim::ClusterConfig cfg = rsmsim::test::config(2);
    cfg.vcd_path = vcd;
    cfg.fidelity = rsmsim::model::Fidelity::Rtl;   // the RTL's counter, whatever the suite runs in
    with_import(seg, [&](rsmapi_controller_handle_t, rsm_memseg_import_handle_t im) {
        rsmapi_barrier_t bar{};
        ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
        rsm_iovec_t v{};
        v.io_type = RSM_VA_TYPE;
        v.local.vaddr = reinterpret_cast<caddr_t>(src.data());
        v.transfer_length = src.len;
        rsm_scat_gath_t sg{};
        sg.remote_handle = im;
        sg.io_request_count = 1;
        sg.iovec = &v;
        ASSERT_RSM_OK(rsm_memseg_import_putv(&sg));   // keeps many packets in flight
        ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
    }, cfg);
    // Closed when the cluster went away: read every in_flight change.
    std::ifstream in(vcd);
    std::string line, ids;
    int width = 0;
    unsigned long max_seen = 0;
    bool unknown = false;
    while (std::getline(in, line)) {
        char id[16];
        int w = 0;
        if (line.find(" in_flight ") != std::string::npos && std::sscanf(line.c_str(), "$var wire %d %15s", &w, id) == 2) {
            width = w;
            ids += std::string(" ") + id + " ";
        } else if (line.size() > 1 && line[0] == 'b') {
            const auto sp = line.find(' ');
            if (sp == std::string::npos || ids.find(" " + line.substr(sp + 1) + " ") == std::string::npos) continue;
            const std::string bits = line.substr(1, sp - 1);
            if (bits.find_first_not_of("01") != std::string::npos) unknown = true;
            else max_seen = std::max(max_seen, std::stoul(bits, nullptr, 2));
        }
    }
    EXPECT_EQ(width, 8) << "dma_engine.v: total_out is $clog2(WINDOW + 1) = 8 bits";
    EXPECT_GT(max_seen, 31u) << "more packets in flight than 5 bits can show";
    EXPECT_FALSE(unknown) << "no X in the trace";
}

// ---- 7: a connect racing an unpublish never yields a live connection

TEST(Revocation, AConnectRacingAnUnpublishIsRevokedOrRefusedInEveryRound) {
    PageBuffer old_seg(4096), new_seg(4096);
    constexpr int kRounds = 64;
    int connected = 0, refused = 0;
    run_nodes(2, [&](int i, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        for (int round = 0; round < kRounds; ++round) {
            const rsm_memseg_id_t id = kId + 16 + static_cast<rsm_memseg_id_t>(round);
            rsm_memseg_export_handle_t ex = nullptr, ex2 = nullptr;
            rsm_memseg_import_handle_t im = nullptr;
            int rc = -1;
            if (i == 0) {
                ASSERT_TRUE(export_segment(c, old_seg.data(), 4096, id, ex));
            }
            cl.sync();
            if (i == 0) {
                rsmsim_delay_ns(100 * static_cast<uint64_t>(round));   // sweep the race window
                ASSERT_RSM_OK(rsm_memseg_export_unpublish(ex));
            } else {
                rc = rsm_memseg_import_connect(c, 4, id, RSM_PERM_RDWR, &im);
            }
            cl.sync();   // unpublish has returned: nothing may use the old segment now
            if (i == 0) {
                ASSERT_TRUE(export_segment(c, new_seg.data(), 4096, id, ex2));   // same id, new memory
            }
            cl.sync();
            if (i == 1 && rc == RSM_SUCCESS) {
                ++connected;
                rsmapi_barrier_t bar{};
                ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
                uint8_t v = static_cast<uint8_t>(round + 1);
                EXPECT_RSM(RSMERR_CONN_ABORTED, rsm_memseg_import_put(im, 0, &v, 1)) << "round " << round;
                ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
                ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
            } else if (i == 1) {
                ++refused;
                EXPECT_RSM(RSMERR_SEG_NOT_PUBLISHED, rc) << "round " << round;
            }
            cl.sync();
            if (i == 0) {
                EXPECT_EQ(new_seg.data()[0], 0) << "round " << round << ": a stale connection wrote the new segment";
                ASSERT_RSM_OK(rsm_memseg_export_destroy(ex2));
                ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
            }
        }
    });
    EXPECT_GT(connected, 0) << "the sweep covers connects that completed before the unpublish";
    EXPECT_GT(refused, 0) << "and connects that came too late";
}

// ---- 13: every signal post is counted

TEST(Signals, ThreeHundredAccumulatedPostsGiveThreeHundredWaits) {
    PageBuffer seg(4096);
    run_nodes(2, [&](int i, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        rsm_memseg_export_handle_t ex = nullptr;
        if (i == 1) {
            cl.sync();
            rsm_memseg_import_handle_t im = nullptr;
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
            for (int k = 0; k < 300; ++k) ASSERT_RSM_OK(rsm_intr_signal_post(im, 0)) << k;
            cl.sync();
            cl.sync();
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
            return;
        }
        ASSERT_TRUE(export_segment(c, seg.data(), seg.len, kId, ex));
        cl.sync();
        cl.sync();
        int waits = 0;
        while (rsm_intr_signal_wait(ex, 0) == RSM_SUCCESS) ++waits;
        EXPECT_EQ(waits, 300);
        cl.sync();
        ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
    });
}

// ---- 17: an importer that disconnected is forgotten, and its refusal is nobody's error

TEST(Signals, AnExportSidePostToADepartedImporterBreaksNoLaterPutToIt) {
    PageBuffer e(4096), f(4096);
    run_nodes(2, [&](int i, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        rsm_memseg_export_handle_t ex = nullptr;
        rsm_memseg_import_handle_t im = nullptr;
        ASSERT_TRUE(export_segment(c, i == 0 ? e.data() : f.data(), 4096, i == 0 ? kId : kId2, ex));
        cl.sync();
        if (i == 1) {   // node 8 imports E and leaves again
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
        }
        cl.sync();
        if (i == 0) {   // node 4 posts to E's importers, then puts into node 8's healthy F
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 8, kId2, RSM_PERM_RDWR, &im));
            rsmapi_barrier_t bar{};
            ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
            for (int k = 0; k < 10; ++k) {
                ASSERT_RSM_OK(rsm_intr_signal_post(ex, 0));
                uint8_t v = static_cast<uint8_t>(k + 1);
                EXPECT_RSM(RSM_SUCCESS, rsm_memseg_import_put(im, k, &v, 1)) << "round " << k;
            }
            ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
        }
        cl.sync();
        if (i == 1) {
            EXPECT_EQ(f.data()[9], 10);
        }
        ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
    });
}

// ---- 18: a post is judged by its own answer

TEST(Signals, APostIsNotBlamedForAnotherRequestsRefusalByTheSameNode) {
    namespace r = rsm::regs;
    PageBuffer a(4096);
    rsmsim::Cluster cl(rsmsim::test::config(2));
    int rc = -1;
    bool stray_refused = false, posting = false;
    cl.spawn(0, [&] {
        rsmapi_controller_handle_t c = controller();
        rsm_memseg_export_handle_t ex = nullptr;
        ASSERT_TRUE(export_segment(c, a.data(), 4096, kId, ex));
        cl.sync();
        cl.sync();
        ASSERT_RSM_OK(rsm_intr_signal_wait(ex, 0)) << "the post arrived";
        ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
    });
    cl.spawn(1, [&] {
        rsmapi_controller_handle_t c = controller();
        cl.sync();
        rsm_memseg_import_handle_t im = nullptr;
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
        rsmsim_delay_ns(10'000);   // the other program has set up its stray entry
        posting = true;
        rc = rsm_intr_signal_post(im, 0);
        cl.sync();
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
    });
    cl.spawn(1, [&] {
        // Another requester of node 8 (below librsm): an import entry naming
        // a segment node 4 does not export, written into while the post waits.
        auto& b = cl.node(1).bus;
        cl.sync();
        ASSERT_TRUE(b.write32(r::ATT_INDEX, 63) && b.write32(r::ATT_NODE, 4) && b.write32(r::ATT_SEGID, 0xDEAD) &&
                    b.write32(r::ATT_SIZE, 4096) &&
                    b.write32(r::ATT_CTRL, r::ATT_CTRL_f::VALID_MASK | r::ATT_CTRL_f::WRITE_MASK) &&
                    b.write32(r::ATT_CMD, static_cast<uint32_t>(r::TableOp::WRITE)));
        while (!posting) rsmsim_delay_ns(10);
        rsmsim_delay_ns(4'000);   // the BELL is out (pci-sci: a few register accesses), its answer not back
        const uint32_t word = 1;
        stray_refused = b.write_block(r::kWindowBase + (uint64_t{63} << r::kWindowSlotShift), &word, 4);
        cl.sync();
    });
    ASSERT_TRUE(cl.run());
    EXPECT_TRUE(stray_refused) << "posted: accepted by the adapter, refused by node 4";
    EXPECT_RSM(RSM_SUCCESS, rc) << "the post's own answer was OK";
}

// ---- 19: existing connections keep the rights they were granted

TEST(Republish, ExistingConnectionsKeepTheirRightsThroughRepublishAndAnotherConnect) {
    PageBuffer seg(8192), buf(4096);
    run_nodes(2, [&](int i, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        rsm_memseg_export_handle_t ex = nullptr;
        if (i == 0) {
            ASSERT_TRUE(export_segment(c, seg.data(), seg.len, kId, ex));
            cl.sync();
            cl.sync();   // node 8 connected RDWR
            rsmapi_access_entry_t read_only[] = {{8, RSM_PERM_READ}};
            ASSERT_RSM_OK(rsm_memseg_export_republish(ex, read_only, 1));
            cl.sync();
            cl.sync();   // node 8 connected READ a second time
            rsmapi_access_entry_t others[] = {{12, RSM_PERM_RDWR}};
            ASSERT_RSM_OK(rsm_memseg_export_republish(ex, others, 1));
            cl.sync();
            cl.sync();
            ASSERT_RSM_OK(rsm_intr_signal_wait(ex, 0)) << "the post arrived";
            ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
            return;
        }
        cl.sync();
        rsm_memseg_import_handle_t rw = nullptr, ro = nullptr;
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &rw));
        rsmapi_barrier_t bar{};
        ASSERT_RSM_OK(rsm_memseg_import_init_barrier(rw, RSM_BAR_DEFAULT, &bar));
        cl.sync();
        cl.sync();   // republished {8: READ}
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_READ, &ro));
        rsm_memseg_import_handle_t refused = nullptr;
        EXPECT_RSM(RSMERR_PERM_DENIED, rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &refused))
            << "new connections get the new list's rights";
        uint8_t v = 9;
        EXPECT_RSM(RSM_SUCCESS, rsm_memseg_import_put(rw, 0, &v, 1)) << "the first connection still writes";
        std::memset(buf.data(), 0x33, 4096);
        rsm_iovec_t iov{};
        iov.io_type = RSM_VA_TYPE;
        iov.local.vaddr = reinterpret_cast<caddr_t>(buf.data());
        iov.remote_offset = 4096;
        iov.transfer_length = 4096;
        rsm_scat_gath_t sg{};
        sg.remote_handle = rw;
        sg.io_request_count = 1;
        sg.iovec = &iov;
        EXPECT_RSM(RSM_SUCCESS, rsm_memseg_import_putv(&sg)) << "by DMA too";
        cl.sync();
        cl.sync();   // republished to a list without node 8
        EXPECT_RSM(RSM_SUCCESS, rsm_intr_signal_post(rw, 0)) << "and still signals";
        cl.sync();
        cl.sync();
        EXPECT_EQ(seg.data()[0], 9);
        EXPECT_EQ(seg.data()[4096 + 100], 0x33);
        ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(ro));
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(rw));
    });
}

// ---- 12: a write-only mapping writes every store

TEST(Mapping, AWriteOnlyMappingWritesAStoreEqualToWhatItsPagesHeldAtFirst) {
    PageBuffer seg(4096);
    std::memset(seg.data(), 0xFF, seg.len);
    run_nodes(2, [&](int i, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        rsm_memseg_export_handle_t ex = nullptr;
        if (i == 0) {
            ASSERT_TRUE(export_segment(c, seg.data(), seg.len, kId, ex));
            cl.sync();
            cl.sync();
            ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
            return;
        }
        cl.sync();
        rsm_memseg_import_handle_t im = nullptr, wo = nullptr;
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
        void* addr = nullptr;
        ASSERT_RSM_OK(rsm_memseg_import_map(im, &addr, RSM_MAP_NONE, RSM_PERM_WRITE, 0, 4096));
        rsmapi_barrier_t bar{};
        ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
        ASSERT_RSM_OK(rsm_memseg_import_open_barrier(&bar));
        static_cast<uint8_t*>(addr)[10] = 0x00;   // fresh pages held 0: once never written
        static_cast<uint8_t*>(addr)[11] = 0x55;
        ASSERT_RSM_OK(rsm_memseg_import_close_barrier(&bar));
        ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
        ASSERT_RSM_OK(rsm_memseg_import_unmap(im));
        // A write-only connection cannot know the segment's content: refused.
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_WRITE, &wo));
        EXPECT_RSM(RSMERR_BAD_PERMS, rsm_memseg_import_map(wo, &addr, RSM_MAP_NONE, RSM_PERM_WRITE, 0, 4096));
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(wo));
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
        cl.sync();
    });
    EXPECT_EQ(seg.data()[10], 0x00);
    EXPECT_EQ(seg.data()[11], 0x55);
    EXPECT_EQ(seg.data()[12], 0xFF) << "bytes not stored stay as they were";
}

}  // namespace

// librsm's error paths, function by function: each documented error code is
// provoked and the state is shown to be intact afterwards. Every test runs
// real node programs on a simulated cluster.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <vector>

#include "adapter_regs.h"
#include "rsmsim/model/host_memory.h"
#include "support/cluster_run.h"
#include "support/export_scenario.h"
#include "support/rsm_helpers.h"

namespace {

using rsmsim::Cluster;
using rsmsim::test::controller;
using rsmsim::test::PageBuffer;
using rsmsim::test::run_nodes;

constexpr rsm_memseg_id_t kId = 0x400010;

TEST(Controller, OutsideANodeProgramThereIsNoController) {
    rsmsim::Cluster cluster(rsmsim::test::config(1));
    rsmapi_controller_handle_t c = nullptr;
    EXPECT_RSM(RSMERR_CTLR_NOT_PRESENT, rsm_get_controller(const_cast<char*>("sci0"), &c));
}

TEST(Controller, GetAttrReleaseFollowTheSpec) {
    run_nodes(1, [](int, Cluster& cl) {
        auto& bus = cl.node(0).bus;
        rsmapi_controller_handle_t c = nullptr, c2 = nullptr;
        EXPECT_RSM(RSMERR_BAD_CTLR_HNDL, rsm_get_controller(const_cast<char*>("sci0"), nullptr));
        EXPECT_RSM(RSMERR_CTLR_NOT_PRESENT, rsm_get_controller(nullptr, &c)) << "loopback not provided";
        EXPECT_RSM(RSMERR_CTLR_NOT_PRESENT, rsm_get_controller(const_cast<char*>("wrsm0"), &c));
        EXPECT_RSM(RSMERR_CTLR_NOT_PRESENT, rsm_get_controller(const_cast<char*>("sci1"), &c));
        EXPECT_RSM(RSMERR_CTLR_NOT_PRESENT, rsm_get_controller(const_cast<char*>("0"), &c));
        EXPECT_EQ(bus.accesses(), 0u) << "rejected calls touch no register";
        ASSERT_RSM_OK(rsm_get_controller(const_cast<char*>("sci0"), &c));
        ASSERT_RSM_OK(rsm_get_controller(const_cast<char*>("SCI"), &c2));
        EXPECT_EQ(c, c2) << "same controller, second reference";
        rsmapi_controller_attr_t a{};
        EXPECT_RSM(RSMERR_BAD_CTLR_HNDL, rsm_get_controller_attr(nullptr, &a));
        EXPECT_RSM(RSMERR_BAD_ADDR, rsm_get_controller_attr(c, nullptr));
        ASSERT_RSM_OK(rsm_get_controller_attr(c, &a));
        EXPECT_EQ(a.attr_page_size, 4096u);
        EXPECT_EQ(a.attr_max_export_segment_size, size_t{1} << 28);
        EXPECT_EQ(a.attr_max_export_segments, 32u);
        EXPECT_EQ(a.attr_max_import_segments, 64u);
        EXPECT_EQ(a.attr_direct_access_sizes, unsigned(RSM_DAS8 | RSM_DAS16 | RSM_DAS32 | RSM_DAS64));
        EXPECT_RSM(RSMERR_BAD_CTLR_HNDL, rsm_release_controller(nullptr));
        int not_a_handle = 0;
        EXPECT_RSM(RSMERR_BAD_CTLR_HNDL,
                   rsm_release_controller(reinterpret_cast<rsmapi_controller_handle_t>(&not_a_handle)));
        EXPECT_RSM(RSM_SUCCESS, rsm_release_controller(c));
        EXPECT_RSM(RSM_SUCCESS, rsm_release_controller(c));
        EXPECT_RSM(RSMERR_BAD_CTLR_HNDL, rsm_release_controller(c)) << "no reference left";
        EXPECT_RSM(RSMERR_CTLR_NOT_PRESENT, rsm_get_controller_attr(c, &a));
        ASSERT_RSM_OK(rsm_get_controller(const_cast<char*>("sci0"), &c2));
        EXPECT_EQ(c, c2) << "the adapter's controller comes back";
    });
}

TEST(Controller, ANodeCannotUseAnotherNodesController) {
    rsmapi_controller_handle_t ctl[2] = {};
    PageBuffer mem(4096);
    run_nodes(2, [&](int i, Cluster& cl) {
        ctl[i] = controller();
        cl.sync();
        rsm_memseg_export_handle_t ex = nullptr;
        EXPECT_RSM(RSMERR_BAD_CTLR_HNDL, rsm_memseg_export_create(ctl[1 - i], &ex, mem.data(), 4096, 0));
        cl.sync();
    });
}

TEST(ExportCreate, RejectsBadArgumentsWithoutTouchingTheAdapter) {
    PageBuffer mem(8192);
    run_nodes(1, [&](int, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        const uint64_t before = cl.node(0).bus.accesses();
        rsm_memseg_export_handle_t ex = nullptr;
        EXPECT_RSM(RSMERR_BAD_CTLR_HNDL, rsm_memseg_export_create(nullptr, &ex, mem.data(), 4096, 0));
        EXPECT_RSM(RSMERR_BAD_SEG_HNDL, rsm_memseg_export_create(c, nullptr, mem.data(), 4096, 0));
        EXPECT_RSM(RSMERR_BAD_ADDR, rsm_memseg_export_create(c, &ex, nullptr, 4096, 0));
        EXPECT_RSM(RSMERR_BAD_LENGTH, rsm_memseg_export_create(c, &ex, mem.data(), 0, 0));
        EXPECT_RSM(RSMERR_BAD_MEM_ALIGNMENT, rsm_memseg_export_create(c, &ex, mem.data() + 8, 4096, 0));
        EXPECT_RSM(RSMERR_BAD_MEM_ALIGNMENT, rsm_memseg_export_create(c, &ex, mem.data(), 4000, 0));
        EXPECT_RSM(RSMERR_BAD_LENGTH, rsm_memseg_export_create(c, &ex, mem.data(), size_t{1} << 29, 0));
        EXPECT_RSM(RSMERR_LOCKS_NOT_SUPPORTED, rsm_memseg_export_create(c, &ex, mem.data(), 4096, RSM_LOCK_OPS));
        EXPECT_EQ(ex, nullptr);
        EXPECT_EQ(cl.node(0).bus.accesses(), before);
        EXPECT_FALSE(cl.node(0).memory.is_pinned(mem.data(), 1));
        ASSERT_RSM_OK(rsm_memseg_export_create(c, &ex, mem.data(), 8192, RSM_ALLOW_REBIND));
        EXPECT_TRUE(cl.node(0).memory.is_pinned(mem.data(), 8192));
        ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
        EXPECT_FALSE(cl.node(0).memory.is_pinned(mem.data(), 1)) << "unpinned";
        EXPECT_RSM(RSMERR_BAD_SEG_HNDL, rsm_memseg_export_destroy(ex)) << "stale handle";
        EXPECT_RSM(RSMERR_BAD_SEG_HNDL, rsm_memseg_export_destroy(nullptr));
    });
}

TEST(ExportPublish, ChecksInSpecOrderAndKeepsStateOnFailure) {
    PageBuffer a(4096), b(4096);
    rsm_memseg_id_t published = 0;
    run_nodes(2, [&](int i, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        if (i == 1) {
            cl.sync();
            rsm_memseg_import_handle_t im = nullptr;
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, published, RSM_PERM_RDWR, &im));
            EXPECT_RSM(RSMERR_BAD_SEG_HNDL,
                       rsm_memseg_export_publish(reinterpret_cast<rsm_memseg_export_handle_t>(im), &published,
                                                 nullptr, 0))
                << "an import handle is not an export handle";
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
            cl.sync();
            return;
        }
        rsm_memseg_export_handle_t ex = nullptr, ex2 = nullptr;
        ASSERT_RSM_OK(rsm_memseg_export_create(c, &ex, a.data(), 4096, 0));
        ASSERT_RSM_OK(rsm_memseg_export_create(c, &ex2, b.data(), 4096, 0));
        rsm_memseg_id_t id = kId;
        rsmapi_access_entry_t acl[2] = {{8, 0600}, {12, 0400}};
        EXPECT_RSM(RSMERR_BAD_SEGID, rsm_memseg_export_publish(ex, nullptr, acl, 1));
        EXPECT_RSM(RSMERR_BAD_SEG_HNDL, rsm_memseg_export_publish(nullptr, &id, acl, 1));
        EXPECT_RSM(RSMERR_BAD_ACL, rsm_memseg_export_publish(ex, &id, nullptr, 1));
        for (rsm_memseg_id_t r : {0x1u, 0x1FFFFFu, 0x200000u, 0x3FFFFFu, 0x80000000u, 0xFFFFFFFFu}) {
            rsm_memseg_id_t rid = r;
            EXPECT_RSM(RSMERR_RESERVED_SEGID, rsm_memseg_export_publish(ex, &rid, acl, 1)) << std::hex << r;
            EXPECT_EQ(rid, r) << "id left as given";
        }
        rsmapi_access_entry_t bad_node[1] = {{6, 0600}};
        rsmapi_access_entry_t bad_perm[1] = {{8, 0700}};
        EXPECT_RSM(RSMERR_BAD_ACL, rsm_memseg_export_publish(ex, &id, bad_node, 1));
        EXPECT_RSM(RSMERR_BAD_ACL, rsm_memseg_export_publish(ex, &id, bad_perm, 1));
        std::vector<rsmapi_access_entry_t> too_long(65, {8, 0600});
        EXPECT_RSM(RSMERR_BAD_ACL, rsm_memseg_export_publish(ex, &id, too_long.data(), 65));
        ASSERT_RSM_OK(rsm_memseg_export_publish(ex, &id, acl, 2));
        EXPECT_EQ(id, kId);
        EXPECT_RSM(RSMERR_SEG_ALREADY_PUBLISHED, rsm_memseg_export_publish(ex, &id, acl, 2));
        rsm_memseg_id_t same = kId;
        EXPECT_RSM(RSMERR_SEGID_IN_USE, rsm_memseg_export_publish(ex2, &same, acl, 2));
        rsm_memseg_id_t automatic = 0;
        ASSERT_RSM_OK(rsm_memseg_export_publish(ex2, &automatic, nullptr, 0));
        EXPECT_GE(automatic, 0x80000000u) << "assigned ids come from the user-app range";
        published = id;
        cl.sync();   // the importer connects to the first segment: it is still published
        cl.sync();
        ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
        ASSERT_RSM_OK(rsm_memseg_export_destroy(ex2));
    });
}

TEST(ExportUnpublish, WithdrawsTheSegmentAndFreesItsId) {
    PageBuffer a(4096), b(4096);
    run_nodes(2, [&](int i, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        if (i == 0) {
            rsm_memseg_export_handle_t ex = nullptr, ex2 = nullptr;
            ASSERT_RSM_OK(rsm_memseg_export_create(c, &ex, a.data(), 4096, 0));
            ASSERT_RSM_OK(rsm_memseg_export_create(c, &ex2, b.data(), 4096, 0));
            EXPECT_RSM(RSMERR_BAD_SEG_HNDL, rsm_memseg_export_unpublish(nullptr));
            EXPECT_RSM(RSMERR_SEG_NOT_PUBLISHED, rsm_memseg_export_unpublish(ex));
            rsm_memseg_id_t id = kId;
            ASSERT_RSM_OK(rsm_memseg_export_publish(ex, &id, nullptr, 0));
            cl.sync();   // importer connected once
            cl.sync();
            ASSERT_RSM_OK(rsm_memseg_export_unpublish(ex));
            EXPECT_RSM(RSMERR_SEG_NOT_PUBLISHED, rsm_memseg_export_unpublish(ex));
            cl.sync();   // importer fails to connect
            cl.sync();
            rsm_memseg_id_t again = kId;
            ASSERT_RSM_OK(rsm_memseg_export_publish(ex2, &again, nullptr, 0)) << "the id is free again";
            cl.sync();   // importer connects to the new segment
            cl.sync();
            ASSERT_RSM_OK(rsm_memseg_export_destroy(ex2));   // destroy while published
            ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
            cl.sync();
        } else {
            rsm_memseg_import_handle_t im = nullptr;
            cl.sync();
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
            cl.sync();
            cl.sync();
            EXPECT_RSM(RSMERR_SEG_NOT_PUBLISHED, rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
            cl.sync();
            cl.sync();
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
            cl.sync();
            cl.sync();
            EXPECT_RSM(RSMERR_SEG_NOT_PUBLISHED, rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im))
                << "destroy unpublished it";
        }
    });
}

TEST(ImportConnect, ReportsEveryRefusalWithItsCode) {
    PageBuffer a(4096), b(4096);
    rsmsim::test::export_scenario(3, {{a.data(), 4096, kId, {{8, 0666}}}, {b.data(), 4096, kId + 1, {{8, 0444}}}},
                                  [&](int i, Cluster& cl, rsmapi_controller_handle_t c) {
        rsm_memseg_import_handle_t im = nullptr;
        if (i == 2) {
            EXPECT_RSM(RSMERR_SEG_NOT_PUBLISHED_TO_NODE, rsm_memseg_import_connect(c, 4, kId, RSM_PERM_READ, &im));
            EXPECT_EQ(im, nullptr);
            return;
        }
        const uint64_t before = cl.node(i).bus.accesses();
        EXPECT_RSM(RSMERR_BAD_CTLR_HNDL, rsm_memseg_import_connect(nullptr, 4, kId, RSM_PERM_RDWR, &im));
        EXPECT_RSM(RSMERR_BAD_SEG_HNDL, rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, nullptr));
        EXPECT_RSM(RSMERR_PERM_DENIED, rsm_memseg_import_connect(c, 4, kId, 0700, &im));
        EXPECT_RSM(RSMERR_PERM_DENIED, rsm_memseg_import_connect(c, 4, kId, 0644, &im));
        EXPECT_RSM(RSMERR_REMOTE_NODE_UNREACHABLE, rsm_memseg_import_connect(c, 7, kId, RSM_PERM_RDWR, &im));
        EXPECT_EQ(cl.node(i).bus.accesses(), before) << "argument errors touch no register";
        EXPECT_RSM(RSMERR_REMOTE_NODE_UNREACHABLE, rsm_memseg_import_connect(c, 40, kId, RSM_PERM_RDWR, &im));
        EXPECT_RSM(RSMERR_SEG_NOT_PUBLISHED, rsm_memseg_import_connect(c, 4, kId + 7, RSM_PERM_RDWR, &im));
        EXPECT_RSM(RSMERR_PERM_DENIED, rsm_memseg_import_connect(c, 4, kId + 1, RSM_PERM_RDWR, &im));
        EXPECT_EQ(im, nullptr);
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId + 1, RSM_PERM_READ, &im)) << "read-only is granted";
        rsm_barrier_mode_t mode = RSM_BARRIER_MODE_EXPLICIT;
        ASSERT_RSM_OK(rsm_memseg_import_get_mode(im, &mode));
        EXPECT_EQ(mode, RSM_BARRIER_MODE_IMPLICIT) << "default after connect";
        EXPECT_RSM(RSMERR_BAD_SEG_HNDL, rsm_memseg_import_disconnect(nullptr));
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
        EXPECT_RSM(RSMERR_BAD_SEG_HNDL, rsm_memseg_import_disconnect(im)) << "stale handle";
    });
}

// One exporter (node 4, segment of 8 KiB, published kId with RDWR for node 8,
// and kId+1 read-only) and one importer that runs `body`.
void with_import(const std::function<void(Cluster&, rsmapi_controller_handle_t, PageBuffer&)>& body) {
    PageBuffer mem(8192);
    rsmsim::test::export_scenario(2, {{mem.data(), 8192, kId, {{8, 0600}}}, {mem.data(), 4096, kId + 1, {{8, 0400}}}},
                                  [&](int, Cluster& cl, rsmapi_controller_handle_t c) { body(cl, c, mem); });
}

// Loosely timed (every node fast), the program runs ahead of simulated time
// through a put's register accesses and waits only when something else is
// due: for its packet to reach the target and for the answer, not at the
// end of the call; timed exactly, it waits once per access.
// Either way the segment gets every word (the simulated times are compared
// across fidelities by cli_test.sh's pingpong check).
TEST(PutGet, APutWaitsOncePerAccessUnlessLooselyTimed) {
    with_import([](Cluster& cl, rsmapi_controller_handle_t c, PageBuffer& mem) {
        rsm_memseg_import_handle_t im = nullptr;
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
        rsmapi_barrier_t bar{};
        ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
        const rsmsim::NodeBus& bus = cl.node(1).bus;
        const uint64_t accesses = bus.accesses(), waits = bus.access_waits();
        for (uint32_t i = 1; i <= 10; ++i) ASSERT_RSM_OK(rsm_memseg_import_put32(im, 4 * i, &i, 1));
        const uint64_t put_accesses = bus.accesses() - accesses, put_waits = bus.access_waits() - waits;
        EXPECT_GE(put_accesses, 10u * 4);
        if (cl.fidelity_of(8) == rsmsim::model::Fidelity::Fast)
            EXPECT_LE(put_waits, 10u * 2) << put_accesses << " accesses";
        else
            EXPECT_EQ(put_waits, put_accesses);
        for (uint32_t i = 1; i <= 10; ++i) EXPECT_EQ(reinterpret_cast<const uint32_t*>(mem.data())[i], i);
        EXPECT_RSM(RSM_SUCCESS, rsm_memseg_import_destroy_barrier(&bar));
        EXPECT_RSM(RSM_SUCCESS, rsm_memseg_import_disconnect(im));
    });
}

TEST(PutGet, RejectsBadArgumentsAndLeavesTheSegmentUntouched) {
    with_import([](Cluster& cl, rsmapi_controller_handle_t c, PageBuffer& mem) {
        rsm_memseg_import_handle_t im = nullptr, ro = nullptr;
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId + 1, RSM_PERM_READ, &ro));
        alignas(8) uint8_t buf[64] = {1, 2, 3, 4, 5, 6, 7, 8};
        const uint64_t before = cl.node(1).bus.accesses();
        EXPECT_RSM(RSMERR_BAD_SEG_HNDL, rsm_memseg_import_put(nullptr, 0, buf, 4));
        EXPECT_RSM(RSMERR_BAD_ADDR, rsm_memseg_import_put(im, 0, nullptr, 4));
        EXPECT_RSM(RSMERR_BARRIER_UNINITIALIZED, rsm_memseg_import_put(im, 0, buf, 4))
            << "implicit mode needs an initialised barrier";
        rsmapi_barrier_t bar{};
        ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
        const uint64_t after_init = cl.node(1).bus.accesses();
        EXPECT_EQ(after_init, before) << "init_barrier is bookkeeping only";
        EXPECT_RSM(RSMERR_BAD_MEM_ALIGNMENT,
                   rsm_memseg_import_put16(im, 0, reinterpret_cast<uint16_t*>(buf + 1), 1));
        EXPECT_RSM(RSMERR_BAD_MEM_ALIGNMENT, rsm_memseg_import_put32(im, 2, reinterpret_cast<uint32_t*>(buf), 1));
        EXPECT_RSM(RSMERR_BAD_MEM_ALIGNMENT, rsm_memseg_import_get64(im, 4, reinterpret_cast<uint64_t*>(buf), 1));
        EXPECT_RSM(RSMERR_PERM_DENIED, rsm_memseg_import_put(ro, 0, buf, 4)) << "read-only import";
        EXPECT_RSM(RSMERR_BAD_OFFSET, rsm_memseg_import_put(im, -4, buf, 4));
        EXPECT_RSM(RSMERR_BAD_LENGTH, rsm_memseg_import_put(im, 8190, buf, 4));
        EXPECT_RSM(RSMERR_BAD_LENGTH, rsm_memseg_import_get(im, 8192, buf, 1));
        EXPECT_RSM(RSMERR_BAD_LENGTH, rsm_memseg_import_put(im, 0, buf, 0));
        EXPECT_RSM(RSMERR_BAD_LENGTH, rsm_memseg_import_put64(im, 0, reinterpret_cast<uint64_t*>(buf), ~0ul));
        EXPECT_RSM(RSMERR_BAD_SEG_HNDL,
                   rsm_memseg_import_put(reinterpret_cast<rsm_memseg_import_handle_t>(&bar), 0, buf, 4));
        EXPECT_EQ(cl.node(1).bus.accesses(), after_init) << "no rejected call reached the adapter";
        for (size_t k = 0; k < mem.len; ++k) ASSERT_EQ(mem.data()[k], 0) << "segment changed at " << k;
        rsm_memseg_import_handle_t wo = nullptr;
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_WRITE, &wo));
        rsmapi_barrier_t bar2{};
        ASSERT_RSM_OK(rsm_memseg_import_init_barrier(wo, RSM_BAR_DEFAULT, &bar2));
        EXPECT_RSM(RSMERR_PERM_DENIED, rsm_memseg_import_get(wo, 0, buf, 4)) << "write-only import";
        ASSERT_RSM_OK(rsm_memseg_import_put(wo, 8188, buf, 4)) << "last word is in bounds";
        EXPECT_EQ(mem.data()[8188], 1);
        ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar2));
        ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
        EXPECT_RSM(RSMERR_BARRIER_UNINITIALIZED, rsm_memseg_import_put(im, 0, buf, 4)) << "barrier destroyed";
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(wo));
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(ro));
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
    });
}

TEST(Barrier, ArgumentAndStateErrors) {
    with_import([](Cluster&, rsmapi_controller_handle_t c, PageBuffer&) {
        rsm_memseg_import_handle_t im = nullptr;
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
        rsmapi_barrier_t bar{};
        EXPECT_RSM(RSMERR_BAD_SEG_HNDL, rsm_memseg_import_init_barrier(nullptr, RSM_BAR_DEFAULT, &bar));
        EXPECT_RSM(RSMERR_BAD_BARRIER_PTR, rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, nullptr));
        EXPECT_RSM(RSMERR_BAD_BARRIER_PTR, rsm_memseg_import_open_barrier(nullptr));
        EXPECT_RSM(RSMERR_BAD_BARRIER_PTR, rsm_memseg_import_order_barrier(nullptr));
        EXPECT_RSM(RSMERR_BAD_BARRIER_PTR, rsm_memseg_import_close_barrier(nullptr));
        EXPECT_RSM(RSMERR_BAD_BARRIER_PTR, rsm_memseg_import_destroy_barrier(nullptr));
        EXPECT_RSM(RSMERR_BARRIER_UNINITIALIZED, rsm_memseg_import_open_barrier(&bar));
        EXPECT_RSM(RSMERR_BARRIER_UNINITIALIZED, rsm_memseg_import_close_barrier(&bar));
        EXPECT_RSM(RSMERR_BARRIER_UNINITIALIZED, rsm_memseg_import_destroy_barrier(&bar));
        ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BARRIER_NODE, &bar));
        EXPECT_RSM(RSMERR_BARRIER_NOT_OPENED, rsm_memseg_import_close_barrier(&bar));
        EXPECT_RSM(RSMERR_BARRIER_NOT_OPENED, rsm_memseg_import_order_barrier(&bar));
        ASSERT_RSM_OK(rsm_memseg_import_open_barrier(&bar));
        ASSERT_RSM_OK(rsm_memseg_import_order_barrier(&bar));
        ASSERT_RSM_OK(rsm_memseg_import_close_barrier(&bar));
        EXPECT_RSM(RSMERR_BAD_SEG_HNDL, rsm_memseg_import_set_mode(nullptr, RSM_BARRIER_MODE_EXPLICIT));
        EXPECT_RSM(RSMERR_BAD_MODE, rsm_memseg_import_set_mode(im, static_cast<rsm_barrier_mode_t>(2)));
        rsm_barrier_mode_t mode{};
        EXPECT_RSM(RSMERR_BAD_SEG_HNDL, rsm_memseg_import_get_mode(nullptr, &mode));
        ASSERT_RSM_OK(rsm_memseg_import_get_mode(im, &mode));
        EXPECT_EQ(mode, RSM_BARRIER_MODE_IMPLICIT) << "a refused set_mode changed nothing";
        ASSERT_RSM_OK(rsm_memseg_import_open_barrier(&bar));
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
        EXPECT_RSM(RSMERR_CONN_ABORTED, rsm_memseg_import_close_barrier(&bar)) << "connection gone";
        ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
    });
}

// Pollfds are descriptors: when the process has none left, get_pollfd says
// INSUFFICIENT_RESOURCES, changes nothing, and works again once one is freed.
TEST(Resources, PollfdsRunOutWithInsufficientResourcesAndComeBack) {
    PageBuffer mem(8 * 4096);
    run_nodes(1, [&](int, Cluster&) {
        rsmapi_controller_handle_t c = controller();
        std::vector<rsm_memseg_export_handle_t> ex(8, nullptr);
        for (int k = 0; k < 8; ++k)
            ASSERT_RSM_OK(rsm_memseg_export_create(c, &ex[k], mem.data() + 4096 * k, 4096, 0));
        // Room for a few more descriptors only.
        int probe = ::dup(0);
        ASSERT_GE(probe, 0);
        ::close(probe);
        struct rlimit old{};
        ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &old), 0);
        struct rlimit tight = old;
        tight.rlim_cur = static_cast<rlim_t>(probe + 6);   // three pipes
        ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &tight), 0);
        struct pollfd fd{};
        int got = 0, rc = RSM_SUCCESS;
        while (got < 8 && (rc = rsm_memseg_get_pollfd(ex[got], &fd)) == RSM_SUCCESS) ++got;
        EXPECT_RSM(RSMERR_INSUFFICIENT_RESOURCES, rc);
        EXPECT_GT(got, 0);
        EXPECT_LT(got, 8);
        // Pinning reads the page table, which needs a descriptor too: found
        // by this test (it said BAD_ADDR).
        rsm_memseg_export_handle_t more = nullptr;
        EXPECT_RSM(RSMERR_INSUFFICIENT_RESOURCES, rsm_memseg_export_create(c, &more, mem.data(), 4096, 0));
        ASSERT_RSM_OK(rsm_memseg_release_pollfd(ex[0]));
        EXPECT_RSM(RSM_SUCCESS, rsm_memseg_get_pollfd(ex[got], &fd)) << "a freed descriptor is used again";
        ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &old), 0);
        ASSERT_RSM_OK(rsm_memseg_release_pollfd(ex[got]));
        for (int k = 1; k < got; ++k) ASSERT_RSM_OK(rsm_memseg_release_pollfd(ex[k]));
        for (auto h : ex) ASSERT_RSM_OK(rsm_memseg_export_destroy(h));
    });
}

// Every pinned range takes an IOMMU entry: local memory handles (and
// exports, and a putv's entries) run out together and come back when freed.
TEST(Resources, IommuEntriesRunOutWithInsufficientResourcesAndComeBack) {
    PageBuffer mem(2 * 4096);
    run_nodes(1, [&](int, Cluster&) {
        rsmapi_controller_handle_t c = controller();
        std::vector<rsm_localmemory_handle_t> lh;
        int rc = RSM_SUCCESS;
        while (lh.size() <= rsmsim::model::HostMemory::kMaxMappings) {
            rsm_localmemory_handle_t h = nullptr;
            rc = rsm_create_localmemory_handle(c, &h, reinterpret_cast<caddr_t>(mem.data()), 4096);
            if (rc != RSM_SUCCESS) break;
            lh.push_back(h);
        }
        EXPECT_RSM(RSMERR_INSUFFICIENT_RESOURCES, rc);
        EXPECT_EQ(lh.size(), rsmsim::model::HostMemory::kMaxMappings) << "every entry was usable";
        rsm_memseg_export_handle_t ex = nullptr;
        EXPECT_RSM(RSMERR_INSUFFICIENT_RESOURCES, rsm_memseg_export_create(c, &ex, mem.data() + 4096, 4096, 0))
            << "an export needs an entry too";
        ASSERT_RSM_OK(rsm_free_localmemory_handle(c, lh.back()));
        lh.pop_back();
        ASSERT_RSM_OK(rsm_memseg_export_create(c, &ex, mem.data() + 4096, 4096, 0)) << "a freed entry is used again";
        ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
        for (auto h : lh) ASSERT_RSM_OK(rsm_free_localmemory_handle(c, h));
    });
}

TEST(Resources, ExhaustedAdapterTablesAreReportedAndRecover) {
    PageBuffer mem(33 * 4096);
    run_nodes(2, [&](int i, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        if (i == 0) {
            // 32 export entries: the 33rd publish has no slot.
            std::vector<rsm_memseg_export_handle_t> ex(33, nullptr);
            for (int k = 0; k < 33; ++k)
                ASSERT_RSM_OK(rsm_memseg_export_create(c, &ex[k], mem.data() + 4096 * k, 4096, 0));
            for (int k = 0; k < 32; ++k) {
                rsm_memseg_id_t id = kId + 100 + k;
                ASSERT_RSM_OK(rsm_memseg_export_publish(ex[k], &id, nullptr, 0)) << k;
            }
            rsm_memseg_id_t id = kId + 200;
            EXPECT_RSM(RSMERR_INSUFFICIENT_RESOURCES, rsm_memseg_export_publish(ex[32], &id, nullptr, 0));
            EXPECT_EQ(id, kId + 200u);
            cl.sync();   // 1: the importer fills its 64 import entries
            cl.sync();   // 2
            ASSERT_RSM_OK(rsm_memseg_export_unpublish(ex[0]));
            ASSERT_RSM_OK(rsm_memseg_export_publish(ex[32], &id, nullptr, 0)) << "a freed slot is reused";
            for (auto* e : ex) ASSERT_RSM_OK(rsm_memseg_export_destroy(e));
            return;
        }
        cl.sync();   // 1
        std::vector<rsm_memseg_import_handle_t> im(65, nullptr);
        for (int k = 0; k < 64; ++k)
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId + 100 + (k % 32), RSM_PERM_RDWR, &im[k])) << k;
        EXPECT_RSM(RSMERR_INSUFFICIENT_RESOURCES, rsm_memseg_import_connect(c, 4, kId + 101, RSM_PERM_RDWR, &im[64]));
        EXPECT_EQ(im[64], nullptr);
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(im[5]));
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId + 101, RSM_PERM_RDWR, &im[5])) << "a freed entry is reused";
        for (int k = 0; k < 64; ++k) ASSERT_RSM_OK(rsm_memseg_import_disconnect(im[k]));
        cl.sync();   // 2
    });
}

TEST(Topology, ReflectsTheSimulatedFabric) {
    run_nodes(4, [](int i, Cluster& cl) {
        EXPECT_RSM(RSMERR_BAD_TOPOLOGY_PTR, rsm_get_interconnect_topology(nullptr));
        rsm_topology_t* t = reinterpret_cast<rsm_topology_t*>(0x1);
        ASSERT_RSM_OK(rsm_get_interconnect_topology(&t));
        ASSERT_NE(t, nullptr);
        EXPECT_EQ(t->topology_hdr.local_nodeid, Cluster::node_id(i));
        ASSERT_EQ(t->topology_hdr.local_cntlr_count, 1u);
        const rsm_connections_t* conn = t->connections[0];
        EXPECT_STREQ(conn->hdr.cntlr_name, "sci0");
        EXPECT_EQ(conn->hdr.local_hwaddr, Cluster::node_id(i));
        ASSERT_EQ(conn->hdr.remote_cntlr_count, cl.size() - 1);
        std::vector<rsm_node_id_t> seen;
        for (int k = 0; k < conn->hdr.remote_cntlr_count; ++k) {
            EXPECT_EQ(conn->remote_cntlr[k].connection_state, unsigned(RSM_CONNECTION_ACTIVE));
            EXPECT_STREQ(conn->remote_cntlr[k].remote_cntlrname, "sci0");
            seen.push_back(conn->remote_cntlr[k].remote_nodeid);
        }
        std::vector<rsm_node_id_t> want;
        for (int k = 0; k < cl.size(); ++k)
            if (k != i) want.push_back(Cluster::node_id(k));
        EXPECT_EQ(seen, want);
        rsm_free_interconnect_topology(t);
        rsm_free_interconnect_topology(nullptr);
    });
}

TEST(ExportRepublish, NewListGovernsNewConnectionsOnly) {
    PageBuffer mem(4096);
    run_nodes(3, [&](int i, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        if (i == 0) {
            rsm_memseg_export_handle_t ex = nullptr;
            ASSERT_RSM_OK(rsm_memseg_export_create(c, &ex, mem.data(), 4096, 0));
            rsmapi_access_entry_t to8[1] = {{8, 0600}}, to12[1] = {{12, 0600}}, bad[1] = {{5, 0600}};
            EXPECT_RSM(RSMERR_BAD_SEG_HNDL, rsm_memseg_export_republish(nullptr, to12, 1));
            EXPECT_RSM(RSMERR_SEG_NOT_PUBLISHED, rsm_memseg_export_republish(ex, to12, 1));
            rsm_memseg_id_t id = kId;
            ASSERT_RSM_OK(rsm_memseg_export_publish(ex, &id, to8, 1));
            cl.sync();   // 1: node 8 connects
            cl.sync();   // 2
            EXPECT_RSM(RSMERR_BAD_ACL, rsm_memseg_export_republish(ex, nullptr, 1));
            EXPECT_RSM(RSMERR_BAD_ACL, rsm_memseg_export_republish(ex, bad, 1));
            ASSERT_RSM_OK(rsm_memseg_export_republish(ex, to12, 1));
            cl.sync();   // 3: node 8 keeps its connection, node 12 may connect now
            cl.sync();   // 4
            ASSERT_RSM_OK(rsm_memseg_export_republish(ex, nullptr, 0));   // everyone
            cl.sync();   // 5
            cl.sync();   // 6
            ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
            return;
        }
        rsm_memseg_import_handle_t im = nullptr, again = nullptr;
        rsmapi_barrier_t bar{};
        cl.sync();   // 1
        if (i == 1) {
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
            ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
        } else {
            EXPECT_RSM(RSMERR_SEG_NOT_PUBLISHED_TO_NODE, rsm_memseg_import_connect(c, 4, kId, RSM_PERM_READ, &again));
        }
        cl.sync();   // 2
        cl.sync();   // 3: republished to node 12 only
        if (i == 1) {
            ASSERT_RSM_OK(rsm_memseg_import_put(im, 0, const_cast<char*>("kept"), 5)) << "existing connection untouched";
            EXPECT_RSM(RSMERR_SEG_NOT_PUBLISHED_TO_NODE, rsm_memseg_import_connect(c, 4, kId, RSM_PERM_READ, &again))
                << "but node 8 may not connect again";
        } else {
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &again));
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(again));
        }
        cl.sync();   // 4
        cl.sync();   // 5: republished to everyone
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_READ, &again));
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(again));
        if (i == 1) {
            ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
        }
        cl.sync();   // 6
    });
    EXPECT_STREQ(reinterpret_cast<char*>(mem.data()), "kept");
}

TEST(ExportRebind, MovesThePublishedSegmentUnderItsImporters) {
    PageBuffer a(8192), b(8192), c8(4096);
    run_nodes(2, [&](int i, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        if (i == 0) {
            rsm_memseg_export_handle_t ex = nullptr, fixed = nullptr;
            ASSERT_RSM_OK(rsm_memseg_export_create(c, &ex, a.data(), 8192, RSM_ALLOW_REBIND));
            ASSERT_RSM_OK(rsm_memseg_export_create(c, &fixed, c8.data(), 4096, 0));
            EXPECT_RSM(RSMERR_BAD_SEG_HNDL, rsm_memseg_export_rebind(nullptr, b.data(), 0, 8192));
            EXPECT_RSM(RSMERR_BAD_ADDR, rsm_memseg_export_rebind(ex, nullptr, 0, 8192));
            EXPECT_RSM(RSMERR_REBIND_NOT_ALLOWED, rsm_memseg_export_rebind(fixed, b.data(), 0, 4096));
            EXPECT_RSM(RSMERR_BAD_LENGTH, rsm_memseg_export_rebind(ex, b.data(), 0, 4096));
            EXPECT_RSM(RSMERR_BAD_ADDR, rsm_memseg_export_rebind(ex, b.data() + 16, 0, 8192));
            rsm_memseg_id_t id = kId;
            ASSERT_RSM_OK(rsm_memseg_export_publish(ex, &id, nullptr, 0));
            cl.sync();   // importer writes "one"
            cl.sync();
            ASSERT_RSM_OK(rsm_memseg_export_rebind(ex, b.data(), 0, 8192));
            EXPECT_FALSE(cl.node(0).memory.is_pinned(a.data(), 1)) << "old pages released";
            cl.sync();   // importer writes "two" without reconnecting
            cl.sync();
            ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
            ASSERT_RSM_OK(rsm_memseg_export_destroy(fixed));
        } else {
            cl.sync();
            rsm_memseg_import_handle_t im = nullptr;
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
            rsmapi_barrier_t bar{};
            ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
            ASSERT_RSM_OK(rsm_memseg_import_put(im, 100, const_cast<char*>("one"), 4));
            cl.sync();
            cl.sync();
            ASSERT_RSM_OK(rsm_memseg_import_put(im, 200, const_cast<char*>("two"), 4));
            char back[4] = {};
            ASSERT_RSM_OK(rsm_memseg_import_get(im, 100, back, 4));
            EXPECT_EQ(back[0], 0) << "the new memory does not have the old data";
            cl.sync();
            ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
            cl.sync();
        }
    });
    EXPECT_STREQ(reinterpret_cast<char*>(a.data() + 100), "one");
    EXPECT_EQ(a.data()[200], 0);
    EXPECT_STREQ(reinterpret_cast<char*>(b.data() + 200), "two");
}

}  // namespace

// A poll (a wait with no interrupt to sleep on, such as a large put's
// barrier flush) reads back to back a few times, then pauses for a
// fraction (1/16) of the time waited so far before each read: far fewer
// reads than one per read time, and it ends at most that fraction late.
TEST(Bus, ALongPollPausesBetweenReadsAndEndsAtMostASixteenthLate) {
    namespace r = rsm::regs;
    constexpr uint64_t kSetAt = 100'000;   // ns: the other program sets the bit then
    Cluster cl(rsmsim::test::config(1));
    auto& bus = cl.node(0).bus;
    uint64_t start = 0, end = 0, reads = 0, read_ns = 0;
    rsm::hw::Bus::WaitResult result = rsm::hw::Bus::WaitResult::BusError;
    cl.spawn(0, [&] {
        uint32_t v = 0;
        start = bus.now_ns();
        const uint64_t before = bus.accesses();
        ASSERT_TRUE(bus.read32(r::SCRATCH, v));
        read_ns = bus.now_ns() - start;
        result = bus.wait_reg(r::SCRATCH, 1, true, 1'000'000, false, v);
        end = bus.now_ns();
        reads = bus.accesses() - before - 2;   // less the first read and the other program's write
    });
    cl.spawn(0, [&] {
        bus.sleep_ns(kSetAt);
        ASSERT_TRUE(bus.write32(r::SCRATCH, 1));
    });
    ASSERT_TRUE(cl.run());
    ASSERT_EQ(rsm::hw::Bus::WaitResult::Met, result);
    ASSERT_GT(read_ns, 0u);
    EXPECT_GE(end, kSetAt);
    EXPECT_LE(end - start, kSetAt + kSetAt / 16 + 2 * read_ns) << "at most a sixteenth late (and a read or two)";
    EXPECT_LT(reads, kSetAt / read_ns / 2) << "fewer than half the reads of a back-to-back poll";
    EXPECT_GT(reads, 8u);
}

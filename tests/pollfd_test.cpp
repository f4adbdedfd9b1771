// pollfds: real descriptors readable while an event is pending (a plain
// poll() sees them), rsm_intr_signal_wait_pollfd over several segments and
// ordinary descriptors, and the POLLFD_IN_USE rule.
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include "support/cluster_run.h"
#include "support/rsm_helpers.h"

namespace {

using rsmsim::Cluster;
using rsmsim::test::controller;
using rsmsim::test::PageBuffer;
using rsmsim::test::run_nodes;

constexpr rsm_memseg_id_t kA = 0x400070, kB = 0x400071;

TEST(Pollfd, ReadyWhilePendingAcrossSegmentsAndOrdinaryFds) {
    PageBuffer a(4096), b(4096);
    run_nodes(2, [&](int i, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        if (i == 0) {
            rsm_memseg_export_handle_t ea = nullptr, eb = nullptr;
            ASSERT_RSM_OK(rsm_memseg_export_create(c, &ea, a.data(), 4096, 0));
            ASSERT_RSM_OK(rsm_memseg_export_create(c, &eb, b.data(), 4096, 0));
            rsm_memseg_id_t ida = kA, idb = kB;
            ASSERT_RSM_OK(rsm_memseg_export_publish(ea, &ida, nullptr, 0));
            ASSERT_RSM_OK(rsm_memseg_export_publish(eb, &idb, nullptr, 0));
            struct pollfd fds[3];
            EXPECT_RSM(RSMERR_BAD_SEG_HNDL, rsm_memseg_get_pollfd(nullptr, &fds[0]));
            EXPECT_RSM(RSMERR_BAD_ADDR, rsm_memseg_get_pollfd(ea, nullptr));
            ASSERT_RSM_OK(rsm_memseg_get_pollfd(ea, &fds[0]));
            ASSERT_RSM_OK(rsm_memseg_get_pollfd(eb, &fds[1]));
            EXPECT_EQ(fds[0].events, POLLRDNORM);
            EXPECT_NE(fds[0].fd, fds[1].fd);
            int p[2];
            ASSERT_EQ(::pipe(p), 0);
            fds[2] = {p[0], POLLIN, 0};
            cl.sync();   // 1: the importer connects and posts twice to B
            cl.sync();   // 2
            // The driver's interrupt handler has already made B's descriptor readable.
            struct pollfd plain[2] = {fds[0], fds[1]};
            ASSERT_EQ(::poll(plain, 2, 0), 1);
            EXPECT_EQ(plain[0].revents, 0);
            EXPECT_EQ(plain[1].revents & POLLRDNORM, POLLRDNORM);
            int n = -1;
            ASSERT_RSM_OK(rsm_intr_signal_wait_pollfd(fds, 2, -1, &n));
            EXPECT_EQ(n, 1);
            EXPECT_EQ(fds[1].revents, POLLRDNORM);
            ASSERT_RSM_OK(rsm_intr_signal_wait_pollfd(fds, 2, 0, &n)) << "the second event";
            EXPECT_RSM(RSMERR_TIMEOUT, rsm_intr_signal_wait_pollfd(fds, 2, 0, &n));
            EXPECT_EQ(n, 0);
            ASSERT_EQ(::poll(plain, 2, 0), 0) << "consumed: no longer readable";
            ASSERT_EQ(::write(p[1], "x", 1), 1);
            ASSERT_RSM_OK(rsm_intr_signal_wait_pollfd(fds, 3, 5, &n)) << "an ordinary descriptor";
            EXPECT_EQ(n, 1);
            EXPECT_EQ(fds[2].revents, POLLIN);
            EXPECT_RSM(RSMERR_POLLFD_IN_USE, rsm_memseg_export_destroy(eb));
            EXPECT_RSM(RSMERR_POLLFD_IN_USE, rsm_memseg_export_unpublish(eb)) << "man page, not the original's bug";
            ASSERT_RSM_OK(rsm_memseg_release_pollfd(eb));
            ASSERT_RSM_OK(rsm_memseg_release_pollfd(eb)) << "never below zero";
            EXPECT_RSM(RSMERR_BAD_SEG_HNDL, rsm_memseg_release_pollfd(nullptr));
            ASSERT_RSM_OK(rsm_memseg_release_pollfd(ea));
            ::close(p[0]);
            ::close(p[1]);
            cl.sync();   // 3
            ASSERT_RSM_OK(rsm_memseg_export_destroy(ea));
            ASSERT_RSM_OK(rsm_memseg_export_destroy(eb));
        } else {
            cl.sync();   // 1
            rsm_memseg_import_handle_t ib = nullptr;
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kB, RSM_PERM_READ, &ib));
            ASSERT_RSM_OK(rsm_intr_signal_post(ib, 0));
            ASSERT_RSM_OK(rsm_intr_signal_post(ib, 0));
            cl.sync();   // 2
            cl.sync();   // 3
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(ib));
        }
    });
}

TEST(Pollfd, ImportSideDescriptorSeesTheExportersPost) {
    PageBuffer a(4096);
    run_nodes(2, [&](int i, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        if (i == 0) {
            rsm_memseg_export_handle_t ea = nullptr;
            ASSERT_RSM_OK(rsm_memseg_export_create(c, &ea, a.data(), 4096, 0));
            rsm_memseg_id_t id = kA;
            ASSERT_RSM_OK(rsm_memseg_export_publish(ea, &id, nullptr, 0));
            cl.sync();   // 1
            cl.sync();   // 2: importer has its pollfd
            ASSERT_RSM_OK(rsm_intr_signal_post(ea, 0));
            cl.sync();   // 3
            ASSERT_RSM_OK(rsm_memseg_export_destroy(ea));
        } else {
            cl.sync();   // 1
            rsm_memseg_import_handle_t im = nullptr;
            ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kA, RSM_PERM_READ, &im));
            struct pollfd fd;
            ASSERT_RSM_OK(rsm_memseg_get_pollfd(im, &fd));
            cl.sync();   // 2
            int n = 0;
            const double t0 = Cluster::now_ns();
            ASSERT_RSM_OK(rsm_intr_signal_wait_pollfd(&fd, 1, 100, &n));
            EXPECT_EQ(n, 1);
            EXPECT_GT(Cluster::now_ns(), t0) << "it waited for the BELL in simulated time";
            EXPECT_RSM(RSMERR_POLLFD_IN_USE, rsm_memseg_import_disconnect(im));
            void* addr = nullptr;
            ASSERT_RSM_OK(rsm_memseg_import_map(im, &addr, RSM_MAP_NONE, RSM_PERM_READ, 0, 4096));
            EXPECT_RSM(RSMERR_POLLFD_IN_USE, rsm_memseg_import_unmap(im));
            ASSERT_RSM_OK(rsm_memseg_release_pollfd(im));
            ASSERT_RSM_OK(rsm_memseg_import_unmap(im));
            ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
            cl.sync();   // 3
        }
    });
}

}  // namespace

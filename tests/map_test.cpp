// rsm_memseg_import_map/unmap: loads and stores through a mapping reach the
// segment at barrier boundaries, through the adapter.
#include <gtest/gtest.h>

#include <cstring>

#include "support/cluster_run.h"
#include "support/rsm_helpers.h"

namespace {

using rsmsim::Cluster;
using rsmsim::test::controller;
using rsmsim::test::PageBuffer;
using rsmsim::test::run_nodes;

constexpr rsm_memseg_id_t kId = 0x400080;

TEST(Map, StoresLandAtCloseAndLoadsRefreshAtOpen) {
    PageBuffer mem(8192);
    std::strcpy(reinterpret_cast<char*>(mem.data()) + 4096 + 10, "hello");
    run_nodes(2, [&](int i, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        if (i == 0) {
            rsm_memseg_export_handle_t ex = nullptr;
            ASSERT_TRUE(rsmsim::test::export_segment(c, mem.data(), mem.len, kId, ex));
            cl.sync();   // 1: importer maps and stores
            cl.sync();   // 2: before its close_barrier
            EXPECT_EQ(mem.data()[4096 + 100], 0) << "a store is not visible before the barrier closes";
            cl.sync();   // 3: closed
            EXPECT_STREQ(reinterpret_cast<char*>(mem.data()) + 4096 + 100, "world");
            EXPECT_STREQ(reinterpret_cast<char*>(mem.data()) + 4096 + 10, "hello") << "only changed bytes written";
            std::strcpy(reinterpret_cast<char*>(mem.data()) + 4096 + 200, "again");   // the exporter's own store
            cl.sync();   // 4
            cl.sync();   // 5: unmapped after one more store
            EXPECT_STREQ(reinterpret_cast<char*>(mem.data()) + 4096 + 300, "bye");
            ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
            return;
        }
        cl.sync();   // 1
        rsm_memseg_import_handle_t im = nullptr, ro = nullptr;
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_READ, &ro));
        void* addr = nullptr;
        void* odd = reinterpret_cast<void*>(0x1234);
        EXPECT_RSM(RSMERR_BAD_SEG_HNDL, rsm_memseg_import_map(nullptr, &addr, RSM_MAP_NONE, RSM_PERM_RDWR, 0, 4096));
        EXPECT_RSM(RSMERR_BAD_ADDR, rsm_memseg_import_map(im, nullptr, RSM_MAP_NONE, RSM_PERM_RDWR, 0, 4096));
        EXPECT_RSM(RSMERR_BAD_PERMS, rsm_memseg_import_map(im, &addr, RSM_MAP_NONE, 0700, 0, 4096));
        EXPECT_RSM(RSMERR_BAD_LENGTH, rsm_memseg_import_map(im, &addr, RSM_MAP_NONE, RSM_PERM_RDWR, 0, 0));
        EXPECT_RSM(RSMERR_BAD_LENGTH, rsm_memseg_import_map(im, &addr, RSM_MAP_NONE, RSM_PERM_RDWR, 4096, 8192));
        EXPECT_RSM(RSMERR_BAD_MEM_ALIGNMENT, rsm_memseg_import_map(im, &addr, RSM_MAP_NONE, RSM_PERM_RDWR, 100, 64));
        EXPECT_RSM(RSMERR_BAD_MEM_ALIGNMENT, rsm_memseg_import_map(im, &odd, RSM_MAP_FIXED, RSM_PERM_RDWR, 0, 64));
        EXPECT_RSM(RSMERR_BAD_PERMS, rsm_memseg_import_map(ro, &addr, RSM_MAP_NONE, RSM_PERM_RDWR, 0, 4096))
            << "more than the connection grants";
        EXPECT_RSM(RSMERR_SEG_NOT_MAPPED, rsm_memseg_import_unmap(im));
        EXPECT_EQ(addr, nullptr) << "refused maps leave *address alone";
        ASSERT_RSM_OK(rsm_memseg_import_map(im, &addr, RSM_MAP_NONE, RSM_PERM_RDWR, 4096, 4096));
        ASSERT_NE(addr, nullptr);
        EXPECT_RSM(RSMERR_SEG_ALREADY_MAPPED, rsm_memseg_import_map(im, &addr, RSM_MAP_NONE, RSM_PERM_RDWR, 0, 4096));
        EXPECT_RSM(RSMERR_SEG_STILL_MAPPED, rsm_memseg_import_disconnect(im));
        char* p = static_cast<char*>(addr);
        EXPECT_STREQ(p + 10, "hello") << "loads see the segment";
        rsmapi_barrier_t bar{};
        ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
        char tmp[4] = {};
        EXPECT_RSM(RSMERR_BAD_OFFSET, rsm_memseg_import_get(im, 0, tmp, 4)) << "put/get stay in the mapped range";
        ASSERT_RSM_OK(rsm_memseg_import_get(im, 4096 + 10, tmp, 4));
        ASSERT_RSM_OK(rsm_memseg_import_open_barrier(&bar));
        std::strcpy(p + 100, "world");
        cl.sync();   // 2
        const double t0 = Cluster::now_ns();
        ASSERT_RSM_OK(rsm_memseg_import_close_barrier(&bar));
        EXPECT_GT(Cluster::now_ns(), t0) << "the write-back goes through the adapter";
        cl.sync();   // 3
        cl.sync();   // 4: the exporter stored "again"
        EXPECT_EQ(p[200], 0) << "not seen before the next open";
        ASSERT_RSM_OK(rsm_memseg_import_open_barrier(&bar));
        EXPECT_STREQ(p + 200, "again");
        EXPECT_STREQ(p + 100, "world");
        ASSERT_RSM_OK(rsm_memseg_import_close_barrier(&bar));
        std::strcpy(p + 300, "bye");
        ASSERT_RSM_OK(rsm_memseg_import_unmap(im));
        void* roaddr = nullptr;
        ASSERT_RSM_OK(rsm_memseg_import_map(ro, &roaddr, RSM_MAP_NONE, RSM_PERM_READ, 4096, 4096));
        EXPECT_STREQ(static_cast<char*>(roaddr) + 10, "hello") << "a read-only mapping";
        ASSERT_RSM_OK(rsm_memseg_import_unmap(ro));
        cl.sync();   // 5
        ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(ro));
    });
}

}  // namespace

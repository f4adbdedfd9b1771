// Two- and three-node runs through the whole stack: librsm -> registers ->
// verilated core -> fabric packets -> remote export check -> host memory.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "support/cluster_run.h"
#include "support/export_scenario.h"
#include "support/rsm_helpers.h"

namespace {

using rsmsim::Cluster;
using rsmsim::test::controller;
using rsmsim::test::PageBuffer;
using rsmsim::test::run_nodes;

constexpr rsm_memseg_id_t kId = 0x400020;
constexpr size_t kSeg = 3 * 4096;

uint8_t pat(size_t i, unsigned salt) { return static_cast<uint8_t>(i * 13u + salt * 101u + 7u); }

// Node 4 exports `mem` (kSeg bytes, public, RDWR) and waits two syncs;
// every other node runs `body` between them.
void exporter_and(PageBuffer& mem, const rsmsim::test::ImporterBody& body, int nodes = 2) {
    rsmsim::test::export_scenario(nodes, {{mem.data(), kSeg, kId}}, body);
}

TEST(EndToEnd, PutAndGetEverySizeAndAlignmentByteForByte) {
    PageBuffer mem(kSeg);
    std::vector<std::pair<size_t, size_t>> cases;   // offset, length
    for (size_t off : {0, 1, 63, 64, 100, 4095})
        for (size_t len : {1, 3, 4, 63, 64, 65, 127, 1000, 4096}) cases.push_back({off, len});
    exporter_and(mem, [&](int, Cluster&, rsmapi_controller_handle_t c) {
        rsm_memseg_import_handle_t im = nullptr;
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
        rsmapi_barrier_t bar{};
        ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
        unsigned salt = 0;
        for (auto [off, len] : cases) {
            ++salt;
            std::vector<uint8_t> src(len), back(len, 0);
            for (size_t k = 0; k < len; ++k) src[k] = pat(k, salt);
            std::vector<uint8_t> before(mem.data(), mem.data() + kSeg);
            ASSERT_RSM_OK(rsm_memseg_import_put(im, static_cast<off_t>(off), src.data(), len));
            // Implicit mode: the data has landed when put returns.
            ASSERT_EQ(std::memcmp(mem.data() + off, src.data(), len), 0) << off << "+" << len;
            ASSERT_EQ(std::memcmp(mem.data(), before.data(), off), 0) << "bytes before the span changed";
            ASSERT_EQ(std::memcmp(mem.data() + off + len, before.data() + off + len, kSeg - off - len), 0)
                << "bytes after the span changed";
            ASSERT_RSM_OK(rsm_memseg_import_get(im, static_cast<off_t>(off), back.data(), len));
            ASSERT_EQ(back, src) << off << "+" << len;
        }
        ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
    });
}

TEST(EndToEnd, TypedAccessesMoveWholeItems) {
    PageBuffer mem(kSeg);
    exporter_and(mem, [&](int, Cluster&, rsmapi_controller_handle_t c) {
        rsm_memseg_import_handle_t im = nullptr;
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
        rsmapi_barrier_t bar{};
        ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
        uint16_t h[3] = {0x1111, 0x2222, 0x3333};
        uint32_t w[2] = {0xAABBCCDD, 0x01020304};
        uint64_t q[2] = {0x0102030405060708ull, 0xF0E0D0C0B0A09080ull};
        uint8_t b[5] = {9, 8, 7, 6, 5};
        ASSERT_RSM_OK(rsm_memseg_import_put16(im, 2, h, 3));
        ASSERT_RSM_OK(rsm_memseg_import_put32(im, 16, w, 2));
        ASSERT_RSM_OK(rsm_memseg_import_put64(im, 64, q, 2));
        ASSERT_RSM_OK(rsm_memseg_import_put8(im, 201, b, 5));
        EXPECT_EQ(std::memcmp(mem.data() + 2, h, sizeof h), 0);
        EXPECT_EQ(std::memcmp(mem.data() + 16, w, sizeof w), 0);
        EXPECT_EQ(std::memcmp(mem.data() + 64, q, sizeof q), 0);
        EXPECT_EQ(std::memcmp(mem.data() + 201, b, sizeof b), 0);
        uint16_t h2[3] = {};
        uint32_t w2[2] = {};
        uint64_t q2[2] = {};
        uint8_t b2[5] = {};
        ASSERT_RSM_OK(rsm_memseg_import_get16(im, 2, h2, 3));
        ASSERT_RSM_OK(rsm_memseg_import_get32(im, 16, w2, 2));
        ASSERT_RSM_OK(rsm_memseg_import_get64(im, 64, q2, 2));
        ASSERT_RSM_OK(rsm_memseg_import_get8(im, 201, b2, 5));
        EXPECT_EQ(std::memcmp(h, h2, sizeof h), 0);
        EXPECT_EQ(std::memcmp(w, w2, sizeof w), 0);
        EXPECT_EQ(std::memcmp(q, q2, sizeof q), 0);
        EXPECT_EQ(std::memcmp(b, b2, sizeof b), 0);
        ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
    });
}

TEST(EndToEnd, ThreeNodesThroughASwitchEachWriteTheirOwnSlice) {
    PageBuffer mem(kSeg);
    exporter_and(mem, [&](int i, Cluster&, rsmapi_controller_handle_t c) {
        rsm_memseg_import_handle_t im = nullptr;
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
        rsmapi_barrier_t bar{};
        ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
        std::vector<uint8_t> src(4096);
        for (size_t k = 0; k < src.size(); ++k) src[k] = pat(k, static_cast<unsigned>(i));
        ASSERT_RSM_OK(rsm_memseg_import_put(im, static_cast<off_t>(i * 4096), src.data(), src.size()));
        ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
    }, 3);
    for (unsigned i = 1; i < 3; ++i)
        for (size_t k = 0; k < 4096; ++k) ASSERT_EQ(mem.data()[i * 4096 + k], pat(k, i)) << i << ":" << k;
}

TEST(EndToEnd, ExplicitBarrierReportsTheForcedDisconnect) {
    PageBuffer mem(kSeg);
    auto exporter = [](Cluster& cl, const std::vector<rsm_memseg_export_handle_t>& ex) {
        cl.sync();   // importer connected and wrote once
        ASSERT_RSM_OK(rsm_memseg_export_unpublish(ex[0]));
        cl.sync();   // withdrawn: importer writes into it
    };
    rsmsim::test::export_scenario(2, {{mem.data(), kSeg, kId}}, [&](int, Cluster& cl, rsmapi_controller_handle_t c) {
        rsm_memseg_import_handle_t im = nullptr;
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
        ASSERT_RSM_OK(rsm_memseg_import_set_mode(im, RSM_BARRIER_MODE_EXPLICIT));
        rsmapi_barrier_t bar{};
        ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
        uint32_t word = 0xCAFEF00D;
        ASSERT_RSM_OK(rsm_memseg_import_open_barrier(&bar));
        ASSERT_RSM_OK(rsm_memseg_import_put(im, 8, &word, 4));
        ASSERT_RSM_OK(rsm_memseg_import_close_barrier(&bar)) << "a clean span closes";
        cl.sync();
        cl.sync();
        word = 0xBADBAD00;
        ASSERT_RSM_OK(rsm_memseg_import_open_barrier(&bar));
        EXPECT_RSM(RSM_SUCCESS, rsm_memseg_import_put(im, 12, &word, 4)) << "explicit mode: silent until close";
        // Unpublish force-disconnected us: the close reports the connection lost.
        EXPECT_RSM(RSMERR_CONN_ABORTED, rsm_memseg_import_close_barrier(&bar));
        ASSERT_RSM_OK(rsm_memseg_import_set_mode(im, RSM_BARRIER_MODE_IMPLICIT));
        EXPECT_RSM(RSMERR_CONN_ABORTED, rsm_memseg_import_put(im, 16, &word, 4));
        uint32_t got = 0x12345678;
        EXPECT_RSM(RSMERR_CONN_ABORTED, rsm_memseg_import_get(im, 8, &got, 4));
        EXPECT_EQ(got, 0x12345678u) << "a failed get leaves the destination alone";
        ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
    }, exporter);
    uint32_t w[3];
    std::memcpy(w, mem.data() + 8, sizeof w);
    EXPECT_EQ(w[0], 0xCAFEF00Du);
    EXPECT_EQ(w[1], 0u) << "nothing landed after unpublish";
    EXPECT_EQ(w[2], 0u);
}

TEST(EndToEnd, ImportingFromOwnNodeGoesThroughTheAdapter) {
    PageBuffer mem(4096);
    run_nodes(1, [&](int, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        rsm_memseg_export_handle_t ex = nullptr;
        ASSERT_RSM_OK(rsm_memseg_export_create(c, &ex, mem.data(), 4096, 0));
        rsm_memseg_id_t id = kId;
        ASSERT_RSM_OK(rsm_memseg_export_publish(ex, &id, nullptr, 0));
        rsm_memseg_import_handle_t im = nullptr;
        ASSERT_RSM_OK(rsm_memseg_import_connect(c, 4, kId, RSM_PERM_RDWR, &im));
        rsmapi_barrier_t bar{};
        ASSERT_RSM_OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
        const char msg[] = "loopback";
        const uint64_t packets = cl.fabric().packets_delivered();
        ASSERT_RSM_OK(rsm_memseg_import_put(im, 0, const_cast<char*>(msg), sizeof msg));
        EXPECT_EQ(std::memcmp(mem.data(), msg, sizeof msg), 0);
        EXPECT_EQ(cl.fabric().packets_delivered(), packets + 2) << "one write and its ack";
        ASSERT_RSM_OK(rsm_memseg_import_destroy_barrier(&bar));
        ASSERT_RSM_OK(rsm_memseg_import_disconnect(im));
        ASSERT_RSM_OK(rsm_memseg_export_destroy(ex));
    });
}

}  // namespace

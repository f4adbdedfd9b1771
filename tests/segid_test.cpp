// rsm_get_segmentid_range and the segment-id file (spec section 11). No
// simulation needed: the function reads a file and touches no adapter.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "support/rsm_helpers.h"
#include "support/temp_file.h"

namespace {

class SegidFile : public ::testing::Test {
protected:
    const rsmsim::test::TempFile file{"rsm.segmentid"};
    const std::string& path = file.path;
    void write(const std::string& text) {
        std::ofstream(path) << text;
        setenv("RSM_SEGMENTID_FILE", path.c_str(), 1);
    }
};

TEST_F(SegidFile, FindsTheFirstMatchingReservedLine) {
    write("# id blocks\n"
          "reserved  SUNWfoo  0x600000  1000\n"
          "RESERVED\tMyApp\t610000\t25\n"
          "reserved  sunwfoo  0x700000  5\n");
    rsm_memseg_id_t base = 0;
    uint32_t len = 0;
    EXPECT_RSM(RSM_SUCCESS, rsm_get_segmentid_range("SUNWfoo", &base, &len));
    EXPECT_EQ(base, 0x600000u);
    EXPECT_EQ(len, 1000u);
    EXPECT_RSM(RSM_SUCCESS, rsm_get_segmentid_range("myapp", &base, &len)) << "appid case-insensitive";
    EXPECT_EQ(base, 0x610000u);
    EXPECT_EQ(len, 25u);
    EXPECT_RSM(RSMERR_BAD_APPID, rsm_get_segmentid_range("other", &base, &len));
    EXPECT_EQ(base, 0x610000u) << "outputs untouched on failure";
}

TEST_F(SegidFile, RejectsNullArgumentsAndBadFiles) {
    rsm_memseg_id_t base = 7;
    uint32_t len = 7;
    write("reserved a 0x600000 10\n");
    EXPECT_RSM(RSMERR_BAD_ADDR, rsm_get_segmentid_range(nullptr, &base, &len));
    EXPECT_RSM(RSMERR_BAD_ADDR, rsm_get_segmentid_range("a", nullptr, &len));
    EXPECT_RSM(RSMERR_BAD_ADDR, rsm_get_segmentid_range("a", &base, nullptr));
    write("reserved a 0x600000 10\n\nreserved b 0x700000 10\n");
    EXPECT_RSM(RSMERR_BAD_CONF, rsm_get_segmentid_range("b", &base, &len)) << "a blank line ends the scan";
    EXPECT_RSM(RSM_SUCCESS, rsm_get_segmentid_range("a", &base, &len)) << "lines before it still count";
    write("reserved a 0x600000\n");
    EXPECT_RSM(RSMERR_BAD_CONF, rsm_get_segmentid_range("a", &base, &len)) << "three fields";
    write("reserve a 0x600000 10\n");
    EXPECT_RSM(RSMERR_BAD_CONF, rsm_get_segmentid_range("a", &base, &len)) << "keyword must be 'reserved'";
    write("reserved a 0x60zz00 10\n");
    EXPECT_RSM(RSMERR_BAD_CONF, rsm_get_segmentid_range("a", &base, &len)) << "bad hex";
    write("reserved a 0x600000 ten\n");
    EXPECT_RSM(RSMERR_BAD_CONF, rsm_get_segmentid_range("a", &base, &len)) << "bad count";
    setenv("RSM_SEGMENTID_FILE", (path + ".missing").c_str(), 1);
    EXPECT_RSM(RSMERR_BAD_CONF, rsm_get_segmentid_range("a", &base, &len)) << "missing file";
    EXPECT_EQ(base, 0x600000u);
    EXPECT_EQ(len, 10u);
}

}  // namespace

// Small helpers for rsmapi tests running inside node programs.
#pragma once

#include <gtest/gtest.h>

#include "rsmapi.h"
#include "rsmsim/cluster.h"
#include "rsmsim/errors.h"

namespace rsmsim::test {

// EXPECT_RSM(RSMERR_X, call) << "context": prints code names, not numbers.
inline ::testing::AssertionResult rsm_is(int want, int got, const char* call) {
    if (got == want) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << call << " returned " << rsmsim::rsm_error_name(got)
                                         << ", expected " << rsmsim::rsm_error_name(want);
}
#define EXPECT_RSM(want, call) EXPECT_TRUE(::rsmsim::test::rsm_is((want), (call), #call))
#define ASSERT_RSM_OK(call) ASSERT_TRUE(::rsmsim::test::rsm_is(RSM_SUCCESS, (call), #call))

inline rsmapi_controller_handle_t controller() {
    rsmapi_controller_handle_t c = nullptr;
    EXPECT_EQ(rsm_get_controller(const_cast<char*>("sci0"), &c), RSM_SUCCESS);
    return c;
}

// Creates an export segment over [mem, mem+len) and publishes it as `id` to
// every node; false (with the failure reported) if either call fails.
//
// Use ASSERT_TRUE around helpers like this one, never ASSERT_NO_FATAL_FAILURE
// around anything that takes simulated time in a node program: that macro
// installs a per-thread failure reporter for the duration of the statement,
// and node programs are coroutines on one OS thread, so interleaved
// statements restore each other's reporters out of order and leave a
// dangling one behind (a later failure then crashes the test binary).
[[nodiscard]] inline bool export_segment(rsmapi_controller_handle_t c, void* mem, size_t len, rsm_memseg_id_t id,
                                         rsm_memseg_export_handle_t& ex) {
    const int rc = rsm_memseg_export_create(c, &ex, mem, len, 0);
    EXPECT_RSM(RSM_SUCCESS, rc);
    if (rc != RSM_SUCCESS) return false;
    rsm_memseg_id_t got = id;
    const int rp = rsm_memseg_export_publish(ex, &got, nullptr, 0);
    EXPECT_RSM(RSM_SUCCESS, rp);
    EXPECT_EQ(got, id);
    return rp == RSM_SUCCESS && got == id;
}

}  // namespace rsmsim::test

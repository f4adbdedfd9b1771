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
// every node. Use ASSERT_NO_FATAL_FAILURE around it.
inline void export_segment(rsmapi_controller_handle_t c, void* mem, size_t len, rsm_memseg_id_t id,
                           rsm_memseg_export_handle_t& ex) {
    ASSERT_RSM_OK(rsm_memseg_export_create(c, &ex, mem, len, 0));
    rsm_memseg_id_t got = id;
    ASSERT_RSM_OK(rsm_memseg_export_publish(ex, &got, nullptr, 0));
    ASSERT_EQ(got, id);
}

}  // namespace rsmsim::test

// The workload verdict: with injected faults, failures reported as the rsmapi
// documents them pass; errors no fault explains and data lost although every
// call succeeded fail. Without faults every error fails.
#include <gtest/gtest.h>

#include "rsmapi.h"
#include "rsmsim/verdict.h"

using rsmsim::Verdict;

TEST(Verdict, WithoutFaultsEveryErrorAndMismatchFails) {
    Verdict v(false);
    EXPECT_FALSE(v.call(1, RSMERR_BARRIER_FAILURE));
    EXPECT_FALSE(v.check(false, 1));
    EXPECT_EQ(2, v.failures());
    EXPECT_EQ(0, v.reported());
}

TEST(Verdict, WithFaultsADocumentedFailureAndTheDataItLeftAreReported) {
    Verdict v(true);
    EXPECT_TRUE(v.call(1, RSMERR_BARRIER_FAILURE));
    EXPECT_TRUE(v.check(false, 1)) << "its writer was told";
    EXPECT_TRUE(v.call(2, RSMERR_REMOTE_NODE_UNREACHABLE));
    EXPECT_TRUE(v.call(3, RSMERR_CONN_ABORTED));
    EXPECT_EQ(0, v.failures());
    EXPECT_EQ(4, v.reported());
}

TEST(Verdict, WithFaultsAnUndocumentedErrorFails) {
    Verdict v(true);
    EXPECT_FALSE(v.call(1, RSMERR_BAD_OFFSET));
    EXPECT_FALSE(v.call(1, RSMERR_PERM_DENIED));
    EXPECT_EQ(2, v.failures());
}

TEST(Verdict, DataLostAlthoughItsWriterSucceededFails) {
    Verdict v(true);
    EXPECT_TRUE(v.call(1, RSMERR_BARRIER_FAILURE));   // node 1 was told
    EXPECT_FALSE(v.check(false, 2)) << "node 2 was told nothing";
    EXPECT_FALSE(v.call(1, RSM_SUCCESS, true));      // node 1 rewrote all its data
    EXPECT_FALSE(v.check(false, 1)) << "what it rewrote was lost";
    EXPECT_EQ(2, v.failures());
    EXPECT_EQ(1, v.reported());
}

// A workload's verdict. Where faults were injected, a call that fails with
// a code the rsmapi documents for them is expected ("reported"), and so is a
// wrong result that such a failure told its writer about; anything else --
// another error, or data lost although every call said it landed -- fails.
// Without faults every error and every wrong result fails.
#pragma once

#include <set>

namespace rsmsim {

class Verdict {
public:
    explicit Verdict(bool faults_injected = false) : faults_(faults_injected) {}
    void set_faults_injected(bool f) { faults_ = f; }
    bool faults_injected() const { return faults_; }

    // A call of node `node` returned `rc`. `rewrites`: on success it rewrote
    // all of the node's data (what an earlier failure left is gone). True if
    // it failed as documented for the injected faults.
    bool call(int node, int rc, bool rewrites = false);
    // A check of data `writer` wrote. True if it failed, excused.
    bool check(bool ok, int writer) { return check_excused(ok, told(writer)); }
    // A check whose failure the caller knows to be excused or not.
    bool check_excused(bool ok, bool excused);
    // Whether a failure was reported to `writer` (and not rewritten since).
    bool told(int writer) const { return faults_ && told_.count(writer) != 0; }

    int failures() const { return failures_; }
    int reported() const { return reported_; }
    void fail() { ++failures_; }

private:
    bool faults_;
    int failures_ = 0, reported_ = 0;
    std::set<int> told_;
};

}  // namespace rsmsim

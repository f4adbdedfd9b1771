#include "rsmsim/verdict.h"

#include "rsmsim/errors.h"

namespace rsmsim {

bool Verdict::call(int node, int rc, bool rewrites) {
    if (rc == 0) {
        if (rewrites) told_.erase(node);
        return false;
    }
    if (faults_ && is_fault_outcome(rc)) {
        ++reported_;
        told_.insert(node);
        return true;
    }
    ++failures_;
    return false;
}

bool Verdict::check_excused(bool ok, bool excused) {
    if (ok) return false;
    if (excused && faults_) {
        ++reported_;
        return true;
    }
    ++failures_;
    return false;
}

}  // namespace rsmsim

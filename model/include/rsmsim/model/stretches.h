// Stretches: when a link is busy, as [start, end) stretches sorted by
// start and not overlapping. Held in one vector: a packet's booking almost
// always extends or follows the last stretch, and the stretches over by now
// leave from the front, so neither needs a tree node of its own.
#pragma once

#include <systemc>

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace rsmsim::model {

class Stretches {
public:
    using Stretch = std::pair<sc_core::sc_time, sc_core::sc_time>;   // start, end
    using iterator = std::vector<Stretch>::iterator;

    iterator begin() { return v_.begin() + static_cast<std::ptrdiff_t>(head_); }
    iterator end() { return v_.end(); }

    // The first stretch starting after t.
    iterator upper_bound(sc_core::sc_time t) {
        return std::upper_bound(begin(), end(), t, [](sc_core::sc_time x, const Stretch& s) { return x < s.first; });
    }
    // A stretch put in before `at` (which must keep the order); iterators
    // after it are no longer valid.
    iterator insert(iterator at, sc_core::sc_time start, sc_core::sc_time end) { return v_.insert(at, {start, end}); }
    iterator erase(iterator at) { return v_.erase(at); }

    // Drops the leading stretches that ended by `now`.
    void drop_ended(sc_core::sc_time now) {
        while (head_ < v_.size() && v_[head_].second <= now) ++head_;
        // The dropped ones are given back once they are half of what is held:
        // a bounded copy per stretch dropped.
        if (head_ >= kCompactAt && 2 * head_ >= v_.size()) {
            v_.erase(v_.begin(), begin());
            head_ = 0;
        }
    }

private:
    static constexpr size_t kCompactAt = 64;
    std::vector<Stretch> v_;
    size_t head_ = 0;   // v_[0, head_) are over
};

}  // namespace rsmsim::model

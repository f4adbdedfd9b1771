// Handles given to applications are ids, never addresses: a 64-bit counter
// that is never reused. The allocator hands a freed address to the next
// object of the same size, so an address-based handle kept after its object
// was destroyed would reach the newer object; an id cannot (issue #9 item 8).
#pragma once

#include <cstdint>
#include <mutex>
#include <unordered_map>

namespace rsm::lib {

// The next handle value: one sequence for every table, so a handle of one
// kind is never a valid handle of another.
uintptr_t next_handle_id();

template <typename T>
class HandleTable {
public:
    // Registers `obj` and returns its new handle (never 0, never reused).
    uintptr_t add(T* obj) {
        const uintptr_t id = next_handle_id();
        std::lock_guard<std::mutex> g(mu_);
        objects_[id] = obj;
        return id;
    }
    // The live object behind `handle`, or nullptr (null, stale or foreign).
    T* find(const void* handle) const {
        std::lock_guard<std::mutex> g(mu_);
        auto it = objects_.find(reinterpret_cast<uintptr_t>(handle));
        return it == objects_.end() ? nullptr : it->second;
    }
    // Forgets `handle`; later finds of it fail.
    void remove(uintptr_t handle) {
        std::lock_guard<std::mutex> g(mu_);
        objects_.erase(handle);
    }

private:
    mutable std::mutex mu_;   // never held across an adapter access
    std::unordered_map<uintptr_t, T*> objects_;
};

}  // namespace rsm::lib

// sync_cxx.cpp - the C++ library's threads, mutexes and condition variables
// in a node process (std::thread, std::mutex, std::condition_variable, whose
// timed waits use pthread_cond_clockwait on the steady clock): a wait_for
// that times out after 1 ms of simulated time, then a wake-up when another
// thread sets the flag after a 3 ms sleep.
#include <rsmapi.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

int main() {
    rsmapi_controller_handle_t c;
    if (rsm_get_controller(const_cast<char*>("sci0"), &c) != RSM_SUCCESS) return 1;
    std::mutex m;
    std::condition_variable cv;
    bool ready = false;
    const auto t0 = std::chrono::steady_clock::now();
    std::thread t([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(3));
        {
            std::lock_guard<std::mutex> g(m);
            ready = true;
        }
        cv.notify_one();
    });
    std::unique_lock<std::mutex> l(m);
    const bool timed_out = !cv.wait_for(l, std::chrono::milliseconds(1), [&] { return ready; });
    const auto t1 = std::chrono::steady_clock::now();
    cv.wait(l, [&] { return ready; });
    const auto t2 = std::chrono::steady_clock::now();
    l.unlock();
    t.join();
    using us = std::chrono::microseconds;
    std::printf("wait_for timed out: %s after %lld us; woke at %lld us\n", timed_out ? "yes" : "no",
                static_cast<long long>(std::chrono::duration_cast<us>(t1 - t0).count()),
                static_cast<long long>(std::chrono::duration_cast<us>(t2 - t0).count()));
    return 0;
}

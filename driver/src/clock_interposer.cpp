// librsmsim_clock.so: preloaded by `rsmsim exec` into every node process, so
// that the program's own clock is simulated time (and its threads known to
// the simulation: pthread_create, pthread_join; its locks:
// sync_interposer.cpp). clock_gettime (every clock but the CPU-time ones),
// gettimeofday and time read it; nanosleep, clock_nanosleep, usleep and
// sleep wait in it, and so do poll, ppoll, select, pselect and epoll_wait
// when they may wait (on the node's pollfds, other descriptors, or none).
// A retry loop that sleeps is then deterministic, and a benchmark that
// times itself reports the simulated hardware's latency and bandwidth.
// Outside a simulation every call goes to the C library unchanged.
#include <dlfcn.h>
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

#include "librsm/simulated_poll.h"
#include "remote_bus.h"
#include "sync_interposer.h"

namespace {

template <typename F>
F real(const char* name) {
    return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

bool host_clock(clockid_t c) {
    // CPU time, and CLOCK_MONOTONIC_RAW: the host's own clock stays there, for
    // measuring the simulator itself.
    return c == CLOCK_PROCESS_CPUTIME_ID || c == CLOCK_THREAD_CPUTIME_ID || c == CLOCK_MONOTONIC_RAW || c < 0;
}

bool simulated_timespec(clockid_t c, timespec* ts) {
    uint64_t ns = 0;
    if (host_clock(c) || !rsm::hw::simulated_now_ns(ns)) return false;
    if (c == CLOCK_REALTIME || c == CLOCK_REALTIME_COARSE || c == CLOCK_TAI)
        ns += rsm::hw::kSimulatedEpochS * 1'000'000'000ull;
    ts->tv_sec = static_cast<time_t>(ns / 1'000'000'000ull);
    ts->tv_nsec = static_cast<long>(ns % 1'000'000'000ull);
    return true;
}

// A thread being started: what it runs, and the channel lent to it.
struct Start {
    void* (*start)(void*);
    void* arg;
    rsm::hw::SimulatedThread thread;
    bool lent;
};

void* begin_thread(void* p) {
    const Start s = *static_cast<Start*>(p);
    delete static_cast<Start*>(p);
    if (s.lent) rsm::hw::simulated_thread_begin(s.thread);
    return s.start(s.arg);
}

// The channels of threads not joined yet.
std::mutex g_threads_mu;
std::map<pthread_t, rsm::hw::SimulatedThread> g_threads;

uint64_t to_ns(const timespec& t) {
    return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(t.tv_nsec);
}

}  // namespace

extern "C" {

RSM_EXPORT int clock_gettime(clockid_t c, timespec* ts) {
    if (simulated_timespec(c, ts)) return 0;
    static auto f = real<int (*)(clockid_t, timespec*)>("clock_gettime");
    return f(c, ts);
}

RSM_EXPORT int gettimeofday(struct timeval* tv, void* tz) {
    timespec ts{};
    if (simulated_timespec(CLOCK_REALTIME, &ts)) {
        tv->tv_sec = ts.tv_sec;
        tv->tv_usec = ts.tv_nsec / 1000;
        return 0;
    }
    static auto f = real<int (*)(struct timeval*, void*)>("gettimeofday");
    return f(tv, tz);
}

RSM_EXPORT time_t time(time_t* out) {
    timespec ts{};
    if (simulated_timespec(CLOCK_REALTIME, &ts)) {
        if (out) *out = ts.tv_sec;
        return ts.tv_sec;
    }
    static auto f = real<time_t (*)(time_t*)>("time");
    return f(out);
}

RSM_EXPORT int nanosleep(const timespec* req, timespec* rem) {
    if (req && req->tv_nsec >= 0 && req->tv_nsec < 1'000'000'000 && rsm::hw::simulated_sleep_ns(to_ns(*req))) {
        if (rem) *rem = timespec{0, 0};
        return 0;
    }
    static auto f = real<int (*)(const timespec*, timespec*)>("nanosleep");
    return f(req, rem);
}

RSM_EXPORT int clock_nanosleep(clockid_t c, int flags, const timespec* req, timespec* rem) {
    timespec now{};
    if (req && simulated_timespec(c, &now)) {
        const uint64_t want = to_ns(*req), at = to_ns(now);
        const uint64_t ns = (flags & TIMER_ABSTIME) ? (want > at ? want - at : 0) : want;
        if (ns > 0) rsm::hw::simulated_sleep_ns(ns);
        if (rem && !(flags & TIMER_ABSTIME)) *rem = timespec{0, 0};
        return 0;
    }
    static auto f = real<int (*)(clockid_t, int, const timespec*, timespec*)>("clock_nanosleep");
    return f(c, flags, req, rem);
}

// A wait of poll() in simulated time (librsm's pollfds become readable as
// their events arrive; other descriptors are looked at every 10 us of
// simulated time); true if it went there (then `ready` is poll's result).
// Signal masks (ppoll, pselect, epoll_pwait) are not applied meanwhile.
static bool poll_in_simulation(struct pollfd* fds, nfds_t nfds, int64_t timeout_ns, int& ready) {
    return timeout_ns != 0 && !rsm::hw::in_runtime() && rsm::hw::simulated_process() &&
           rsm::hw::simulated_poll(fds, nfds, timeout_ns, ready);
}

static int poll_ms(struct pollfd* fds, nfds_t nfds, int timeout_ms) {
    int ready = 0;
    if (poll_in_simulation(fds, nfds, timeout_ms < 0 ? -1 : int64_t{timeout_ms} * 1'000'000, ready)) return ready;
    static auto f = real<int (*)(struct pollfd*, nfds_t, int)>("poll");
    return f(fds, nfds, timeout_ms);
}

RSM_EXPORT int poll(struct pollfd* fds, nfds_t nfds, int timeout_ms) { return poll_ms(fds, nfds, timeout_ms); }

// What poll() becomes in a program built with _FORTIFY_SOURCE.
RSM_EXPORT int __poll_chk(struct pollfd* fds, nfds_t nfds, int timeout_ms, size_t) {
    return poll_ms(fds, nfds, timeout_ms);
}

RSM_EXPORT int ppoll(struct pollfd* fds, nfds_t nfds, const timespec* timeout, const sigset_t* mask) {
    const bool valid = !timeout || (timeout->tv_sec >= 0 && timeout->tv_nsec >= 0 && timeout->tv_nsec < 1'000'000'000);
    int ready = 0;
    if (valid && poll_in_simulation(fds, nfds, timeout ? static_cast<int64_t>(to_ns(*timeout)) : -1, ready)) return ready;
    static auto f = real<int (*)(struct pollfd*, nfds_t, const timespec*, const sigset_t*)>("ppoll");
    return f(fds, nfds, timeout, mask);
}

// select() and pselect() that may wait, as a poll() of the same
// descriptors (a sleep when there are none); `timeout_ns` negative: none.
// False: left to the C library (sets it would refuse, no simulation).
static bool select_in_simulation(int nfds, fd_set* rd, fd_set* wr, fd_set* ex, int64_t timeout_ns, int& result) {
    if (nfds < 0 || nfds > FD_SETSIZE) return false;
    auto in = [](const fd_set* s, int fd) { return s && FD_ISSET(fd, s); };
    std::vector<struct pollfd> fds;
    for (int fd = 0; fd < nfds; ++fd) {
        const short events = static_cast<short>((in(rd, fd) ? POLLIN : 0) | (in(wr, fd) ? POLLOUT : 0) |
                                                (in(ex, fd) ? POLLPRI : 0));
        if (events) fds.push_back({fd, events, 0});
    }
    int ready = 0;
    if (!poll_in_simulation(fds.data(), fds.size(), timeout_ns, ready)) return false;
    result = -1;
    if (ready < 0) return true;
    for (fd_set* set : {rd, wr, ex})
        if (set) FD_ZERO(set);
    int count = 0;
    for (const struct pollfd& p : fds) {
        if (p.revents & POLLNVAL) {
            errno = EBADF;
            return true;
        }
        const bool readable = (p.events & POLLIN) && (p.revents & (POLLIN | POLLHUP | POLLERR));
        const bool writable = (p.events & POLLOUT) && (p.revents & (POLLOUT | POLLERR));
        const bool urgent = (p.events & POLLPRI) && (p.revents & POLLPRI);
        if (readable) FD_SET(p.fd, rd);
        if (writable) FD_SET(p.fd, wr);
        if (urgent) FD_SET(p.fd, ex);
        count += readable + writable + urgent;
    }
    result = count;
    return true;
}

RSM_EXPORT int select(int nfds, fd_set* rd, fd_set* wr, fd_set* ex, struct timeval* timeout) {
    const bool valid = !timeout || (timeout->tv_sec >= 0 && timeout->tv_usec >= 0);
    const int64_t ns = timeout ? (int64_t{timeout->tv_sec} * 1'000'000 + timeout->tv_usec) * 1000 : -1;
    int result = 0;
    if (valid && select_in_simulation(nfds, rd, wr, ex, ns, result)) {
        if (timeout && result == 0) *timeout = timeval{0, 0};   // Linux leaves the time not slept
        return result;
    }
    static auto f = real<int (*)(int, fd_set*, fd_set*, fd_set*, struct timeval*)>("select");
    return f(nfds, rd, wr, ex, timeout);
}

// The signal mask is not applied while the wait is simulated.
RSM_EXPORT int pselect(int nfds, fd_set* rd, fd_set* wr, fd_set* ex, const timespec* timeout, const sigset_t* mask) {
    const bool valid = !timeout || (timeout->tv_sec >= 0 && timeout->tv_nsec >= 0 && timeout->tv_nsec < 1'000'000'000);
    int result = 0;
    if (valid && select_in_simulation(nfds, rd, wr, ex, timeout ? static_cast<int64_t>(to_ns(*timeout)) : -1, result))
        return result;
    static auto f = real<int (*)(int, fd_set*, fd_set*, fd_set*, const timespec*, const sigset_t*)>("pselect");
    return f(nfds, rd, wr, ex, timeout, mask);
}

// epoll_wait() that may wait: on the epoll descriptor itself (readable
// while one of its set is ready), in simulated time, then the C library's
// with no wait.
static int epoll_in_simulation(int epfd, struct epoll_event* events, int max, int timeout_ms, const sigset_t* mask,
                               bool with_mask) {
    static auto wait = real<int (*)(int, struct epoll_event*, int, int)>("epoll_wait");
    static auto pwait = real<int (*)(int, struct epoll_event*, int, int, const sigset_t*)>("epoll_pwait");
    auto now = [&](int ms) { return with_mask ? pwait(epfd, events, max, ms, mask) : wait(epfd, events, max, ms); };
    struct pollfd p = {epfd, POLLIN, 0};
    for (;;) {
        int ready = 0;
        if (!poll_in_simulation(&p, 1, timeout_ms < 0 ? -1 : int64_t{timeout_ms} * 1'000'000, ready))
            return now(timeout_ms);
        if (ready <= 0) return ready;
        const int n = now(0);
        if (n != 0 || timeout_ms >= 0) return n;   // a waiter with no limit waits on (another took the event)
    }
}

RSM_EXPORT int epoll_wait(int epfd, struct epoll_event* events, int max, int timeout_ms) {
    return epoll_in_simulation(epfd, events, max, timeout_ms, nullptr, false);
}

RSM_EXPORT int epoll_pwait(int epfd, struct epoll_event* events, int max, int timeout_ms, const sigset_t* mask) {
    return epoll_in_simulation(epfd, events, max, timeout_ms, mask, true);
}

RSM_EXPORT int usleep(useconds_t us) {
    if (rsm::hw::simulated_sleep_ns(uint64_t{us} * 1000)) return 0;
    static auto f = real<int (*)(useconds_t)>("usleep");
    return f(us);
}

// Not the clock, but this library is what every node process preloads:
// each thread the program starts gets a channel of its own to the
// simulation before it runs (so simulated time waits for it too), gives it
// back when it ends, and a join waits for that end in simulated time.
RSM_EXPORT int pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*start)(void*), void* arg) {
    static auto f = real<int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*)>("pthread_create");
    rsm::hw::simulated_threads_starting();
    rsm::hw::program_sync_started();
    auto* s = new Start{start, arg, {}, false};
    s->lent = rsm::hw::simulated_thread_spawn(s->thread);
    const Start copy = *s;
    const int rc = f(thread, attr, begin_thread, s);
    if (rc != 0) {
        if (copy.lent) rsm::hw::simulated_thread_abandon(copy.thread);
        delete s;
        return rc;
    }
    if (copy.lent) {
        rsm::hw::RuntimeScope in;   // the map's lock is ours, not the program's
        std::lock_guard<std::mutex> g(g_threads_mu);
        g_threads[*thread] = copy.thread;
    }
    return 0;
}

RSM_EXPORT int pthread_join(pthread_t thread, void** result) {
    static auto f = real<int (*)(pthread_t, void**)>("pthread_join");
    rsm::hw::SimulatedThread t;
    bool lent = false;
    {
        rsm::hw::RuntimeScope in;
        std::lock_guard<std::mutex> g(g_threads_mu);
        auto it = g_threads.find(thread);
        if (it != g_threads.end()) {
            t = it->second;
            lent = true;
            g_threads.erase(it);
        }
    }
    if (lent) rsm::hw::simulated_thread_join(t);
    return f(thread, result);
}

RSM_EXPORT unsigned int sleep(unsigned int s) {
    if (rsm::hw::simulated_sleep_ns(uint64_t{s} * 1'000'000'000ull)) return 0;
    static auto f = real<unsigned int (*)(unsigned int)>("sleep");
    return f(s);
}

}  // extern "C"

// The program's mutexes and condition variables in a node process (part of
// librsmsim_clock.so, which `rsmsim exec` preloads), and the barriers,
// semaphores and read-write locks built on them here. Once the process has
// threads, the simulator keeps them (remote_bus.h): a thread that waits for
// a mutex or a signal is then in a call, so simulated time runs for the
// thread that holds the mutex (a thread blocked in the process would hold
// it still), and which thread gets a mutex first is the simulation's fixed
// order. Each thread keeps the mutexes it holds here (owner, nesting, the
// mutex's type); the simulator sees only the outermost lock and unlock.
//
// Left to the C library: mutexes that are process-shared, robust or have a
// priority protocol, process-shared condition variables, librsm's own
// locks (in_runtime), and everything outside a simulation. Before the
// first thread starts, the one thread uses the real mutexes; the ones it
// holds then pass to the simulator at that start.
#include <dlfcn.h>
#include <pthread.h>
#include <semaphore.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "remote_bus.h"
#include "rsm/remote.h"
#include "sync_interposer.h"

namespace {

using rsm::hw::WakeUp;
using rsm::remote::kNoDeadline;

constexpr uint64_t kEpochNs = rsm::hw::kSimulatedEpochS * 1'000'000'000ull;

template <typename F>
F next(const char* name) {
    return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}
// Condition variables have two versions in glibc; dlsym would find the old one.
template <typename F>
F next_cond(const char* name) {
    if (void* f = dlvsym(RTLD_NEXT, name, "GLIBC_2.3.2")) return reinterpret_cast<F>(f);
    return next<F>(name);
}

struct Real {
    int (*lock)(pthread_mutex_t*) = next<decltype(lock)>("pthread_mutex_lock");
    int (*trylock)(pthread_mutex_t*) = next<decltype(trylock)>("pthread_mutex_trylock");
    int (*clocklock)(pthread_mutex_t*, clockid_t, const timespec*) =
        next<decltype(clocklock)>("pthread_mutex_clocklock");
    int (*unlock)(pthread_mutex_t*) = next<decltype(unlock)>("pthread_mutex_unlock");
    int (*wait)(pthread_cond_t*, pthread_mutex_t*) = next_cond<decltype(wait)>("pthread_cond_wait");
    int (*timedwait)(pthread_cond_t*, pthread_mutex_t*, const timespec*) =
        next_cond<decltype(timedwait)>("pthread_cond_timedwait");
    int (*clockwait)(pthread_cond_t*, pthread_mutex_t*, clockid_t, const timespec*) =
        next<decltype(clockwait)>("pthread_cond_clockwait");
    int (*signal)(pthread_cond_t*) = next_cond<decltype(signal)>("pthread_cond_signal");
    int (*broadcast)(pthread_cond_t*) = next_cond<decltype(broadcast)>("pthread_cond_broadcast");
    int (*barrier_init)(pthread_barrier_t*, const pthread_barrierattr_t*, unsigned) =
        next<decltype(barrier_init)>("pthread_barrier_init");
    int (*barrier_wait)(pthread_barrier_t*) = next<decltype(barrier_wait)>("pthread_barrier_wait");
    int (*barrier_destroy)(pthread_barrier_t*) = next<decltype(barrier_destroy)>("pthread_barrier_destroy");
    int (*sem_init)(sem_t*, int, unsigned) = next<decltype(sem_init)>("sem_init");
    int (*sem_wait)(sem_t*) = next<decltype(sem_wait)>("sem_wait");
    int (*sem_trywait)(sem_t*) = next<decltype(sem_trywait)>("sem_trywait");
    int (*sem_timedwait)(sem_t*, const timespec*) = next<decltype(sem_timedwait)>("sem_timedwait");
    int (*sem_clockwait)(sem_t*, clockid_t, const timespec*) = next<decltype(sem_clockwait)>("sem_clockwait");
    int (*sem_post)(sem_t*) = next<decltype(sem_post)>("sem_post");
    int (*sem_getvalue)(sem_t*, int*) = next<decltype(sem_getvalue)>("sem_getvalue");
    int (*sem_destroy)(sem_t*) = next<decltype(sem_destroy)>("sem_destroy");
    int (*rw_rdlock)(pthread_rwlock_t*) = next<decltype(rw_rdlock)>("pthread_rwlock_rdlock");
    int (*rw_wrlock)(pthread_rwlock_t*) = next<decltype(rw_wrlock)>("pthread_rwlock_wrlock");
    int (*rw_tryrdlock)(pthread_rwlock_t*) = next<decltype(rw_tryrdlock)>("pthread_rwlock_tryrdlock");
    int (*rw_trywrlock)(pthread_rwlock_t*) = next<decltype(rw_trywrlock)>("pthread_rwlock_trywrlock");
    int (*rw_clockrdlock)(pthread_rwlock_t*, clockid_t, const timespec*) =
        next<decltype(rw_clockrdlock)>("pthread_rwlock_clockrdlock");
    int (*rw_clockwrlock)(pthread_rwlock_t*, clockid_t, const timespec*) =
        next<decltype(rw_clockwrlock)>("pthread_rwlock_clockwrlock");
    int (*rw_unlock)(pthread_rwlock_t*) = next<decltype(rw_unlock)>("pthread_rwlock_unlock");
    int (*rw_init)(pthread_rwlock_t*, const pthread_rwlockattr_t*) = next<decltype(rw_init)>("pthread_rwlock_init");
    int (*rw_destroy)(pthread_rwlock_t*) = next<decltype(rw_destroy)>("pthread_rwlock_destroy");
};
const Real& real() {
    static const Real r;
    return r;
}

// glibc keeps a mutex's type in its low two bits of __kind (normal,
// recursive, errorcheck, adaptive) and the other attributes above them;
// a condition variable's clock and sharing in __wrefs.
int type_of(const pthread_mutex_t* m) { return m->__data.__kind & 3; }
bool plain(const pthread_mutex_t* m) { return (m->__data.__kind & ~3) == 0; }
bool shared(const pthread_cond_t* c) { return (c->__data.__wrefs & 1) != 0; }
clockid_t clock_of(const pthread_cond_t* c) { return (c->__data.__wrefs & 2) ? CLOCK_MONOTONIC : CLOCK_REALTIME; }

enum class Route {
    Real,        // the C library's
    Alone,       // the C library's, remembered: the process has one thread so far
    Simulated,   // the simulator's
};
Route route(const pthread_mutex_t* m) {
    if (!m || rsm::hw::in_runtime() || !rsm::hw::simulated_process() || !plain(m)) return Route::Real;
    return rsm::hw::simulated_sync_active() ? Route::Simulated : Route::Alone;
}

// The mutexes the calling thread holds, with their nesting; `real`: taken
// from the C library while the process had one thread.
struct Held {
    const pthread_mutex_t* m;
    unsigned depth;
    bool real;
};
thread_local std::vector<Held> t_held;

Held* held(const pthread_mutex_t* m) {
    for (Held& h : t_held)
        if (h.m == m) return &h;
    return nullptr;
}
void forget(const pthread_mutex_t* m) {
    t_held.erase(std::find_if(t_held.begin(), t_held.end(), [m](const Held& h) { return h.m == m; }));
}
void note_real(const pthread_mutex_t* m) {
    if (Held* h = held(m)) ++h->depth;
    else t_held.push_back({m, 1, true});
}
// A lock the C library's call `rc` took while the process has one thread.
int noted(const pthread_mutex_t* m, int rc) {
    if (rc == 0) note_real(m);
    return rc;
}

uint64_t to_ns(const timespec& t) {
    return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(t.tv_nsec);
}
bool valid(const timespec* t) { return t && t->tv_nsec >= 0 && t->tv_nsec < 1'000'000'000 && t->tv_sec >= 0; }
// An absolute time on `clock` as simulated ns (the clocks the interposed
// clock_gettime reports: the realtime ones start at kEpochNs).
uint64_t deadline_of(clockid_t clock, const timespec& abstime) {
    const uint64_t ns = to_ns(abstime);
    if (clock != CLOCK_REALTIME && clock != CLOCK_TAI) return ns;
    return ns > kEpochNs ? ns - kEpochNs : 0;
}

// An absolute time on an explicitly named clock (the *clock* forms): false
// for a time or clock the call refuses (EINVAL).
bool clock_deadline(clockid_t clock, const timespec* abstime, uint64_t& deadline) {
    if (!valid(abstime) || (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)) return false;
    deadline = deadline_of(clock, *abstime);
    return true;
}

// Takes `m` from the simulator by `deadline` (0: only if free now).
int simulated_lock(pthread_mutex_t* m, uint64_t deadline) {
    if (Held* h = held(m)) {
        if (h->real) return real().lock(m);   // a thread the start of threads did not see
        if (type_of(m) == PTHREAD_MUTEX_RECURSIVE) {
            ++h->depth;
            return 0;
        }
        if (type_of(m) == PTHREAD_MUTEX_ERRORCHECK) return EDEADLK;
        if (deadline == 0) return EBUSY;
        // A plain mutex locked again by its holder: the simulator waits for ever (a deadlock, reported).
    }
    if (!rsm::hw::simulated_lock(m, deadline)) return deadline == 0 ? EBUSY : ETIMEDOUT;
    t_held.push_back({m, 1, false});
    return 0;
}

int timed_lock(pthread_mutex_t* m, clockid_t clock, const timespec* abstime) {
    switch (route(m)) {
    case Route::Simulated:
        if (!valid(abstime)) return EINVAL;
        return simulated_lock(m, std::max<uint64_t>(deadline_of(clock, *abstime), 1));
    case Route::Alone: return noted(m, real().clocklock(m, clock, abstime));
    case Route::Real: break;
    }
    return real().clocklock(m, clock, abstime);
}

// The wait of every pthread_cond_*wait, `deadline` in simulated ns.
int simulated_wait(pthread_cond_t* c, pthread_mutex_t* m, uint64_t deadline) {
    if (!rsm::hw::simulated_sync_active()) {
        // The only thread: nobody can signal; the mutex stays the C library's.
        return rsm::hw::simulated_cond_wait(c, nullptr, deadline) == WakeUp::TimedOut ? ETIMEDOUT : 0;
    }
    Held* h = held(m);
    if (!h) return EPERM;
    const unsigned depth = h->depth;
    forget(m);
    const WakeUp w = rsm::hw::simulated_cond_wait(c, m, deadline);
    (void)rsm::hw::simulated_lock(m, kNoDeadline);
    t_held.push_back({m, depth, false});
    return w == WakeUp::TimedOut ? ETIMEDOUT : 0;
}

bool simulated_cond(const pthread_cond_t* c, const pthread_mutex_t* m) {
    if (!c || route(m) == Route::Real || shared(c)) return false;
    const Held* h = held(m);
    return !(h && h->real && rsm::hw::simulated_sync_active());
}

// Barriers, semaphores and read-write locks (not process-shared) are counters kept here,
// behind a mutex and a condition variable of the simulator's whose keys
// are the object's address and the next byte's (no pthread object can sit
// there): the waits are calls, in the simulation's order. Objects set up
// outside a simulation, or shared between processes, stay the C library's.
struct Counter {
    unsigned value;        // a semaphore's count; a barrier's arrivals so far; a read-write lock's readers
    unsigned target;       // a barrier's count (0: a semaphore)
    unsigned generation;   // a barrier's rounds
    bool writer;           // a read-write lock's writer holds it
};
pthread_mutex_t g_counters_mu = PTHREAD_MUTEX_INITIALIZER;   // the map only (the C library's)
std::unordered_map<const void*, Counter>& counters() {
    static auto* m = new std::unordered_map<const void*, Counter>;   // lives past exit (threads may still wait)
    return *m;
}
// The counter of `object`, or nullptr: the C library's object.
Counter* counter_of(const void* object) {
    if (rsm::hw::in_runtime() || !rsm::hw::simulated_process()) return nullptr;
    real().lock(&g_counters_mu);
    auto it = counters().find(object);
    Counter* c = it == counters().end() ? nullptr : &it->second;
    real().unlock(&g_counters_mu);
    return c;
}
// A read-write lock's, made at its first use (PTHREAD_RWLOCK_INITIALIZER
// calls nothing); nullptr: the C library's.
Counter* rwlock_counter(const pthread_rwlock_t* rw) {
    if (rsm::hw::in_runtime() || !rsm::hw::simulated_process() || rw->__data.__shared) return nullptr;
    real().lock(&g_counters_mu);
    Counter* c = &counters().try_emplace(rw, Counter{0, 0, 0, false}).first->second;
    real().unlock(&g_counters_mu);
    return c;
}
void keep_counter(const void* object, Counter c) {
    if (!rsm::hw::simulated_process()) return;
    real().lock(&g_counters_mu);
    counters()[object] = c;
    real().unlock(&g_counters_mu);
}
void drop_counter(const void* object) {
    real().lock(&g_counters_mu);
    counters().erase(object);
    real().unlock(&g_counters_mu);
}

// A counter's condition variable (see above).
const void* cond_key(const void* object) { return static_cast<const char*>(object) + 1; }

// Waits on `object`'s condition until `ready()`, holding its lock between
// looks; false at the deadline.
template <typename Ready>
bool wait_counter(const void* object, uint64_t deadline, Ready ready) {
    while (!ready()) {
        const WakeUp w = rsm::hw::simulated_cond_wait(cond_key(object), object, deadline);
        (void)rsm::hw::simulated_lock(object, kNoDeadline);
        if (w == WakeUp::TimedOut && !ready()) return false;
    }
    return true;
}

// A semaphore's wait: 0, or the errno for -1.
int semaphore_wait(Counter& c, const void* s, uint64_t deadline) {
    if (!rsm::hw::simulated_sync_active()) {
        // The only thread: nobody can post.
        if (c.value > 0) return --c.value, 0;
        if (deadline == 0) return EAGAIN;
        return rsm::hw::simulated_cond_wait(cond_key(s), nullptr, deadline) == WakeUp::TimedOut ? ETIMEDOUT : EINTR;
    }
    (void)rsm::hw::simulated_lock(s, kNoDeadline);
    const bool got = deadline != 0 && wait_counter(s, deadline, [&] { return c.value > 0; });
    const int rc = (got || c.value > 0) ? (--c.value, 0) : (deadline == 0 ? EAGAIN : ETIMEDOUT);
    rsm::hw::simulated_unlock(s);
    return rc;
}

// A read-write lock taken to read or write by `deadline` (0: only if free
// now): 0, or the error. Readers go first (glibc's default).
int rwlock_take(Counter& c, const void* rw, bool write, uint64_t deadline) {
    auto free = [&] { return !c.writer && (!write || c.value == 0); };
    auto take = [&] { write ? void(c.writer = true) : void(++c.value); };
    if (!rsm::hw::simulated_sync_active()) {
        if (free()) return take(), 0;
        if (deadline == 0) return EBUSY;
        // The only thread holds it: nobody can let it go.
        (void)rsm::hw::simulated_cond_wait(cond_key(rw), nullptr, deadline);
        return ETIMEDOUT;
    }
    (void)rsm::hw::simulated_lock(rw, kNoDeadline);
    const bool got = free() || (deadline != 0 && wait_counter(rw, deadline, free));
    if (got) take();
    rsm::hw::simulated_unlock(rw);
    return got ? 0 : deadline == 0 ? EBUSY : ETIMEDOUT;
}

int rwlock_release(Counter& c, const void* rw) {
    const bool threads = rsm::hw::simulated_sync_active();
    if (threads) (void)rsm::hw::simulated_lock(rw, kNoDeadline);
    int rc = 0;
    if (c.writer) c.writer = false;
    else if (c.value > 0) --c.value;
    else rc = EPERM;
    if (threads) {
        rsm::hw::simulated_cond_signal(cond_key(rw), true);
        rsm::hw::simulated_unlock(rw);
    }
    return rc;
}

int timed_rwlock(pthread_rwlock_t* rw, bool write, clockid_t clock, const timespec* abstime) {
    Counter* c = rwlock_counter(rw);
    if (!c) return write ? real().rw_clockwrlock(rw, clock, abstime) : real().rw_clockrdlock(rw, clock, abstime);
    uint64_t deadline = 0;
    if (!clock_deadline(clock, abstime, deadline)) return EINVAL;
    return rwlock_take(*c, rw, write, std::max<uint64_t>(deadline, 1));
}

int fail_with(int err) {
    if (err == 0) return 0;
    errno = err;
    return -1;
}

}  // namespace

namespace rsm::hw {

void program_sync_started() {
    if (!simulated_sync_active()) return;
    for (Held& h : t_held) {
        if (!h.real) continue;
        auto* m = const_cast<pthread_mutex_t*>(h.m);
        for (unsigned i = 0; i < h.depth; ++i) (void)real().unlock(m);
        (void)simulated_lock(m, kNoDeadline);
        h.real = false;
    }
}

}  // namespace rsm::hw

extern "C" {

RSM_EXPORT int pthread_mutex_lock(pthread_mutex_t* m) {
    switch (route(m)) {
    case Route::Simulated: return simulated_lock(m, kNoDeadline);
    case Route::Alone: return noted(m, real().lock(m));
    case Route::Real: break;
    }
    return real().lock(m);
}

RSM_EXPORT int pthread_mutex_trylock(pthread_mutex_t* m) {
    switch (route(m)) {
    case Route::Simulated: return simulated_lock(m, 0);
    case Route::Alone: return noted(m, real().trylock(m));
    case Route::Real: break;
    }
    return real().trylock(m);
}

RSM_EXPORT int pthread_mutex_timedlock(pthread_mutex_t* m, const timespec* abstime) {
    return timed_lock(m, CLOCK_REALTIME, abstime);
}

RSM_EXPORT int pthread_mutex_clocklock(pthread_mutex_t* m, clockid_t clock, const timespec* abstime) {
    return timed_lock(m, clock, abstime);
}

RSM_EXPORT int pthread_mutex_unlock(pthread_mutex_t* m) {
    Held* h = route(m) == Route::Real ? nullptr : held(m);
    if (!h) return real().unlock(m);   // not this thread's in our books: the C library answers
    if (h->real) {
        const int rc = real().unlock(m);
        if (rc == 0 && --h->depth == 0) forget(m);
        return rc;
    }
    if (--h->depth > 0) return 0;
    forget(m);
    rsm::hw::simulated_unlock(m);
    return 0;
}

RSM_EXPORT int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
    if (!simulated_cond(c, m)) return real().wait(c, m);
    return simulated_wait(c, m, kNoDeadline);
}

RSM_EXPORT int pthread_cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m, const timespec* abstime) {
    if (!simulated_cond(c, m)) return real().timedwait(c, m, abstime);
    if (!valid(abstime)) return EINVAL;
    return simulated_wait(c, m, deadline_of(clock_of(c), *abstime));
}

RSM_EXPORT int pthread_cond_clockwait(pthread_cond_t* c, pthread_mutex_t* m, clockid_t clock,
                                      const timespec* abstime) {
    if (!simulated_cond(c, m)) return real().clockwait(c, m, clock, abstime);
    uint64_t deadline = 0;
    if (!clock_deadline(clock, abstime, deadline)) return EINVAL;
    return simulated_wait(c, m, deadline);
}

RSM_EXPORT int pthread_cond_signal(pthread_cond_t* c) {
    if (!shared(c) && !rsm::hw::in_runtime() && rsm::hw::simulated_sync_active())
        rsm::hw::simulated_cond_signal(c, false);
    return real().signal(c);
}

RSM_EXPORT int pthread_cond_broadcast(pthread_cond_t* c) {
    if (!shared(c) && !rsm::hw::in_runtime() && rsm::hw::simulated_sync_active())
        rsm::hw::simulated_cond_signal(c, true);
    return real().broadcast(c);
}

}  // extern "C"

extern "C" {

RSM_EXPORT int pthread_barrier_init(pthread_barrier_t* b, const pthread_barrierattr_t* attr, unsigned count) {
    const int rc = real().barrier_init(b, attr, count);
    int shared = PTHREAD_PROCESS_PRIVATE;
    if (attr) (void)pthread_barrierattr_getpshared(attr, &shared);
    if (rc == 0 && shared == PTHREAD_PROCESS_PRIVATE) keep_counter(b, {0, count, 0, false});
    return rc;
}

RSM_EXPORT int pthread_barrier_wait(pthread_barrier_t* b) {
    Counter* c = counter_of(b);
    if (!c) return real().barrier_wait(b);
    if (!rsm::hw::simulated_sync_active()) {
        // The only thread: a barrier of one lets it pass; any other never opens.
        if (c->target == 1) return PTHREAD_BARRIER_SERIAL_THREAD;
        (void)rsm::hw::simulated_cond_wait(cond_key(b), nullptr, kNoDeadline);
        return 0;
    }
    (void)rsm::hw::simulated_lock(b, kNoDeadline);
    int rc = 0;
    if (++c->value == c->target) {
        c->value = 0;
        ++c->generation;
        rsm::hw::simulated_cond_signal(cond_key(b), true);
        rc = PTHREAD_BARRIER_SERIAL_THREAD;
    } else {
        const unsigned round = c->generation;
        (void)wait_counter(b, kNoDeadline, [&] { return c->generation != round; });
    }
    rsm::hw::simulated_unlock(b);
    return rc;
}

RSM_EXPORT int pthread_barrier_destroy(pthread_barrier_t* b) {
    drop_counter(b);
    return real().barrier_destroy(b);
}

RSM_EXPORT int sem_init(sem_t* s, int shared, unsigned value) {
    const int rc = real().sem_init(s, shared, value);
    if (rc == 0 && !shared) keep_counter(s, {value, 0, 0, false});
    return rc;
}

RSM_EXPORT int sem_wait(sem_t* s) {
    Counter* c = counter_of(s);
    return c ? fail_with(semaphore_wait(*c, s, kNoDeadline)) : real().sem_wait(s);
}

RSM_EXPORT int sem_trywait(sem_t* s) {
    Counter* c = counter_of(s);
    return c ? fail_with(semaphore_wait(*c, s, 0)) : real().sem_trywait(s);
}

RSM_EXPORT int sem_timedwait(sem_t* s, const timespec* abstime) {
    Counter* c = counter_of(s);
    if (!c) return real().sem_timedwait(s, abstime);
    if (!valid(abstime)) return fail_with(EINVAL);
    return fail_with(semaphore_wait(*c, s, std::max<uint64_t>(deadline_of(CLOCK_REALTIME, *abstime), 1)));
}

RSM_EXPORT int sem_clockwait(sem_t* s, clockid_t clock, const timespec* abstime) {
    Counter* c = counter_of(s);
    if (!c) return real().sem_clockwait(s, clock, abstime);
    uint64_t deadline = 0;
    if (!clock_deadline(clock, abstime, deadline)) return fail_with(EINVAL);
    return fail_with(semaphore_wait(*c, s, std::max<uint64_t>(deadline, 1)));
}

RSM_EXPORT int sem_post(sem_t* s) {
    Counter* c = counter_of(s);
    if (!c) return real().sem_post(s);
    if (!rsm::hw::simulated_sync_active()) {
        ++c->value;
        return 0;
    }
    (void)rsm::hw::simulated_lock(s, kNoDeadline);
    ++c->value;
    rsm::hw::simulated_cond_signal(cond_key(s), false);
    rsm::hw::simulated_unlock(s);
    return 0;
}

RSM_EXPORT int sem_getvalue(sem_t* s, int* value) {
    Counter* c = counter_of(s);
    if (!c) return real().sem_getvalue(s, value);
    *value = static_cast<int>(c->value);
    return 0;
}

RSM_EXPORT int sem_destroy(sem_t* s) {
    drop_counter(s);
    return real().sem_destroy(s);
}

}  // extern "C"

extern "C" {

// A lock set up again (memory used anew) starts afresh.
RSM_EXPORT int pthread_rwlock_init(pthread_rwlock_t* rw, const pthread_rwlockattr_t* attr) {
    drop_counter(rw);
    return real().rw_init(rw, attr);
}

RSM_EXPORT int pthread_rwlock_rdlock(pthread_rwlock_t* rw) {
    Counter* c = rwlock_counter(rw);
    return c ? rwlock_take(*c, rw, false, kNoDeadline) : real().rw_rdlock(rw);
}

RSM_EXPORT int pthread_rwlock_wrlock(pthread_rwlock_t* rw) {
    Counter* c = rwlock_counter(rw);
    return c ? rwlock_take(*c, rw, true, kNoDeadline) : real().rw_wrlock(rw);
}

RSM_EXPORT int pthread_rwlock_tryrdlock(pthread_rwlock_t* rw) {
    Counter* c = rwlock_counter(rw);
    return c ? rwlock_take(*c, rw, false, 0) : real().rw_tryrdlock(rw);
}

RSM_EXPORT int pthread_rwlock_trywrlock(pthread_rwlock_t* rw) {
    Counter* c = rwlock_counter(rw);
    return c ? rwlock_take(*c, rw, true, 0) : real().rw_trywrlock(rw);
}

RSM_EXPORT int pthread_rwlock_timedrdlock(pthread_rwlock_t* rw, const timespec* abstime) {
    return timed_rwlock(rw, false, CLOCK_REALTIME, abstime);
}

RSM_EXPORT int pthread_rwlock_timedwrlock(pthread_rwlock_t* rw, const timespec* abstime) {
    return timed_rwlock(rw, true, CLOCK_REALTIME, abstime);
}

RSM_EXPORT int pthread_rwlock_clockrdlock(pthread_rwlock_t* rw, clockid_t clock, const timespec* abstime) {
    return timed_rwlock(rw, false, clock, abstime);
}

RSM_EXPORT int pthread_rwlock_clockwrlock(pthread_rwlock_t* rw, clockid_t clock, const timespec* abstime) {
    return timed_rwlock(rw, true, clock, abstime);
}

RSM_EXPORT int pthread_rwlock_unlock(pthread_rwlock_t* rw) {
    Counter* c = rwlock_counter(rw);
    return c ? rwlock_release(*c, rw) : real().rw_unlock(rw);
}

RSM_EXPORT int pthread_rwlock_destroy(pthread_rwlock_t* rw) {
    drop_counter(rw);
    return real().rw_destroy(rw);
}

}  // extern "C"

/* sync.c - a threaded node program's own mutexes and condition variables
 * under rsmsim exec: a mutex held across rsmapi calls and a sleep while
 * another thread waits for it, a condition variable signalled after a
 * sleep, timed waits on both clocks, the mutex types' rules, threads
 * that contend for one mutex (the order they get it must be the same every
 * run), a barrier, a semaphore and a read-write lock. Prints what it saw, in simulated microseconds, and "sync: PASS". */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <time.h>

#include <rsmapi.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ready;
static long long t_locked, t_woke;
static int failures;

static long long now_us(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return t.tv_sec * 1000000LL + t.tv_nsec / 1000;
}

static void expect(const char *what, int ok) {
    printf("%s: %s\n", what, ok ? "yes" : "NO");
    failures += !ok;
}

static void sleep_us(long us) {
    const struct timespec p = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&p, NULL);
}

static void *locker(void *arg) {
    (void)arg;
    pthread_mutex_lock(&mu);
    t_locked = now_us(CLOCK_MONOTONIC);
    pthread_mutex_unlock(&mu);
    return NULL;
}

static void *waiter(void *arg) {
    (void)arg;
    pthread_mutex_lock(&mu);
    while (!ready) pthread_cond_wait(&cv, &mu);
    t_woke = now_us(CLOCK_MONOTONIC);
    pthread_mutex_unlock(&mu);
    return NULL;
}

/* Holds `mu` across rsmapi calls (register traffic in simulated time) and a sleep. */
static long long hold_across_calls(rsmapi_controller_handle_t c, void *mem) {
    rsm_memseg_export_handle_t ex;
    rsm_memseg_id_t id = 0x5100aa;
    if (rsm_memseg_export_create(c, &ex, mem, 8192, 0) || rsm_memseg_export_publish(ex, &id, NULL, 0) ||
        rsm_memseg_export_destroy(ex))
        ++failures;
    sleep_us(5000);
    return now_us(CLOCK_MONOTONIC);
}

static pthread_mutex_t checked;
static void *other_thread_checks(void *arg) {
    int *rc = arg;
    rc[0] = pthread_mutex_unlock(&checked);
    rc[1] = pthread_mutex_trylock(&checked);
    return NULL;
}

enum { kContenders = 4, kRounds = 25 };
static int order[kContenders * kRounds], taken, counter;
static void *contender(void *arg) {
    const int me = (int)(long)arg;
    for (int i = 0; i < kRounds; ++i) {
        pthread_mutex_lock(&mu);
        order[taken++] = me;
        const int seen = counter;
        sleep_us(1 + me); /* inside: anyone else who wants it waits */
        counter = seen + 1;
        pthread_mutex_unlock(&mu);
    }
    return NULL;
}

enum { kBarrierThreads = 3 };
static pthread_barrier_t barrier;
static long long passed_at[kBarrierThreads + 1];
static int serial[kBarrierThreads + 1];
static void *at_barrier(void *arg) {
    const int me = (int)(long)arg;
    sleep_us(1000L * me);
    serial[me] = pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD;
    passed_at[me] = now_us(CLOCK_MONOTONIC);
    return NULL;
}

static sem_t sem;
static void *post_later(void *arg) {
    (void)arg;
    sleep_us(2000);
    sem_post(&sem);
    return NULL;
}

static void barrier_and_semaphore(void) {
    pthread_t ts[kBarrierThreads];
    pthread_barrier_init(&barrier, NULL, kBarrierThreads + 1);
    const long long start = now_us(CLOCK_MONOTONIC);
    for (long i = 1; i <= kBarrierThreads; ++i) pthread_create(&ts[i - 1], NULL, at_barrier, (void *)i);
    at_barrier(NULL);
    for (int i = 0; i < kBarrierThreads; ++i) pthread_join(ts[i], NULL);
    int together = 1, serials = 0;
    for (int i = 0; i <= kBarrierThreads; ++i) {
        together = together && passed_at[i] == start + 1000 * kBarrierThreads;
        serials += serial[i];
    }
    expect("a barrier of 4 opens when the last thread arrives (3000 us), for all at once, one of them the serial thread",
           together && serials == 1);
    pthread_barrier_destroy(&barrier);

    sem_init(&sem, 0, 0);
    int value = -1;
    expect("a semaphore at 0: trywait fails with EAGAIN", sem_trywait(&sem) == -1 && errno == EAGAIN);
    struct timespec abs;
    clock_gettime(CLOCK_REALTIME, &abs);
    abs.tv_nsec += 1000000;
    if (abs.tv_nsec >= 1000000000) abs.tv_sec += 1, abs.tv_nsec -= 1000000000;
    long long t0 = now_us(CLOCK_MONOTONIC);
    expect("its timed wait fails with ETIMEDOUT after 1000 us",
           sem_timedwait(&sem, &abs) == -1 && errno == ETIMEDOUT && now_us(CLOCK_MONOTONIC) - t0 == 1000);
    pthread_t t;
    pthread_create(&t, NULL, post_later, NULL);
    t0 = now_us(CLOCK_MONOTONIC);
    const int rc = sem_wait(&sem);
    const long long waited = now_us(CLOCK_MONOTONIC) - t0;
    pthread_join(t, NULL);
    sem_post(&sem);
    sem_getvalue(&sem, &value);
    expect("a wait ends at another thread's post 2000 us later; a post then counts 1", rc == 0 && waited == 2000 && value == 1);
    sem_destroy(&sem);
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long long read_at[2];
static void *reader(void *arg) {
    const int me = (int)(long)arg;
    pthread_rwlock_rdlock(&rw);
    read_at[me] = now_us(CLOCK_MONOTONIC);
    sleep_us(500); /* both read at once */
    pthread_rwlock_unlock(&rw);
    return NULL;
}

static void read_write_lock(void) {
    pthread_t ts[2];
    pthread_rwlock_wrlock(&rw);
    for (long i = 0; i < 2; ++i) pthread_create(&ts[i], NULL, reader, (void *)i);
    sleep_us(1000);
    expect("a read-write lock a writer holds: tryrdlock EBUSY", pthread_rwlock_tryrdlock(&rw) == EBUSY);
    const long long released = now_us(CLOCK_MONOTONIC);
    pthread_rwlock_unlock(&rw);
    sleep_us(100);
    expect("readers hold it together: trywrlock EBUSY", pthread_rwlock_trywrlock(&rw) == EBUSY);
    struct timespec abs;
    clock_gettime(CLOCK_REALTIME, &abs);
    abs.tv_nsec += 200000;
    if (abs.tv_nsec >= 1000000000) abs.tv_sec += 1, abs.tv_nsec -= 1000000000;
    expect("a timed write lock meanwhile: ETIMEDOUT", pthread_rwlock_timedwrlock(&rw, &abs) == ETIMEDOUT);
    pthread_rwlock_wrlock(&rw);
    const long long written = now_us(CLOCK_MONOTONIC);
    pthread_rwlock_unlock(&rw);
    for (int i = 0; i < 2; ++i) pthread_join(ts[i], NULL);
    printf("writer let go at %lld us; readers in at %lld and %lld us; the writer again at %lld us\n", released,
           read_at[0], read_at[1], written);
    expect("both readers got it when the writer let go, the next writer when they had both let go",
           read_at[0] == released && read_at[1] == released && written == released + 500);
}

int main(void) {
    static char mem[8192] __attribute__((aligned(4096)));
    rsmapi_controller_handle_t c;
    if (rsm_get_controller("sci0", &c) != RSM_SUCCESS) return 1;

    /* Taken before any thread exists (the C library's), passed to the simulator at the first start. */
    pthread_mutex_lock(&mu);
    pthread_t t;
    pthread_create(&t, NULL, locker, NULL);
    const long long released = hold_across_calls(c, mem);
    pthread_mutex_unlock(&mu);
    pthread_join(t, NULL);
    printf("held across calls until %lld us; the waiting thread got it at %lld us\n", released, t_locked);
    expect("the waiting thread got the mutex when it was let go", t_locked == released);

    pthread_create(&t, NULL, waiter, NULL);
    sleep_us(1000);
    pthread_mutex_lock(&mu);
    ready = 1;
    const long long signalled = now_us(CLOCK_MONOTONIC);
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
    pthread_join(t, NULL);
    printf("signalled at %lld us; the waiter woke at %lld us\n", signalled, t_woke);
    expect("the waiter woke at the signal", t_woke == signalled);

    pthread_mutex_lock(&mu);
    struct timespec abs;
    clock_gettime(CLOCK_REALTIME, &abs);
    const long long start = now_us(CLOCK_MONOTONIC);
    abs.tv_nsec += 2000000;
    if (abs.tv_nsec >= 1000000000) abs.tv_sec += 1, abs.tv_nsec -= 1000000000;
    int rc = pthread_cond_timedwait(&cv, &mu, &abs);
    expect("a timed wait on the realtime clock times out after 2000 us",
           rc == ETIMEDOUT && now_us(CLOCK_MONOTONIC) - start == 2000);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_t mono;
    pthread_cond_init(&mono, &ca);
    clock_gettime(CLOCK_MONOTONIC, &abs);
    abs.tv_sec += 1;
    rc = pthread_cond_timedwait(&mono, &mu, &abs);
    expect("a timed wait on the monotonic clock times out after 1 s", rc == ETIMEDOUT && now_us(CLOCK_MONOTONIC) - start == 1002000);
    pthread_mutex_unlock(&mu);

    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_t rec;
    pthread_mutex_init(&rec, &ma);
    expect("a recursive mutex is taken twice and let go twice",
           !pthread_mutex_lock(&rec) && !pthread_mutex_lock(&rec) && !pthread_mutex_unlock(&rec) &&
               !pthread_mutex_unlock(&rec) && pthread_mutex_unlock(&rec) == EPERM);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&checked, &ma);
    int other[2];
    pthread_mutex_lock(&checked);
    expect("an error-checking mutex taken again by its holder: EDEADLK", pthread_mutex_lock(&checked) == EDEADLK);
    pthread_create(&t, NULL, other_thread_checks, other);
    pthread_join(t, NULL);
    expect("another thread's unlock: EPERM; its trylock: EBUSY", other[0] == EPERM && other[1] == EBUSY);
    pthread_mutex_unlock(&checked);
    expect("trylock of a free mutex: taken", pthread_mutex_trylock(&checked) == 0 && !pthread_mutex_unlock(&checked));

    pthread_t ts[kContenders];
    for (long i = 0; i < kContenders; ++i) pthread_create(&ts[i], NULL, contender, (void *)i);
    for (int i = 0; i < kContenders; ++i) pthread_join(ts[i], NULL);
    printf("contenders took the mutex in this order: ");
    for (int i = 0; i < taken; ++i) printf("%d", order[i]);
    printf("\n");
    expect("no increment was lost", counter == kContenders * kRounds);
    barrier_and_semaphore();
    read_write_lock();
    printf("sync: %s\n", failures ? "FAIL" : "PASS");
    return failures != 0;
}

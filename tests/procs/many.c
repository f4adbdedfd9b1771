/* many.c - more threads than a process has channels (rsm/remote.h,
 * kMaxThreads): those past them share the main thread's, one call at a
 * time, with their waits in slices. THREADS threads (argument) wait for a
 * broadcast, then each adds 1 to a counter ROUNDS times under a mutex,
 * sleeping inside it: no addition may be lost. */
#define _POSIX_C_SOURCE 200112L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <rsmapi.h>

enum { kMaxThreadsHere = 200, kRounds = 5 };
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int counter, go;

static void *work(void *arg) {
    (void)arg;
    pthread_mutex_lock(&mu);
    while (!go) pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    for (int i = 0; i < kRounds; ++i) {
        pthread_mutex_lock(&mu);
        const int seen = counter;
        const struct timespec p = {0, 2000};
        nanosleep(&p, NULL);
        counter = seen + 1;
        pthread_mutex_unlock(&mu);
    }
    return NULL;
}

int main(int argc, char **argv) {
    const int n = argc > 1 ? atoi(argv[1]) : 70;
    rsmapi_controller_handle_t c;
    if (n < 1 || n > kMaxThreadsHere || rsm_get_controller("sci0", &c) != RSM_SUCCESS) return 1;
    pthread_t t[kMaxThreadsHere];
    for (int i = 0; i < n; ++i)
        if (pthread_create(&t[i], NULL, work, NULL)) return 1;
    const struct timespec p = {0, 100000};
    nanosleep(&p, NULL);
    pthread_mutex_lock(&mu);
    go = 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    for (int i = 0; i < n; ++i) pthread_join(t[i], NULL);
    printf("%d threads: counter %d of %d\n", n, counter, n * kRounds);
    return counter != n * kRounds;
}

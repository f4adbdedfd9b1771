/* userlock.c - the main thread holds a mutex of the program while it sleeps
 * (in simulated time), and a thread it started blocks on that mutex: the
 * blocked thread holds simulated time still, so the sleep cannot end. What
 * docs/architecture.md says a thread must not do; rsmsim must cut the
 * process off by thread and say why, not wait. */
#define _POSIX_C_SOURCE 200112L
#include <pthread.h>
#include <time.h>

#include <rsmapi.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void *blocked(void *arg) {
    (void)arg;
    pthread_mutex_lock(&mu);
    pthread_mutex_unlock(&mu);
    return NULL;
}

int main(void) {
    rsmapi_controller_handle_t c;
    if (rsm_get_controller("sci0", &c) != RSM_SUCCESS) return 1;
    pthread_mutex_lock(&mu);
    pthread_t t;
    if (pthread_create(&t, NULL, blocked, NULL)) return 1;
    const struct timespec p = {0, 5000000};
    nanosleep(&p, NULL);
    pthread_mutex_unlock(&mu);
    pthread_join(t, NULL);
    return 0;
}

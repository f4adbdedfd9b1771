/* lockorder.c - two threads take two mutexes in opposite orders: a
 * deadlock. Kept by the simulator, the waits are calls, so the run ends with
 * a report of who waits for what instead of hanging. */
#define _POSIX_C_SOURCE 200112L
#include <pthread.h>
#include <time.h>

#include <rsmapi.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;

static void *take(void *arg) {
    pthread_mutex_t *first = arg ? &a : &b, *second = arg ? &b : &a;
    const struct timespec p = {0, 1000};
    pthread_mutex_lock(first);
    nanosleep(&p, NULL);
    pthread_mutex_lock(second);
    pthread_mutex_unlock(second);
    pthread_mutex_unlock(first);
    return NULL;
}

int main(void) {
    rsmapi_controller_handle_t c;
    if (rsm_get_controller("sci0", &c) != RSM_SUCCESS) return 1;
    pthread_t t1, t2;
    if (pthread_create(&t1, NULL, take, &a) || pthread_create(&t2, NULL, take, NULL)) return 1;
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    return 0;
}

/* pipewait.c - a thread blocks reading a pipe that the main thread writes
 * only after a sleep (in simulated time): the blocked thread holds
 * simulated time still, so the sleep cannot end. What docs/architecture.md
 * says a thread must not do (mutexes and condition variables are kept by
 * the simulator; I/O is not); rsmsim must cut the process off by thread and
 * say why, not wait. */
#define _POSIX_C_SOURCE 200112L
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <rsmapi.h>

static int fds[2];

static void *blocked(void *arg) {
    char b;
    (void)arg;
    return read(fds[0], &b, 1) == 1 ? NULL : arg;
}

int main(void) {
    rsmapi_controller_handle_t c;
    if (rsm_get_controller("sci0", &c) != RSM_SUCCESS || pipe(fds)) return 1;
    pthread_t t;
    if (pthread_create(&t, NULL, blocked, NULL)) return 1;
    const struct timespec p = {0, 5000000};
    nanosleep(&p, NULL);
    if (write(fds[1], "x", 1) != 1) return 1;
    pthread_join(t, NULL);
    return 0;
}

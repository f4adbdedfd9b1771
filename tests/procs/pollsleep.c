/* pollsleep.c - looks at a quiet pipe are not idleness while something is
 * still to come: node 4 polls a pipe nobody writes for 10 s of simulated
 * time (a look every 10 us: a million round trips, about a second of wall
 * time, longer than the test's --stall-limit 0.5) while node 8 sleeps
 * 10.1 s. Nothing else happens meanwhile, yet node 8's wake-up is due, so
 * the stall limit must not end the run: both exit 0. (A limit well above a
 * sanitizer's exit-time leak check, which counts as computing after the
 * last call.) */
#include "../../sim/examples/procs/common.h"

#include <poll.h>
#include <unistd.h>

int main(void) {
    rsmapi_controller_handle_t c;
    CHECK(rsm_get_controller("sci0", &c));
    if (my_node() == 8) {
        const struct timespec p = {10, 100000000};
        nanosleep(&p, NULL);
        printf("slept until %.0f us\n", now_us());
        return 0;
    }
    int fd[2];
    if (pipe(fd) != 0) return 1;
    struct pollfd p = {fd[0], POLLIN, 0};
    const int n = poll(&p, 1, 10000);
    printf("poll returned %d at %.0f us\n", n, now_us());
    return n == 0 ? 0 : 1;
}

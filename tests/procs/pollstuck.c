/* pollstuck.c - a run nothing can finish: node 4 polls, with no time limit,
 * a pipe nobody will ever write (its write end is its own, unused); node 8
 * ends at once. Nothing simulated can make the pipe ready, so the simulator
 * must end the run after --stall-limit of wall time and say that node 4
 * waits for descriptors (it must not step simulated time forever). */
#include "../../sim/examples/procs/common.h"

#include <poll.h>
#include <unistd.h>

int main(void) {
    rsmapi_controller_handle_t c;
    CHECK(rsm_get_controller("sci0", &c));
    if (my_node() != 4) return 0;
    int fd[2];
    if (pipe(fd) != 0) return 1;
    struct pollfd p = {fd[0], POLLIN, 0};
    const int n = poll(&p, 1, -1);
    printf("poll returned %d, which it never should\n", n);
    return 1;
}

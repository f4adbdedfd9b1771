/* children.c - a node process that starts other programs once it is
 * attached: a shell through system() must not inherit the node's
 * connection (nor the preloaded clock), and a child forked without exec is no node (rsmapi says
 * CTLR_NOT_PRESENT, its clock is the host's); the node process itself goes
 * on in simulated time. */
#define _POSIX_C_SOURCE 200112L
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rsmapi.h>

static long long sim_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000LL + t.tv_nsec / 1000;
}

int main(void) {
    rsmapi_controller_handle_t c;
    if (rsm_get_controller("sci0", &c) != RSM_SUCCESS) return 1;
    fflush(stdout);
    const int sh = system("echo \"shell: fd=${RSMSIM_FD:-none} preload=${LD_PRELOAD:-none}\"");
    fflush(stdout);
    const pid_t pid = fork();
    if (pid == 0) {
        rsmapi_controller_handle_t cc;
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        const int rc = rsm_get_controller("sci0", &cc);
        printf("forked child: rsm_get_controller %d, host clock %s\n", rc,
               t.tv_sec > 1767225600 + 86400 ? "yes" : "no");
        fflush(stdout);
        _exit(rc == RSMERR_CTLR_NOT_PRESENT ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    const long long t0 = sim_us();
    const struct timespec p = {0, 1000000};
    nanosleep(&p, NULL);
    const long long slept = sim_us() - t0;
    printf("system %d, child exit %d, the node then slept %lld us\n", sh, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
           slept);
    return !(sh == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 && slept == 1000);
}

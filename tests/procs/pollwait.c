/* pollwait.c - a node program's own poll(2), select(2), pselect(2) and
 * epoll_wait(2) wait in simulated time: node 4 sleeps with poll(NULL, 0, 3),
 * select(0, ..., 1.5 ms) and pselect(0, ..., 0.5 ms), waits on a pipe
 * nobody writes for 2 ms (poll), 1 ms (select) and 1 ms (epoll),
 * then polls the pollfd of its exported segment (rsm_memseg_get_pollfd)
 * until node 8's signal arrives, and takes the event. Node 8 connects and
 * posts at a known time. Both print simulated microseconds. */
#define _XOPEN_SOURCE 600 /* POLLRDNORM */
#include "../../sim/examples/procs/common.h"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <unistd.h>

int main(void) {
    rsmapi_controller_handle_t c;
    CHECK(rsm_get_controller("sci0", &c));
    if (my_node() == 8) {
        int tries = 0;
        rsm_memseg_import_handle_t im = connect_when_published(c, 4, 0x5100cc, &tries);
        const struct timespec p = {0, 500000};
        nanosleep(&p, NULL);
        printf("posted at %.3f us\n", now_us());
        CHECK(rsm_intr_signal_post(im, 0));
        CHECK(rsm_memseg_import_disconnect(im));
        return 0;
    }
    double t0 = now_us();
    poll(NULL, 0, 3);
    printf("poll(NULL, 0, 3) slept %.3f us\n", now_us() - t0);
    int fds[2];
    if (pipe(fds)) return 1;
    struct pollfd pipe_fd = {fds[0], POLLIN, 0};
    t0 = now_us();
    const int quiet = poll(&pipe_fd, 1, 2);
    printf("a quiet pipe: poll returned %d after %.3f us\n", quiet, now_us() - t0);
    struct timeval tv = {0, 1500};
    t0 = now_us();
    select(0, NULL, NULL, NULL, &tv);
    printf("select(0, ..., 1500 us) slept %.3f us\n", now_us() - t0);
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(fds[0], &rd);
    tv.tv_usec = 1000;
    t0 = now_us();
    const int none = select(fds[0] + 1, &rd, NULL, NULL, &tv);
    printf("a quiet pipe: select returned %d after %.3f us\n", none, now_us() - t0);
    const struct timespec half = {0, 500000};
    t0 = now_us();
    pselect(0, NULL, NULL, NULL, &half, NULL);
    printf("pselect(0, ..., 500 us) slept %.3f us\n", now_us() - t0);
    const int ep = epoll_create1(0);
    struct epoll_event ev = {EPOLLIN, {0}}, got;
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fds[0], &ev)) return 1;
    t0 = now_us();
    const int nothing = epoll_wait(ep, &got, 1, 1);
    printf("a quiet pipe: epoll_wait returned %d after %.3f us\n", nothing, now_us() - t0);
    close(ep);
    unsigned char *page;
    rsm_memseg_export_handle_t ex = export_page(c, 0x5100cc, &page);
    struct pollfd pfd;
    CHECK(rsm_memseg_get_pollfd(ex, &pfd));
    const int ready = poll(&pfd, 1, 1000);
    printf("the segment's pollfd: poll returned %d (revents %s) at %.3f us\n", ready,
           (pfd.revents & POLLRDNORM) ? "POLLRDNORM" : "none", now_us());
    CHECK(rsm_intr_signal_wait(ex, 0)); /* the event is still there to take */
    CHECK(rsm_memseg_release_pollfd(ex));
    CHECK(rsm_memseg_export_destroy(ex));
    free(page);
    return 0;
}

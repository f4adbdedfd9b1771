/* stall.c - attaches, then stops calling the simulation for good (it waits
 * on the operating system instead): rsmsim must cut it off, not wait. */
#define _POSIX_C_SOURCE 200112L
#include <unistd.h>

#include <rsmapi.h>

int main(void) {
    rsmapi_controller_handle_t c;
    if (rsm_get_controller("sci0", &c) != RSM_SUCCESS) return 1;
    for (;;) pause();
}

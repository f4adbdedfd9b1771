/*
 * faults.c - a link fails and comes back, then a node crashes, on a 4-node
 * SCI ring (4 -> 8 -> 12 -> 16 -> 4). Node 8 keeps putting words into node
 * 4's segment with implicit barriers: while the link 8->12 is down its puts
 * report RSMERR_BARRIER_FAILURE, afterwards they land again. Node 16 crashes
 * and node 8 carries on (the ring still forwards through 16's bypass). Node
 * 4 then checks that every put that reported success landed.
 */
#include "common.h"

#define ROUNDS 30
#define SEG_LEN 4096
#define SEGID 0x600040u

static unsigned char *segment;
static int rc_of[ROUNDS];

static void program(int node, void *arg) {
    rsmapi_controller_handle_t ctl;
    (void)arg;
    OK(rsm_get_controller("sci0", &ctl));
    if (node == 0) {
        rsm_memseg_export_handle_t ex;
        rsm_memseg_id_t id = SEGID;
        int k, landed = 0;
        OK(rsm_memseg_export_create(ctl, &ex, segment, SEG_LEN, 0));
        OK(rsm_memseg_export_publish(ex, &id, NULL, 0));
        rsmsim_sync(); /* published */
        rsmsim_sync(); /* node 8 is done */
        for (k = 0; k < ROUNDS; k++) {
            uint32_t v;
            memcpy(&v, segment + 4 * k, 4);
            if (rc_of[k] == RSM_SUCCESS && v != (uint32_t)(k + 1)) {
                fprintf(stderr, "put %d reported success but did not land\n", k);
                failures++;
            }
            landed += v == (uint32_t)(k + 1);
        }
        printf("node 4: %d of %d words landed\n", landed, ROUNDS);
        OK(rsm_memseg_export_destroy(ex));
    } else if (node == 1) {
        rsm_memseg_import_handle_t im;
        rsmapi_barrier_t bar;
        int k, failed = 0;
        rsmsim_sync(); /* published */
        OK(rsm_memseg_import_connect(ctl, 4, SEGID, RSM_PERM_RDWR, &im));
        OK(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar));
        for (k = 0; k < ROUNDS; k++) {
            uint32_t v = (uint32_t)(k + 1);
            rc_of[k] = rsm_memseg_import_put(im, (off_t)(4 * k), &v, 4);
            if (rc_of[k] != RSM_SUCCESS) {
                failed++;
                if (rc_of[k] != RSMERR_BARRIER_FAILURE) failures++;
            }
            rsmsim_delay_ns(2000);
        }
        printf("node 8: %d puts, %d reported RSMERR_BARRIER_FAILURE, the last one %s\n", ROUNDS, failed,
               rc_of[ROUNDS - 1] == RSM_SUCCESS ? "landed" : "failed");
        if (failed == 0 || rc_of[ROUNDS - 1] != RSM_SUCCESS) failures++;
        OK(rsm_memseg_import_destroy_barrier(&bar));
        OK(rsm_memseg_import_disconnect(im));
        rsmsim_sync(); /* done */
    } else {
        rsmsim_sync();
        rsmsim_sync();
    }
    OK(rsm_release_controller(ctl));
}

int main(void) {
    rsmsim_options opts;
    int rc;
    segment = alloc_pages(SEG_LEN);
    if (!segment) return 1;
    rsmsim_options_init(&opts);
    opts.nodes = 4;
    opts.topology = "ring";
    opts.seed = 7;
    opts.faults = "down:8-12@40; up:8-12@90; crash:16@150";
    rc = rsmsim_run(&opts, program, NULL);
    free(segment);
    printf("faults: %s\n", rc == 0 && failures == 0 ? "PASS" : "FAIL");
    return rc == 0 && failures == 0 ? 0 : 1;
}

/*
 * putget.c - a C99 rsmapi program on a simulated 3-node cluster.
 *
 * Node 4 exports a page and publishes it to nodes 8 and 12. Each importer
 * writes a greeting into its own 64-byte slot and reads it back; node 4 then
 * prints what arrived. Uses only <rsmapi.h> and the testbench header.
 */
#define _POSIX_C_SOURCE 200112L /* posix_memalign: exported memory is page aligned */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rsmapi.h>
#include <rsmsim/testbench.h>

#define SEG_LEN 4096
#define SLOT 64

static rsm_memseg_id_t published_id; /* shared out of band, like a name service */
static int failures;

static void expect(int rc, const char *what, int node) {
    if (rc != RSM_SUCCESS) {
        fprintf(stderr, "node %u: %s failed with %d\n", (unsigned)rsmsim_node_id(node), what, rc);
        failures++;
    }
}

static void program(int node, void *arg) {
    unsigned char *segment = arg;
    rsmapi_controller_handle_t ctl;
    expect(rsm_get_controller("sci0", &ctl), "rsm_get_controller", node);

    if (node == 0) {
        rsm_memseg_export_handle_t ex;
        rsmapi_access_entry_t acl[2];
        rsm_memseg_id_t id = 0; /* let the agent choose */
        acl[0].ae_node = rsmsim_node_id(1);
        acl[0].ae_permission = RSM_PERM_RDWR;
        acl[1].ae_node = rsmsim_node_id(2);
        acl[1].ae_permission = RSM_PERM_RDWR;
        expect(rsm_memseg_export_create(ctl, &ex, segment, SEG_LEN, 0), "export_create", node);
        expect(rsm_memseg_export_publish(ex, &id, acl, 2), "export_publish", node);
        published_id = id;
        rsmsim_sync(); /* published */
        rsmsim_sync(); /* importers done */
        printf("node 4 at %llu ns sees: \"%s\" and \"%s\"\n", (unsigned long long)rsmsim_now_ns(),
               (char *)segment + SLOT, (char *)segment + 2 * SLOT);
        expect(rsm_memseg_export_destroy(ex), "export_destroy", node);
    } else {
        rsm_memseg_import_handle_t im;
        rsmapi_barrier_t bar;
        char msg[SLOT], back[SLOT];
        snprintf(msg, sizeof msg, "hello from node %u", (unsigned)rsmsim_node_id(node));
        rsmsim_sync(); /* published */
        expect(rsm_memseg_import_connect(ctl, rsmsim_node_id(0), published_id, RSM_PERM_RDWR, &im),
               "import_connect", node);
        expect(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar), "init_barrier", node);
        expect(rsm_memseg_import_put(im, node * SLOT, msg, sizeof msg), "import_put", node);
        expect(rsm_memseg_import_get(im, node * SLOT, back, sizeof back), "import_get", node);
        if (memcmp(msg, back, sizeof msg) != 0) {
            fprintf(stderr, "node %u: got back different data\n", (unsigned)rsmsim_node_id(node));
            failures++;
        }
        expect(rsm_memseg_import_destroy_barrier(&bar), "destroy_barrier", node);
        expect(rsm_memseg_import_disconnect(im), "import_disconnect", node);
        rsmsim_sync(); /* importers done */
    }
    expect(rsm_release_controller(ctl), "release_controller", node);
}

int main(void) {
    rsmsim_options opts;
    void *mem = NULL;
    unsigned char *segment;
    int rc;
    if (posix_memalign(&mem, 4096, SEG_LEN) != 0) return 1;
    segment = mem;
    memset(segment, 0, SEG_LEN);
    rsmsim_options_init(&opts);
    opts.nodes = 3;
    rc = rsmsim_run(&opts, program, segment);
    free(segment);
    if (rc != 0 || failures != 0) {
        printf("putget: FAIL\n");
        return 1;
    }
    printf("putget: PASS\n");
    return 0;
}

/*
 * memory.c - real memory semantics with one process per node
 * (rsmsim exec -n 2 -- ./memory): node 4 exports three segments backed by
 * a static array, malloc'd (page-aligned) memory and an mmap'd region; node
 * 8 puts into them, reads back with getv into a local memory handle and
 * with a VA iovec, and stores through a mapped import. Node 4 checks its
 * own memory byte for byte. Exit 0 if everything arrived.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include "common.h"

#include <sys/mman.h>

#define LEN 8192

static unsigned char static_seg[LEN] __attribute__((aligned(4096)));

int main(void) {
    rsmapi_controller_handle_t c;
    CHECK(rsm_get_controller("sci0", &c));
    const rsm_node_id_t me = my_node();
    if (me == 4) {
        unsigned char *heap = page_alloc(LEN);
        unsigned char *mapped = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        unsigned char *segs[3] = {static_seg, heap, mapped};
        rsm_memseg_export_handle_t ex[3];
        for (int i = 0; i < 3; ++i) {
            rsm_memseg_id_t id = 0x540000u + (unsigned)i;
            CHECK(rsm_memseg_export_create(c, &ex[i], segs[i], LEN, 0));
            CHECK(rsm_memseg_export_publish(ex[i], &id, NULL, 0));
        }
        CHECK(rsm_intr_signal_wait(ex[0], -1)); /* node 8 is done */
        int bad = 0;
        for (int i = 0; i < 3; ++i)
            for (int k = 0; k < LEN; ++k) bad += segs[i][k] != (unsigned char)(k * (i + 3));
        printf("node 4: static, malloc and mmap segments %s\n", bad ? "WRONG" : "hold every byte node 8 wrote");
        for (int i = 0; i < 3; ++i) CHECK(rsm_memseg_export_destroy(ex[i]));
        munmap(mapped, LEN);
        free(heap);
        return bad ? 1 : 0;
    }
    if (me != 8) return 0;
    unsigned char *buf = page_alloc(LEN), *back = page_alloc(LEN);
    rsm_localmemory_handle_t lh;
    CHECK(rsm_create_localmemory_handle(c, &lh, (caddr_t)back, LEN));
    int bad = 0, tries = 0;
    rsm_memseg_import_handle_t im[3];
    for (int i = 0; i < 3; ++i) {
        im[i] = connect_when_published(c, 4, 0x540000u + (unsigned)i, &tries);
        rsmapi_barrier_t bar;
        CHECK(rsm_memseg_import_init_barrier(im[i], RSM_BAR_DEFAULT, &bar));
        for (int k = 0; k < LEN; ++k) buf[k] = (unsigned char)(k * (i + 3));
        if (i == 2) {
            /* Through a mapping: stores reach the segment at close_barrier. */
            void *addr = NULL;
            CHECK(rsm_memseg_import_map(im[i], &addr, RSM_MAP_NONE, RSM_PERM_RDWR, 0, LEN));
            CHECK(rsm_memseg_import_set_mode(im[i], RSM_BARRIER_MODE_EXPLICIT));
            CHECK(rsm_memseg_import_open_barrier(&bar));
            memcpy(addr, buf, LEN);
            CHECK(rsm_memseg_import_close_barrier(&bar));
            CHECK(rsm_memseg_import_unmap(im[i]));
            CHECK(rsm_memseg_import_set_mode(im[i], RSM_BARRIER_MODE_IMPLICIT));
        } else {
            /* A VA iovec out, then a local memory handle back. */
            rsm_iovec_t v;
            memset(&v, 0, sizeof v);
            v.io_type = RSM_VA_TYPE;
            v.local.vaddr = (caddr_t)buf;
            v.transfer_length = LEN;
            rsm_scat_gath_t sg;
            memset(&sg, 0, sizeof sg);
            sg.remote_handle = im[i];
            sg.io_request_count = 1;
            sg.iovec = &v;
            CHECK(rsm_memseg_import_putv(&sg));
        }
        rsm_iovec_t g;
        memset(&g, 0, sizeof g);
        g.io_type = RSM_HANDLE_TYPE;
        g.local.handle = lh;
        g.transfer_length = LEN;
        rsm_scat_gath_t sg;
        memset(&sg, 0, sizeof sg);
        sg.remote_handle = im[i];
        sg.io_request_count = 1;
        sg.iovec = &g;
        memset(back, 0, LEN);
        CHECK(rsm_memseg_import_getv(&sg));
        bad += memcmp(back, buf, LEN) != 0;
        CHECK(rsm_memseg_import_destroy_barrier(&bar));
    }
    printf("node 8: putv, mapped stores and getv into a local memory handle: %s\n", bad ? "WRONG" : "ok");
    CHECK(rsm_intr_signal_post(im[0], 0));
    for (int i = 0; i < 3; ++i) CHECK(rsm_memseg_import_disconnect(im[i]));
    CHECK(rsm_free_localmemory_handle(c, lh));
    free(buf);
    free(back);
    return bad ? 1 : 0;
}

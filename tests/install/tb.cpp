// A C++ testbench built outside the source tree: node 4 exports a page,
// node 8 puts a word into it and reads it back.
#include <rsmapi.h>
#include <rsmsim/testbench.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {
alignas(4096) unsigned char segment[4096];
int failures = 0;
rsm_memseg_id_t published = 0x600001;

void check(int rc, const char* what) {
    if (rc != RSM_SUCCESS) {
        std::fprintf(stderr, "node %u: %s returned %d\n", rsmsim_node_id(rsmsim_node_index()), what, rc);
        ++failures;
    }
}

void program(int node, void*) {
    rsmapi_controller_handle_t c = nullptr;
    check(rsm_get_controller(const_cast<char*>("sci0"), &c), "get_controller");
    if (node == 0) {
        rsm_memseg_export_handle_t ex = nullptr;
        check(rsm_memseg_export_create(c, &ex, segment, sizeof segment, 0), "export_create");
        check(rsm_memseg_export_publish(ex, &published, nullptr, 0), "publish");
        rsmsim_sync();
        rsmsim_sync();
        check(rsm_memseg_export_destroy(ex), "destroy");
        return;
    }
    rsmsim_sync();
    rsm_memseg_import_handle_t im = nullptr;
    check(rsm_memseg_import_connect(c, rsmsim_node_id(0), published, RSM_PERM_RDWR, &im), "connect");
    rsmapi_barrier_t bar{};
    check(rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar), "init_barrier");
    uint32_t out = 0xC0FFEE, back = 0;
    check(rsm_memseg_import_put32(im, 16, &out, 1), "put32");
    check(rsm_memseg_import_get32(im, 16, &back, 1), "get32");
    if (back != out) ++failures;
    check(rsm_memseg_import_destroy_barrier(&bar), "destroy_barrier");
    check(rsm_memseg_import_disconnect(im), "disconnect");
    rsmsim_sync();
}
}  // namespace

int main() {
    rsmsim_options o;
    rsmsim_options_init(&o);
    if (rsmsim_run(&o, program, nullptr) != 0) ++failures;
    std::uint32_t landed = 0;
    std::memcpy(&landed, segment + 16, 4);
    std::printf("user testbench: %s (node 4 holds 0x%x)\n", failures == 0 && landed == 0xC0FFEE ? "PASS" : "FAIL", landed);
    return failures == 0 && landed == 0xC0FFEE ? 0 : 1;
}

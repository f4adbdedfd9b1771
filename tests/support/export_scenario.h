// The set-up most rsmapi tests share, written once: node 4 (index 0) exports
// and publishes segments, the other nodes connect and run the test's body
// while node 4 waits (or runs its own part), and node 4 destroys its exports
// once every importer is done.
#pragma once

#include <functional>
#include <vector>

#include "cluster_run.h"
#include "rsm_helpers.h"

namespace rsmsim::test {

// One segment node 4 exports: [mem, mem+len) published as `id`, to the nodes
// of `acl` (empty: to every node, read and write).
struct ExportSpec {
    void* mem;
    size_t len;
    rsm_memseg_id_t id;
    std::vector<rsmapi_access_entry_t> acl = {};
};

using ImporterBody = std::function<void(int index, Cluster&, rsmapi_controller_handle_t)>;
using ExporterBody = std::function<void(Cluster&, const std::vector<rsm_memseg_export_handle_t>&)>;

// Every node but node 4 runs `importer` between two syncs; node 4 publishes
// `exports` before the first, runs `exporter` (if any) between them and
// destroys the exports after the second. A body may unpublish an export
// itself; destroying it then still succeeds.
inline void export_scenario(const ClusterConfig& cfg, const std::vector<ExportSpec>& exports,
                            const ImporterBody& importer, const ExporterBody& exporter = {}) {
    run_nodes(cfg, [&](int i, Cluster& cl) {
        rsmapi_controller_handle_t c = controller();
        if (i != 0) {
            cl.sync();
            importer(i, cl, c);
            cl.sync();
            return;
        }
        std::vector<rsm_memseg_export_handle_t> handles;
        for (const ExportSpec& e : exports) {
            rsm_memseg_export_handle_t ex = nullptr;
            ASSERT_RSM_OK(rsm_memseg_export_create(c, &ex, e.mem, e.len, 0));
            rsm_memseg_id_t id = e.id;
            auto* acl = e.acl.empty() ? nullptr : const_cast<rsmapi_access_entry_t*>(e.acl.data());
            ASSERT_RSM_OK(rsm_memseg_export_publish(ex, &id, acl, static_cast<uint_t>(e.acl.size())));
            handles.push_back(ex);
        }
        cl.sync();
        if (exporter) exporter(cl, handles);
        cl.sync();
        for (rsm_memseg_export_handle_t ex : handles) EXPECT_RSM(RSM_SUCCESS, rsm_memseg_export_destroy(ex));
    });
}

inline void export_scenario(int nodes, const std::vector<ExportSpec>& exports, const ImporterBody& importer,
                            const ExporterBody& exporter = {}) {
    export_scenario(config(nodes), exports, importer, exporter);
}

}  // namespace rsmsim::test

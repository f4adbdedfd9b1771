// Topology: which directed links a packet crosses between two nodes.
//
//  - Switch: every node has a link to and from a central switch (two hops);
//    two nodes are cabled back to back (one hop).
//  - Ring: one unidirectional SCI ringlet in node-id order; a packet passes
//    the bypass of every node between source and target, and the response
//    continues around the ring back to the source.
//  - Torus: a 2-D grid (W = ceil(sqrt(N)) columns) of unidirectional
//    ringlets, one per row and one per column; dimension-order routing
//    (along the row first, unless the target's column is missing from the
//    source's row, then along the column first).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rsmsim::model {

enum class TopologyKind { Switch, Ring, Torus };

std::optional<TopologyKind> parse_topology(const std::string& name);
const char* topology_name(TopologyKind k);
// A link end for people: the node id, or "switch" for Topology::kSwitch.
std::string link_end_name(uint16_t id);

class Topology {
public:
    // In the switch topology (more than two nodes) a link has the switch at
    // one end; faults name it by this id (no node has it).
    static constexpr uint16_t kSwitch = 0;

    Topology(TopologyKind kind, std::vector<uint16_t> nodes);

    // Link ids, in order, from src to dst (empty for the same node).
    std::vector<int> route(uint16_t src, uint16_t dst) const;
    // Every route, preferred first (the torus has a second dimension order).
    std::vector<std::vector<int>> routes(uint16_t src, uint16_t dst) const;
    // The link from `from` straight to `to` (neighbours on a ringlet; a node
    // and kSwitch in the switch topology), or -1, also for unknown ids.
    int link_between(uint16_t from, uint16_t to) const;
    // Every (from, to) pair that link_between() knows, in node order: the
    // links a fault can name.
    std::vector<std::pair<uint16_t, uint16_t>> neighbour_links() const;
    bool has_alternatives() const { return kind_ == TopologyKind::Torus; }
    int link_count() const { return links_; }
    TopologyKind kind() const { return kind_; }

private:
    int index(uint16_t node) const;
    bool has(uint16_t node) const { return std::binary_search(nodes_.begin(), nodes_.end(), node); }
    std::vector<int> torus_route(int s, int d, bool x_first) const;
    // Walks a ringlet (successor table) from a to b, appending link ids.
    void walk(const std::vector<int>& next, int link_base, int a, int b, std::vector<int>& out) const;

    TopologyKind kind_;
    std::vector<uint16_t> nodes_;   // sorted node ids
    int width_ = 1;                 // torus columns
    int links_ = 0;
    std::vector<int> x_next_, y_next_;   // torus successors along the row / column
};

}  // namespace rsmsim::model

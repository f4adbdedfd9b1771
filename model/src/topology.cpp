#include "rsmsim/model/topology.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace rsmsim::model {

std::optional<TopologyKind> parse_topology(const std::string& name) {
    if (name == "switch") return TopologyKind::Switch;
    if (name == "ring") return TopologyKind::Ring;
    if (name == "torus") return TopologyKind::Torus;
    return std::nullopt;
}

const char* topology_name(TopologyKind k) {
    switch (k) {
    case TopologyKind::Switch: return "switch";
    case TopologyKind::Ring: return "ring";
    case TopologyKind::Torus: return "torus";
    }
    return "?";
}

std::string link_end_name(uint16_t id) { return id == Topology::kSwitch ? "switch" : std::to_string(id); }

Topology::Topology(TopologyKind kind, std::vector<uint16_t> nodes) : kind_(kind), nodes_(std::move(nodes)) {
    std::sort(nodes_.begin(), nodes_.end());
    const int n = static_cast<int>(nodes_.size());
    switch (kind_) {
    case TopologyKind::Switch:
        links_ = n == 2 ? 2 : 2 * n;   // cable each way, or up and down links per node
        break;
    case TopologyKind::Ring:
        links_ = n;   // node i -> node i+1
        break;
    case TopologyKind::Torus: {
        width_ = std::max(1, static_cast<int>(std::ceil(std::sqrt(double(n)))));
        x_next_.assign(n, 0);
        y_next_.assign(n, 0);
        for (int k = 0; k < n; ++k) {
            const int row = k / width_, col = k % width_;
            const int row_len = std::min(width_, n - row * width_);
            x_next_[k] = row * width_ + (col + 1) % row_len;
            const int col_len = (n - 1 - col) / width_ + 1;   // rows that have this column
            y_next_[k] = ((row + 1) % col_len) * width_ + col;
        }
        links_ = 2 * n;   // one row link and one column link leave every node
        break;
    }
    }
}

int Topology::index(uint16_t node) const {
    auto it = std::lower_bound(nodes_.begin(), nodes_.end(), node);
    if (it == nodes_.end() || *it != node) throw std::out_of_range("node not in the topology");
    return static_cast<int>(it - nodes_.begin());
}

void Topology::walk(const std::vector<int>& next, int link_base, int a, int b, std::vector<int>& out) const {
    for (int k = a; k != b; k = next[k]) out.push_back(link_base + k);
}

std::vector<int> Topology::route(uint16_t src, uint16_t dst) const {
    std::vector<int> out;
    if (src == dst) return out;
    const int s = index(src), d = index(dst), n = static_cast<int>(nodes_.size());
    switch (kind_) {
    case TopologyKind::Switch:
        if (n == 2) out.push_back(s);   // the cable leaving s
        else out = {s, n + d};          // up to the switch, down to d
        break;
    case TopologyKind::Ring:
        for (int k = s; k != d; k = (k + 1) % n) out.push_back(k);
        break;
    case TopologyKind::Torus:
        out = torus_route(s, d, true);
        if (out.empty()) out = torus_route(s, d, false);
        break;
    }
    return out;
}

std::vector<int> Topology::torus_route(int s, int d, bool x_first) const {
    // Dimension order: along the row to the target's column, then along the
    // column (x_first), or the other way round. Empty if the corner node
    // does not exist (a partial last row).
    const int n = static_cast<int>(nodes_.size());
    std::vector<int> out;
    if (x_first) {
        const int corner = (s / width_) * width_ + d % width_;
        if (corner >= n) return out;
        walk(x_next_, 0, s, corner, out);
        walk(y_next_, n, corner, d, out);
    } else {
        const int corner = (d / width_) * width_ + s % width_;
        if (corner >= n) return out;
        walk(y_next_, n, s, corner, out);
        walk(x_next_, 0, corner, d, out);
    }
    return out;
}

std::vector<std::vector<int>> Topology::routes(uint16_t src, uint16_t dst) const {
    std::vector<std::vector<int>> out{route(src, dst)};
    if (kind_ == TopologyKind::Torus && src != dst) {
        const int s = index(src), d = index(dst);
        for (bool x_first : {true, false}) {
            auto r = torus_route(s, d, x_first);
            if (!r.empty() && r != out.front()) out.push_back(r);
        }
    }
    return out;
}

int Topology::link_between(uint16_t from, uint16_t to) const {
    const int n = static_cast<int>(nodes_.size());
    if (kind_ == TopologyKind::Switch && n > 2) {
        // A node's link up to the switch, or the switch's link down to it.
        if (to == kSwitch && has(from)) return index(from);
        if (from == kSwitch && has(to)) return n + index(to);
        return -1;
    }
    if (!has(from) || !has(to) || from == to) return -1;
    const int a = index(from), b = index(to);
    switch (kind_) {
    case TopologyKind::Ring: return (a + 1) % n == b ? a : -1;
    case TopologyKind::Torus:
        if (x_next_[a] == b) return a;
        if (y_next_[a] == b) return n + a;
        return -1;
    case TopologyKind::Switch: return a;   // two nodes: the cable
    }
    return -1;
}

std::vector<std::pair<uint16_t, uint16_t>> Topology::neighbour_links() const {
    std::vector<std::pair<uint16_t, uint16_t>> out;
    if (kind_ == TopologyKind::Switch && nodes_.size() > 2) {
        for (uint16_t a : nodes_) out.emplace_back(a, kSwitch);
        for (uint16_t a : nodes_) out.emplace_back(kSwitch, a);
        return out;
    }
    for (uint16_t a : nodes_)
        for (uint16_t b : nodes_)
            if (a != b && link_between(a, b) >= 0) out.emplace_back(a, b);
    return out;
}

}  // namespace rsmsim::model

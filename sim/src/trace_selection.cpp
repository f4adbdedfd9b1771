#include "rsmsim/trace_selection.h"

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "adapter_regs.h"

namespace rsmsim {

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, sep);) out.push_back(item);
    return out;
}

bool parse_us(const std::string& text, uint64_t& ps) {
    char* end = nullptr;
    const double us = std::strtod(text.c_str(), &end);
    if (text.empty() || *end || !std::isfinite(us) || us < 0 || us > 1e9) return false;
    ps = static_cast<uint64_t>(std::llround(us * 1e6));
    return true;
}

}  // namespace

bool parse_trace_selection(const std::string& nodes, const std::string& blocks, const std::string& window,
                           model::WaveSelection& out, std::string& error) {
    model::WaveSelection sel;
    for (const auto& n : split(nodes, ',')) {
        char* end = nullptr;
        const long id = std::strtol(n.c_str(), &end, 10);
        if (n.empty() || *end || id < 0 || !rsm::regs::is_node_id(static_cast<uint64_t>(id))) {
            error = "--trace-nodes: '" + n + "' is not a node id (" + std::to_string(rsm::regs::node_id_of_slot(0)) +
                    ", " + std::to_string(rsm::regs::node_id_of_slot(1)) + ", ..., " +
                    std::to_string(rsm::regs::node_id_of_slot(rsm::regs::kMaxNodes - 1)) + ")";
            return false;
        }
        sel.nodes.insert(static_cast<unsigned>(id));
    }
    if (!blocks.empty()) {
        sel.blocks = 0;
        for (const auto& b : split(blocks, ',')) {
            model::Block block;
            if (!model::parse_block(b, block)) {
                error = "--trace-blocks: '" + b + "' is not a block (api, mmio, rtl, dma, fabric)";
                return false;
            }
            sel.blocks |= static_cast<unsigned>(block);
        }
    }
    if (!window.empty()) {
        const auto colon = window.find(':');
        const std::string from = colon == std::string::npos ? window : window.substr(0, colon);
        const std::string to = colon == std::string::npos ? "" : window.substr(colon + 1);
        if (colon == std::string::npos || (!from.empty() && !parse_us(from, sel.from_ps)) ||
            (!to.empty() && !parse_us(to, sel.to_ps)) || sel.from_ps > sel.to_ps) {
            error = "--trace-window: '" + window + "' is not FROM:TO in microseconds (0 <= FROM <= TO <= 1e9)";
            return false;
        }
    }
    out = sel;
    return true;
}

}  // namespace rsmsim

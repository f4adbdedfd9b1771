// Generic payloads for the blocking transport, reused: constructing one
// sizes its extension array on the heap, which cost more than the register
// access it carried. A transaction takes one for its duration (an access
// may block, and another process may start one meanwhile) and gives it back.
#pragma once

#include <tlm>

#include <memory>
#include <vector>

namespace rsmsim::model {

class PayloadPool {
public:
    // A payload set up for one plain access (no byte enables, one stream).
    class Lease {
    public:
        Lease(PayloadPool& pool, tlm::tlm_command cmd, uint64_t addr, void* data, size_t len) : pool_(pool) {
            if (pool.free_.empty()) {
                gp_ = std::make_unique<tlm::tlm_generic_payload>();
            } else {
                gp_ = std::move(pool.free_.back());
                pool.free_.pop_back();
            }
            gp_->set_command(cmd);
            gp_->set_address(addr);
            gp_->set_data_ptr(static_cast<unsigned char*>(data));
            gp_->set_data_length(static_cast<unsigned>(len));
            gp_->set_streaming_width(static_cast<unsigned>(len));
            gp_->set_byte_enable_ptr(nullptr);
            gp_->set_byte_enable_length(0);
            gp_->set_dmi_allowed(false);
            gp_->set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        }
        ~Lease() { pool_.free_.push_back(std::move(gp_)); }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        tlm::tlm_generic_payload& operator*() { return *gp_; }

    private:
        PayloadPool& pool_;
        std::unique_ptr<tlm::tlm_generic_payload> gp_;
    };

private:
    std::vector<std::unique_ptr<tlm::tlm_generic_payload>> free_;
};

}  // namespace rsmsim::model

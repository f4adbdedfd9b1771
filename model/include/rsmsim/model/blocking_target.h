// A TLM-2.0 target that serves blocking transport only. The model is its
// socket's interface itself, so an access is one virtual call to its
// b_transport (a simple_target_socket forwards it through two more).
// No direct memory pointers, no debug access, no non-blocking protocol.
#pragma once

#include <tlm>

namespace rsmsim::model {

class BlockingTarget : public tlm::tlm_fw_transport_if<> {
public:
    tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& t, tlm::tlm_phase&, sc_core::sc_time&) override {
        t.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return tlm::TLM_COMPLETED;
    }
    bool get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi&) override { return false; }
    unsigned transport_dbg(tlm::tlm_generic_payload&) override { return 0; }
};

}  // namespace rsmsim::model

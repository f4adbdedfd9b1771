#include "rsmsim/model/waves.h"

namespace rsmsim::model {

Waves::Waves(const std::string& path_without_suffix)
    : file_((sc_core::sc_report_handler::set_actions("tracing timescale unit set", sc_core::SC_INFO,
                                                     sc_core::SC_DO_NOTHING),
             sc_core::sc_create_vcd_trace_file(path_without_suffix.c_str()))) {
    // ps: packet timing is not a whole number of ns, and VCD time must be exact.
    file_->set_time_unit(1, sc_core::SC_PS);
}

Waves::~Waves() { close(); }

void Waves::close() {
    if (file_) {
        sc_core::sc_close_vcd_trace_file(file_);
        file_ = nullptr;
    }
}

}  // namespace rsmsim::model

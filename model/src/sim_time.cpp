#include "rsmsim/model/sim_time.h"

#include <stdexcept>

namespace rsmsim::model {

void check_time_resolution() {
    if (sc_core::sc_get_time_resolution() != sc_core::sc_time(1, sc_core::SC_PS))
        throw std::logic_error("rsmsim runs SystemC at a time resolution of 1 ps");
}

}  // namespace rsmsim::model

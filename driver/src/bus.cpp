#include "librsm/context.h"
#include "remote_bus.h"

namespace rsm::hw {

Bus::~Bus() = default;

namespace {
BusResolver g_resolver = nullptr;
void* g_context = nullptr;
}  // namespace

void set_bus_resolver(BusResolver resolver, void* context) {
    g_resolver = resolver;
    g_context = context;
}

// A platform in the same process (the in-process simulator) installs a
// resolver; a program of its own, started by `rsmsim exec`, has none and
// reaches its node over the connection the launcher gave it.
Bus* current_bus() { return g_resolver ? g_resolver(g_context) : remote_bus(); }

}  // namespace rsm::hw

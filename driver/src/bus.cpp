#include "librsm/context.h"

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

Bus* current_bus() { return g_resolver ? g_resolver(g_context) : nullptr; }

}  // namespace rsm::hw

// The public rsmapi functions: each tells the platform which call the thread
// enters and leaves, with its return code (Bus::api_enter/api_leave; the
// simulator shows it in the waveform), and runs its implementation. Calls do
// not nest: no implementation calls a public entry (and a depth count could
// not tell the simulator's threads apart: they share one OS thread).
#include <type_traits>

#include "librsm/api_impl.h"
#include "librsm/context.h"
#include "remote_bus.h"
#include "rsm/api_calls.h"
#include "rsm/bus.h"

namespace {

class ApiScope {
public:
    explicit ApiScope(rsm::hw::ApiCall call) : in_(), call_(call), bus_(rsm::hw::current_bus_if_any()) {
        if (bus_) bus_->api_enter(call_);
    }
    ~ApiScope() {
        if (bus_) bus_->api_leave(call_, rc_);
    }
    ApiScope(const ApiScope&) = delete;
    ApiScope& operator=(const ApiScope&) = delete;
    int done(int rc) { return rc_ = rc; }

private:
    rsm::hw::RuntimeScope in_;   // first: finding the bus may take librsm's own locks
    rsm::hw::ApiCall call_;
    rsm::hw::Bus* bus_;
    int rc_ = 0;
};

template <typename Impl, typename... Args>
auto traced(rsm::hw::ApiCall call, Impl impl, Args... args) {
    ApiScope scope(call);
    if constexpr (std::is_void_v<decltype(impl(args...))>) {
        impl(args...);
    } else {
        return scope.done(impl(args...));
    }
}

}  // namespace

#define RSM_FUNCTION(ret, name, params, args) \
    extern "C" RSM_EXPORT ret name params { return traced(rsm::hw::ApiCall::name, impl_##name, RSM_UNPAREN args); }
#define RSM_UNPAREN(...) __VA_ARGS__
#include "rsm/api_functions.inc"
#undef RSM_FUNCTION

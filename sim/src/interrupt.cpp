#include "rsmsim/interrupt.h"

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <thread>

namespace rsmsim {

namespace {
sigset_t interrupt_signals() {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGINT);
    sigaddset(&s, SIGTERM);
    return s;
}
}  // namespace

void block_interrupts() {
    const sigset_t s = interrupt_signals();
    pthread_sigmask(SIG_BLOCK, &s, nullptr);
}

void unblock_interrupts() {
    const sigset_t s = interrupt_signals();
    pthread_sigmask(SIG_UNBLOCK, &s, nullptr);
}

void stop_on_interrupt(Cluster& cluster) {
    std::thread([&cluster] {
        const sigset_t s = interrupt_signals();
        int sig = 0;
        if (sigwait(&s, &sig) != 0) return;
        std::fprintf(stderr, "\nrsmsim: interrupted; stopping the simulation (again to quit at once)\n");
        cluster.request_stop();
        if (sigwait(&s, &sig) == 0) std::_Exit(kInterruptedStatus);
    }).detach();
}

}  // namespace rsmsim

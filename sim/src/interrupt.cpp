#include "rsmsim/interrupt.h"

#include <pthread.h>
#include <signal.h>

#include <chrono>
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
        // One Ctrl-C often arrives twice (to the process and to its group,
        // as `timeout` sends it): only a second one a while later quits.
        const auto first = std::chrono::steady_clock::now();
        while (sigwait(&s, &sig) == 0)
            if (std::chrono::steady_clock::now() - first > std::chrono::seconds(1)) std::_Exit(kInterruptedStatus);
    }).detach();
}

}  // namespace rsmsim

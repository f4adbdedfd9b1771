#include "rsmsim/interrupt.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
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

struct ProgressLine::Impl {
    std::atomic<bool> done{false};
    bool shown = false;
    std::thread thread;
};

ProgressLine::ProgressLine(Cluster& cluster) : impl_(std::make_unique<Impl>()) {
    if (!::isatty(STDERR_FILENO)) return;
    Impl* p = impl_.get();
    p->thread = std::thread([p, &cluster] {
        const auto start = std::chrono::steady_clock::now();
        uint64_t last_packets = 0;
        for (int tick = 1; !p->done; ++tick) {
            for (int k = 0; k < 10 && !p->done; ++k) std::this_thread::sleep_for(std::chrono::milliseconds(100));
            if (p->done) break;
            const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            const uint64_t packets = cluster.fabric().progress_packets();
            std::fprintf(stderr, "\rrsmsim: %.3f us simulated, %.0f s wall, %.0f packets/s   ",
                         cluster.fabric().progress_ns() / 1000.0, wall, double(packets - last_packets));
            last_packets = packets;
            p->shown = true;
        }
    });
}

ProgressLine::~ProgressLine() {
    impl_->done = true;
    if (impl_->thread.joinable()) impl_->thread.join();
    if (impl_->shown) std::fputc('\n', stderr);
}

}  // namespace rsmsim

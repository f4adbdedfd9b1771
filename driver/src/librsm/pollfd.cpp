// pollfds: a real descriptor per segment that is readable while an event is
// pending for it, so the application's own poll() sees events too. The
// driver's interrupt handler (run by the platform when the adapter's line
// rises) and every consume keep the descriptors in step with the adapter's
// pending maps.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <mutex>

#include "librsm/context.h"

namespace rsm::lib {
namespace {

std::mutex g_fd_mu;
std::map<int, Segment*> g_fds;   // pollfd -> segment

bool pending_of(const Segment& s, uint32_t exports, uint64_t imports, unsigned slot) {
    return s.kind == SegKind::Export ? ((exports >> slot) & 1) : ((imports >> slot) & 1);
}

// Makes the pipe readable iff `pending`.
void set_ready(Segment& s, bool pending) {
    if (pending == s.poll_ready) return;
    if (pending) {
        const char b = 1;
        if (::write(s.poll_write, &b, 1) == 1) s.poll_ready = true;
    } else {
        char b;
        while (::read(s.poll_read, &b, 1) == 1) {
        }
        s.poll_ready = false;
    }
}

}  // namespace

// Re-reads the pending maps and updates every pollfd of the controller.
// Caller holds the Bus lock.
void sync_pollfds(Controller& c) {
    if (c.polled.empty()) return;
    uint32_t exports = 0;
    uint64_t imports = 0;
    if (!c.hal.signal_pending(exports, imports)) return;
    for (Segment* s : c.polled)
        set_ready(*s, segment_has_entry(*s) && pending_of(*s, exports, imports, segment_slot(*s)));
}

namespace {
void interrupt_handler(void* context) {
    auto* c = static_cast<Controller*>(context);
    hw::BusLock guard(*c->bus);
    sync_pollfds(*c);
}
}  // namespace

int get_pollfd(Segment& s, struct pollfd* fd) {
    Controller& c = *s.ctrl;
    hw::BusLock guard(*c.bus);
    if (s.pollfd_refs == 0) {
        int p[2];
        if (::pipe2(p, O_NONBLOCK | O_CLOEXEC) != 0) return RSMERR_INSUFFICIENT_RESOURCES;
        s.poll_read = p[0];
        s.poll_write = p[1];
        s.poll_ready = false;
        {
            std::lock_guard<std::mutex> g(g_fd_mu);
            g_fds[s.poll_read] = &s;
        }
        c.polled.insert(&s);
        if (!c.isr_installed) {
            c.bus->set_interrupt_handler(&interrupt_handler, &c);
            c.isr_installed = true;
        }
        sync_pollfds(c);
    }
    ++s.pollfd_refs;
    fd->fd = s.poll_read;
    fd->events = POLLRDNORM;
    fd->revents = 0;
    return RSM_SUCCESS;
}

void release_pollfd(Segment& s) {
    if (s.pollfd_refs == 0) return;   // never below zero
    if (--s.pollfd_refs > 0) return;
    hw::BusLock guard(*s.ctrl->bus);
    {
        std::lock_guard<std::mutex> g(g_fd_mu);
        g_fds.erase(s.poll_read);
    }
    s.ctrl->polled.erase(&s);
    ::close(s.poll_read);
    ::close(s.poll_write);
    s.poll_read = s.poll_write = -1;
    s.poll_ready = false;
}

Segment* segment_of_pollfd(int fd) {
    std::lock_guard<std::mutex> g(g_fd_mu);
    auto it = g_fds.find(fd);
    return it == g_fds.end() ? nullptr : it->second;
}

}  // namespace rsm::lib

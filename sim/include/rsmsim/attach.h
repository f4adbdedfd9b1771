// Node programs that are OS processes of their own (`rsmsim exec`): each
// thread of a process reaches its node's adapter over a channel of its own
// (rsm/remote.h), served by a proxy program on that node.
//
// Conservative synchronisation: simulated time advances only while every
// attached thread is inside a call (waiting for its reply). A thread that
// has its reply is computing, in zero simulated time; the simulation waits
// until it sends its next request (or ends, or its process exits). Requests
// that arrive at the same simulated time are started in (node, channel)
// order, and a thread's channel is lent when its parent starts it. So the
// run does not depend on how the operating system schedules the processes
// and their threads.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "rsmsim/cluster.h"

namespace rsmsim {

struct AttachedProcess {
    int node_index;
    int fd;            // the simulator's end of the connection (rings, and its closing)
    void* channel;     // the shared rsm::remote::ChannelSet, mapped here
    pid_t pid;         // for its memory (process_vm_*) and for reports
    std::string name;  // the program, for reports
};

class Attachments {
public:
    // Starts a proxy program per process on its node (so Cluster::run waits
    // for them) and the gateway that admits their requests. A process that
    // computes longer than `stall_limit_s` wall-clock seconds without calling
    // is reported and treated as crashed. `process_cores`: how many cores the
    // processes share (the simulator runs on a core of its own).
    Attachments(Cluster& cluster, std::vector<AttachedProcess> procs, double stall_limit_s, unsigned process_cores);
    ~Attachments();
    Attachments(const Attachments&) = delete;
    Attachments& operator=(const Attachments&) = delete;

    // Per process: "exited", "stalled", "attached" ... as seen by the simulation.
    struct Outcome {
        int node_index;
        std::string name;
        bool closed;      // its connection ended (it exited or was killed)
        bool stalled;     // it stopped calling in and was cut off
        std::string last_call;
    };
    std::vector<Outcome> outcomes() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace rsmsim

#include "rsmsim/launcher.h"

#include <dlfcn.h>
#include <sched.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <set>
#include <sstream>
#include <thread>

#include "rsm/remote.h"
#include "rsmapi.h"
#include "rsmsim/attach.h"
#include "rsmsim/interrupt.h"

extern char** environ;

namespace rsmsim {

namespace {

bool executable(const std::string& path) {
    struct stat st{};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// Where execvp would find `prog`, or "" if nowhere.
std::string resolve(const std::string& prog) {
    if (prog.find('/') != std::string::npos) return executable(prog) ? prog : "";
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        const std::string p = (dir.empty() ? "." : dir) + "/" + prog;
        if (executable(p)) return p;
    }
    return "";
}

// One started process: its connection, and its output pipes.
struct Child {
    NodeProgram program;
    pid_t pid = -1;
    int conn = -1;               // the simulator's end
    void* channel = nullptr;     // the shared rsm::remote::ChannelSet
    int out = -1, err = -1;      // read ends of its stdout and stderr
    int status = 0;
};

// Forwards every node's stdout and stderr, line by line, prefixed with its
// node id, until all of them are closed. Nothing is dropped: a pipe is
// drained as fast as the node writes it.
class OutputForwarder {
public:
    explicit OutputForwarder(const std::vector<Child>& children) {
        for (const Child& c : children) {
            streams_.push_back({c.out, stdout, c.program.node_id, {}});
            streams_.push_back({c.err, stderr, c.program.node_id, {}});
        }
        thread_ = std::thread([this] { run(); });
    }
    ~OutputForwarder() { thread_.join(); }

private:
    struct Stream {
        int fd;
        std::FILE* to;
        uint16_t node;
        std::string partial;
    };
    void run() {
        for (;;) {
            std::vector<pollfd> fds;
            std::vector<Stream*> who;
            for (Stream& s : streams_)
                if (s.fd >= 0) {
                    fds.push_back({s.fd, POLLIN, 0});
                    who.push_back(&s);
                }
            if (fds.empty()) return;
            if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) return;
            for (size_t i = 0; i < fds.size(); ++i)
                if (fds[i].revents) drain(*who[i]);
        }
    }
    void drain(Stream& s) {
        char buf[65536];
        const ssize_t n = ::read(s.fd, buf, sizeof buf);
        if (n > 0) {
            s.partial.append(buf, static_cast<size_t>(n));
            size_t start = 0, nl;
            while ((nl = s.partial.find('\n', start)) != std::string::npos) {
                emit(s, s.partial.substr(start, nl - start));
                start = nl + 1;
            }
            s.partial.erase(0, start);
            return;
        }
        if (n < 0 && errno == EINTR) return;
        if (!s.partial.empty()) emit(s, s.partial);   // the last line had no newline
        ::close(s.fd);
        s.fd = -1;
    }
    static void emit(Stream& s, const std::string& line) {
        std::fprintf(s.to, "node %u| %s\n", s.node, line.c_str());
        std::fflush(s.to);
    }
    std::vector<Stream> streams_;
    std::thread thread_;
};

// The clock interposer lives beside librsm (build tree and install alike).
std::string clock_interposer() {
    Dl_info info{};
    if (!::dladdr(reinterpret_cast<void*>(&rsm_get_controller), &info) || !info.dli_fname) return "";
    std::string dir = info.dli_fname;
    dir = dir.substr(0, dir.find_last_of('/') + 1);
    const std::string lib = dir + "librsmsim_clock.so";
    return ::access(lib.c_str(), R_OK) == 0 ? lib : "";
}

// Where the parties run. Only one party of a run does useful work at a time
// (conservative synchronisation), and the others wait for it by looking at
// shared memory; on a small machine a waiter that shares the worker's core
// costs a scheduler round each time. So, given two cores or more, the
// simulator keeps one to itself (it looks busily there and never takes a
// process's core) and the node processes share the rest (a process that
// waits yields them while more processes are awake than they have cores).
struct CorePlan {
    bool pinned = false;
    cpu_set_t original{}, simulator{}, processes{};
    unsigned process_cores = 0;
};

CorePlan plan_cores() {
    CorePlan p;
    if (::sched_getaffinity(0, sizeof p.original, &p.original) != 0) return p;
    const int n = CPU_COUNT(&p.original);
    p.process_cores = static_cast<unsigned>(n);
    if (n < 2) return p;
    p.processes = p.original;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
        if (CPU_ISSET(cpu, &p.original)) {
            CPU_ZERO(&p.simulator);
            CPU_SET(cpu, &p.simulator);
            CPU_CLR(cpu, &p.processes);
            break;
        }
    p.pinned = ::sched_setaffinity(0, sizeof p.simulator, &p.simulator) == 0;
    p.process_cores = p.pinned ? static_cast<unsigned>(n - 1) : static_cast<unsigned>(n);
    return p;
}

void restore_cores(const CorePlan& p) {
    if (p.pinned) (void)::sched_setaffinity(0, sizeof p.original, &p.original);
}

// The shared channel of one node process: a memfd the child inherits, mapped here.
void* make_channel(int& shm, std::string& error) {
    shm = ::memfd_create("rsmsim-channel", MFD_CLOEXEC);
    if (shm < 0 || ::ftruncate(shm, sizeof(rsm::remote::ChannelSet)) != 0) {
        error = std::string("cannot create the channel: ") + std::strerror(errno);
        return nullptr;
    }
    void* ch = ::mmap(nullptr, sizeof(rsm::remote::ChannelSet), PROT_READ | PROT_WRITE, MAP_SHARED, shm, 0);
    if (ch == MAP_FAILED) {
        error = std::string("cannot map the channel: ") + std::strerror(errno);
        return nullptr;
    }
    return new (ch) rsm::remote::ChannelSet;   // default-initialised: the pages are zero already, and touching
                                               // every channel's 256 MiB of `data` would cost that much memory
}

// Our environment for a node program: the clock interposer preloaded (before
// any preload of the user's), the connection, node and channel named, and
// no RSMSIM_* of an enclosing run.
std::vector<std::string> child_environment(const Child& c, int conn_fd, int shm) {
    std::vector<std::string> env;
    std::string preload = clock_interposer();
    for (char** e = environ; *e; ++e) {
        if (std::strncmp(*e, "LD_PRELOAD=", 11) == 0) {
            if (!preload.empty()) preload += ":";
            preload += *e + 11;
        } else if (std::strncmp(*e, "RSMSIM_FD=", 10) != 0 && std::strncmp(*e, "RSMSIM_NODE=", 12) != 0 &&
                   std::strncmp(*e, "RSMSIM_SHM=", 11) != 0) {
            env.push_back(*e);
        }
    }
    if (!preload.empty()) env.push_back("LD_PRELOAD=" + preload);
    env.push_back(std::string(rsm::remote::kEnvFd) + "=" + std::to_string(conn_fd));
    env.push_back(std::string(rsm::remote::kEnvNode) + "=" + std::to_string(c.program.node_id));
    env.push_back(std::string(rsm::remote::kEnvShm) + "=" + std::to_string(shm));
    return env;
}

// Starts one node program with its connection and output pipes. The child
// gets RSMSIM_FD and RSMSIM_NODE; every other descriptor of ours is closed
// in it (they are all close-on-exec).
bool start(Child& c, const CorePlan& cores, std::string& error) {
    int sv[2], out[2], err[2], shm = -1;
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 || ::pipe2(out, O_CLOEXEC) != 0 ||
        ::pipe2(err, O_CLOEXEC) != 0) {
        error = std::string("cannot create the connection: ") + std::strerror(errno);
        return false;
    }
    void* ch = make_channel(shm, error);
    if (!ch) return false;
    // Everything the child needs, made before fork (after it only exec).
    std::vector<std::string> env_s = child_environment(c, sv[1], shm);
    std::vector<char*> envp, argv;
    for (auto& s : env_s) envp.push_back(s.data());
    envp.push_back(nullptr);
    for (auto& a : c.program.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const std::string path = resolve(c.program.argv[0]);
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) {
        error = std::string("fork: ") + std::strerror(errno);
        return false;
    }
    if (pid == 0) {
        if (cores.pinned) (void)::sched_setaffinity(0, sizeof cores.processes, &cores.processes);
        unblock_interrupts();
        ::dup2(out[1], STDOUT_FILENO);
        ::dup2(err[1], STDERR_FILENO);
        ::fcntl(sv[1], F_SETFD, 0);   // the connection and the channel survive exec
        ::fcntl(shm, F_SETFD, 0);
        ::execve(path.c_str(), argv.data(), envp.data());
        _exit(127);
    }
    ::close(sv[1]);
    ::close(out[1]);
    ::close(err[1]);
    ::close(shm);
    c.channel = ch;
    c.pid = pid;
    c.conn = sv[0];
    c.out = out[0];
    c.err = err[0];
    return true;
}

std::string how_it_ended(int status) {
    if (WIFEXITED(status)) return "exited " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return std::string("killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
                                    strsignal(WTERMSIG(status)) + ")";
    return "ended";
}

}  // namespace

bool parse_node_program(const std::string& text, NodeProgram& out, std::string& error) {
    const auto eq = text.find('=');
    const std::string id = text.substr(0, eq);
    if (eq == std::string::npos || id.empty() || id.size() > 3 || id.find_first_not_of("0123456789") != std::string::npos) {
        error = "--node '" + text + "': expected NODE_ID=PROGRAM [ARGS...], e.g. 8=./client";
        return false;
    }
    out.node_id = static_cast<uint16_t>(std::stoi(id));
    out.argv.clear();
    std::stringstream words(text.substr(eq + 1));
    std::string w;
    while (words >> w) out.argv.push_back(w);
    if (out.argv.empty()) {
        error = "--node '" + text + "': no program";
        return false;
    }
    return true;
}

bool check_programs(const std::vector<NodeProgram>& programs, int nodes, std::string& error) {
    if (programs.empty()) {
        error = "exec: no program (rsmsim exec -n N -- PROGRAM [ARGS...], or --node ID=PROGRAM)";
        return false;
    }
    if (static_cast<int>(programs.size()) > nodes) {
        error = "exec: " + std::to_string(programs.size()) + " programs for " + std::to_string(nodes) + " nodes";
        return false;
    }
    std::set<uint16_t> seen;
    for (const NodeProgram& p : programs) {
        if (Cluster::node_index(p.node_id, nodes) < 0) {
            error = "exec: node " + std::to_string(p.node_id) + " is not in the cluster (nodes are 4, 8, ... " +
                    std::to_string(4 * nodes) + ")";
            return false;
        }
        if (!seen.insert(p.node_id).second) {
            error = "exec: two programs for node " + std::to_string(p.node_id);
            return false;
        }
        if (resolve(p.argv[0]).empty()) {
            error = "exec: " + p.argv[0] + ": no such executable file";
            return false;
        }
    }
    return true;
}

// Starts every node program; false (all killed again, message on stderr) if one cannot start.
bool start_all(std::vector<Child>& children, const LaunchOptions& opts, const CorePlan& cores) {
    std::string error;
    for (size_t i = 0; i < children.size(); ++i) {
        children[i].program = opts.programs[i];
        if (!start(children[i], cores, error)) {
            std::fprintf(stderr, "rsmsim: node %u: %s\n", opts.programs[i].node_id, error.c_str());
            for (Child& c : children)
                if (c.pid > 0) ::kill(c.pid, SIGKILL);
            return false;
        }
    }
    return true;
}

// Simulates until every process is done (or the run cannot go on), their
// output forwarded; waits for them all. The processes' outcomes.
std::vector<Attachments::Outcome> simulate(Cluster& cluster, std::vector<Child>& children, const ClusterConfig& cfg,
                                           const LaunchOptions& opts, const CorePlan& cores, bool& finished) {
    std::vector<AttachedProcess> procs;
    for (const Child& c : children)
        procs.push_back({Cluster::node_index(c.program.node_id, cfg.nodes), c.conn, c.channel, c.pid, c.program.argv[0]});
    std::vector<Attachments::Outcome> outcomes;
    OutputForwarder output(children);
    {
        Attachments attached(cluster, procs, opts.stall_limit_s, cores.process_cores);
        stop_on_interrupt(cluster);
        finished = cluster.run();
        outcomes = attached.outcomes();
        // Left blocked (the report is out): the processes cannot go on.
        if (!finished)
            for (Child& c : children) ::kill(c.pid, SIGKILL);
    }   // closes the connections: a process still waiting on one exits
    for (Child& c : children) ::waitpid(c.pid, &c.status, 0);
    return outcomes;
}

// Which node exited how; true if the run finished and every process exited 0 in time.
bool report_processes(Cluster& cluster, const std::vector<Child>& children,
                      const std::vector<Attachments::Outcome>& outcomes, bool finished) {
    std::printf("simulated time: %.3f us; fabric packets delivered: %llu\n", Cluster::now_ns() / 1000.0,
                static_cast<unsigned long long>(cluster.fabric().packets_delivered()));
    bool ok = finished;
    for (size_t i = 0; i < children.size(); ++i) {
        const Child& c = children[i];
        const bool stalled = outcomes[i].stalled;
        std::printf("node %u (%s): %s%s\n", c.program.node_id, c.program.argv[0].c_str(),
                    stalled ? "cut off for not calling in, " : "", how_it_ended(c.status).c_str());
        ok = ok && !stalled && WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0;
    }
    if (!finished) std::printf(cluster.interrupted() ? "interrupted\n" : "node programs were left blocked\n");
    std::printf("result: %s\n", ok ? "PASS" : "FAIL");
    return ok;
}

int run_processes(const ClusterConfig& cfg, const LaunchOptions& opts) {
    std::string error;
    if (!check_programs(opts.programs, cfg.nodes, error)) {
        std::fprintf(stderr, "rsmsim: %s\n", error.c_str());
        return 2;
    }
    std::unique_ptr<Cluster> cluster;
    try {
        cluster = std::make_unique<Cluster>(cfg);
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "rsmsim: %s\n", e.what());
        return 2;
    }
    std::vector<Child> children(opts.programs.size());
    const CorePlan cores = plan_cores();
    if (!start_all(children, opts, cores)) {
        restore_cores(cores);
        return 2;
    }
    bool finished = false;
    const auto outcomes = simulate(*cluster, children, cfg, opts, cores, finished);
    restore_cores(cores);
    const bool ok = report_processes(*cluster, children, outcomes, finished);
    return cluster->interrupted() ? kInterruptedStatus : ok ? 0 : 1;
}

}  // namespace rsmsim

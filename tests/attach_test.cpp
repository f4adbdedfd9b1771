// The simulator's side of `rsmsim exec` (Attachments) driven by a fake node
// process: a thread of this test that speaks the channel protocol
// (rsm/remote.h) itself, so requests librsm never sends can be checked:
// posted register writes (and reads) are carried out in order before the
// request they travel with, and a refused one fails that request and drops
// what follows.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <initializer_list>
#include <new>
#include <thread>

#include "adapter_regs.h"
#include "rsm/bus.h"
#include "rsm/remote.h"
#include "rsmsim/attach.h"
#include "rsmsim/cluster.h"

namespace {

namespace remote = rsm::remote;
namespace r = rsm::regs;
using remote::Op;

remote::Request request(Op op, uint64_t a = 0) { return {op, 0, a, 0, 0, 0, 0, 0, 0}; }
remote::PostedWrite write32(uint64_t offset, uint32_t value) { return {offset, value, 4, 0}; }
remote::PostedWrite read32(uint64_t offset) { return {offset, 0, remote::kPostedRead, 0}; }

// The fake process: channel 0, one request at a time.
struct FakeProcess {
    remote::ChannelSet* set;
    int fd;
    uint32_t seq = 0;

    remote::Reply call(remote::Request q, std::initializer_list<remote::PostedWrite> posted = {}) {
        remote::Channel& ch = set->channel[0];
        uint32_t n = 0;
        for (const auto& w : posted) ch.posted[n++] = w;
        q.posted = n;
        ch.req = q;
        ch.req_seq.store(++seq);
        remote::ring(fd);   // the simulator may be asleep on the socket
        while (ch.rep_seq.load() != seq) std::this_thread::yield();
        return ch.rep;
    }
};

// Runs `body` as the fake process of node 4 of a two-node cluster, until it
// exits (closes its end of the socket).
void run_fake_process(const std::function<void(FakeProcess&)>& body) {
    void* m = ::mmap(nullptr, sizeof(remote::ChannelSet), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(MAP_FAILED, m);
    auto* set = new (m) remote::ChannelSet;
    int sv[2];
    ASSERT_EQ(0, ::socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    rsmsim::ClusterConfig cfg;
    cfg.nodes = 2;
    rsmsim::Cluster cluster(cfg);
    rsmsim::Attachments attached(cluster, {{0, sv[0], m, ::getpid(), "fake"}}, 30.0, 1);
    std::thread process([&] {
        FakeProcess p{set, sv[1]};
        (void)p.call(request(Op::Hello, static_cast<uint64_t>(::getpid())));
        body(p);
        ::close(sv[1]);   // the process exits
    });
    cluster.run();
    process.join();
}

}  // namespace

TEST(Attach, PostedWritesLandInOrderAndARefusedOneFailsItsRequestAndDropsTheRest) {
    remote::Reply in_order{}, refused{}, after{};
    uint32_t scratch_after = 0;
    run_fake_process([&](FakeProcess& p) {
        // Two writes to the same register, then a read of it: the last one wins.
        in_order = p.call(request(Op::Read32, r::SCRATCH), {write32(r::SCRATCH, 1), write32(r::SCRATCH, 2)});
        // A write, one to a read-only register (refused), another write.
        refused = p.call(request(Op::Read32, r::SCRATCH),
                         {write32(r::SCRATCH, 3), write32(r::ID, 0), write32(r::SCRATCH, 4)});
        after = p.call(request(Op::Read32, r::SCRATCH));
        scratch_after = static_cast<uint32_t>(after.value);
    });

    EXPECT_EQ(0u, in_order.posted_failed);
    EXPECT_EQ(1u, in_order.status);
    EXPECT_EQ(2u, in_order.value) << "posted writes are carried out in order, before the read";
    EXPECT_EQ(1u, refused.posted_failed) << "the refused write fails the request it travels with";
    EXPECT_EQ(0u, refused.status) << "and the request itself is not carried out";
    EXPECT_EQ(0u, after.posted_failed);
    EXPECT_EQ(3u, scratch_after) << "the write before the refused one landed, the one after it did not";
}

TEST(Attach, PostedReadsSeeTheWritesBeforeThemAndComeBackWithTheReply) {
    remote::Reply answered{}, refused{};
    uint32_t first = 0, second = 0;
    run_fake_process([&](FakeProcess& p) {
        answered = p.call(request(Op::Read32, r::SCRATCH),
                          {write32(r::SCRATCH, 7), read32(r::SCRATCH), write32(r::SCRATCH, 9), read32(r::SCRATCH)});
        first = p.set->channel[0].posted_read[1];
        second = p.set->channel[0].posted_read[3];
        // A read the bus refuses (misaligned) fails its request like a refused write.
        refused = p.call(request(Op::Read32, r::SCRATCH), {read32(r::SCRATCH + 2), write32(r::SCRATCH, 11)});
    });
    EXPECT_EQ(0u, answered.posted_failed);
    EXPECT_EQ(7u, first) << "a posted read sees the writes posted before it";
    EXPECT_EQ(9u, second);
    EXPECT_EQ(9u, answered.value);
    EXPECT_EQ(1u, refused.posted_failed);
    EXPECT_EQ(0u, refused.status);
}

// The signal unit's waits, as librsm's rsm_intr_signal_wait sends them: one
// request that looks, sleeps on the interrupt, acknowledges the cause it
// woke for (the node's ack epoch moves) and, once met, makes its write.
TEST(Attach, AnAcknowledgingWaitTakesWhatItFindsAndAcknowledgesTheWakeUpsItSleepsThrough) {
    const uint32_t signal = r::INTR_STATE_f::SIGNAL_MASK;
    const uint64_t ack = remote::RegWriteCode::encode({r::INTR_STATE, signal});
    remote::Reply met{}, after_met{}, timed_out{}, state_after{}, stale{}, state_at_end{};
    run_fake_process([&](FakeProcess& p) {
        // Met at the first look: the write once met lands with it.
        remote::Request q = request(Op::WaitRegAcking, r::SCRATCH);
        q.b = 1'000'000;
        q.c = 1u | remote::kOnceMet;
        q.d = ack;
        q.e = remote::RegWriteCode::encode({r::SCRATCH, 0x40});
        met = p.call(q, {write32(r::SCRATCH, 1)});
        after_met = p.call(request(Op::Read32, r::SCRATCH));
        // Never met: an interrupt (raised by INTR_TEST) wakes the wait, which
        // acknowledges it and sleeps again until the time is up.
        q.c = 2u | remote::kOnceMet;
        q.b = 5'000;
        timed_out = p.call(q, {write32(r::INTR_ENABLE, signal), write32(r::INTR_TEST, signal)});
        state_after = p.call(request(Op::Read32, r::INTR_STATE));
        // A wait for the interrupt given an epoch that moved since looks again at once.
        remote::Request w = request(Op::WaitIrqAcking, 1'000'000);
        w.b = state_after.ack_epoch - 1;
        w.d = ack;
        stale = p.call(w, {write32(r::INTR_TEST, signal)});
        state_at_end = p.call(request(Op::Read32, r::INTR_STATE));
    });
    EXPECT_EQ(static_cast<uint32_t>(rsm::hw::Bus::WaitResult::Met), met.status);
    EXPECT_EQ(1u, met.value);
    EXPECT_EQ(0x40u, after_met.value) << "the write once met";
    EXPECT_EQ(0u, met.ack_epoch);
    EXPECT_EQ(static_cast<uint32_t>(rsm::hw::Bus::WaitResult::Timeout), timed_out.status);
    EXPECT_EQ(0x40u, timed_out.value) << "no write when the wait is not met";
    EXPECT_EQ(1u, timed_out.ack_epoch) << "the wake-up it slept through was acknowledged once";
    EXPECT_EQ(0u, state_after.value & signal);
    EXPECT_EQ(1u, stale.value) << "back at once";
    EXPECT_EQ(1u, stale.ack_epoch) << "without acknowledging";
    EXPECT_EQ(signal, state_at_end.value & signal) << "the cause it did not sleep for is still up";
    EXPECT_GE(timed_out.now_ns, met.now_ns + 5'000);
}

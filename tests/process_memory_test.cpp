// ProcessMemory: DMA into another process's memory reads ahead and gathers
// writes, and still never shows a stale byte to a program that calls in
// one thread at a time. Exercised on this process's own memory (the same
// system calls as for a node process).
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

#include "rsmsim/model/process_memory.h"

using rsmsim::model::ProcessMemory;

namespace {

// The process's flag: it has started a thread, or not.
const std::atomic<uint32_t> single{0}, threaded{1};

struct Pages {
    // Two readable pages, then one the process may not touch: a read ahead
    // that went past the pinned range would fail there.
    Pages() {
        base = static_cast<uint8_t*>(::mmap(nullptr, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
        ::mprotect(base + 2 * 4096, 4096, PROT_NONE);
        for (int i = 0; i < 2 * 4096; ++i) base[i] = static_cast<uint8_t>(i);
    }
    ~Pages() { ::munmap(base, 3 * 4096); }
    uint8_t* base;
    uint8_t* end() const { return base + 2 * 4096; }
};

}  // namespace

TEST(ProcessMemory, ReadsAheadWithinThePinnedRangeAndForgetsWhenTheProcessComputes) {
    Pages p;
    ProcessMemory m(::getpid(), &single);
    uint8_t out[64];
    ASSERT_TRUE(m.read(p.base + 4096, out, 64, p.end(), 0));   // the read ahead stops at the guard page
    EXPECT_EQ(0, std::memcmp(out, p.base + 4096, 64));
    p.base[4096 + 128] = 0xAB;   // the process stores (it computes again)...
    ASSERT_TRUE(m.read(p.base + 4096 + 128, out, 1, p.end(), 10));
    EXPECT_NE(0xAB, out[0]) << "served from the chunk read ahead";
    ASSERT_TRUE(m.forget());     // ...which it can only do after this
    ASSERT_TRUE(m.read(p.base + 4096 + 128, out, 1, p.end(), 10));
    EXPECT_EQ(0xAB, out[0]);
}

TEST(ProcessMemory, InAThreadedProcessAChunkReadAheadIsReadAgainAfterItsTime) {
    Pages p;
    ProcessMemory m(::getpid(), &threaded);
    uint8_t out[1];
    ASSERT_TRUE(m.read(p.base, out, 1, p.end(), 0));
    p.base[1] = 0xCD;   // another thread stores while one is in a call
    ASSERT_TRUE(m.read(p.base + 1, out, 1, p.end(), ProcessMemory::kStaleNs));
    EXPECT_EQ(0xCD, out[0]);
}

TEST(ProcessMemory, InAOneThreadProcessAChunkReadAheadLastsTheWholeCall) {
    Pages p;
    ProcessMemory m(::getpid(), &single);
    uint8_t out[1];
    ASSERT_TRUE(m.read(p.base, out, 1, p.end(), 0));
    p.base[1] = 0xCD;   // (only a DMA could; a bulk transfer reads on from its chunk)
    ASSERT_TRUE(m.read(p.base + 1, out, 1, p.end(), 1'000'000 * ProcessMemory::kStaleNs));
    EXPECT_EQ(1, out[0]) << "read again before the process resumed";
    ASSERT_TRUE(m.forget());
    ASSERT_TRUE(m.read(p.base + 1, out, 1, p.end(), 1'000'000 * ProcessMemory::kStaleNs));
    EXPECT_EQ(0xCD, out[0]);
}

TEST(ProcessMemory, GathersContiguousWritesUntilFlushedAndReadsSeeThem) {
    Pages p;
    ProcessMemory m(::getpid(), &single);
    uint8_t ones[64], twos[64], out[128];
    std::memset(ones, 1, sizeof ones);
    std::memset(twos, 2, sizeof twos);
    ASSERT_TRUE(m.read(p.base, out, 128, p.end(), 0));   // a cached chunk the writes overlap
    ASSERT_TRUE(m.write(p.base, ones, 64));
    ASSERT_TRUE(m.write(p.base + 64, twos, 64));
    EXPECT_TRUE(m.has_pending_writes());
    EXPECT_EQ(64, p.base[64]) << "gathered, not yet written (it held its index)";
    ASSERT_TRUE(m.read(p.base + 32, out, 64, p.end(), 0));   // a DMA read sees them all the same
    EXPECT_EQ(1, out[0]);
    EXPECT_EQ(2, out[63]);
    EXPECT_FALSE(m.has_pending_writes());
    EXPECT_EQ(2, p.base[127]);
}

TEST(ProcessMemory, AChunkReadAheadOverGatheredWritesHoldsThem) {
    Pages p;
    ProcessMemory m(::getpid(), &single);
    uint8_t v = 0xEE, out[1];
    ASSERT_TRUE(m.write(p.base + 100, &v, 1));          // gathered
    ASSERT_TRUE(m.read(p.base, out, 1, p.end(), 0));    // its chunk covers byte 100
    ASSERT_TRUE(m.read(p.base + 100, out, 1, p.end(), 0));
    EXPECT_EQ(0xEE, out[0]) << "the chunk kept the byte from before the write";
}

TEST(ProcessMemory, AWriteElsewhereWritesOutTheGatheredOnes) {
    Pages p;
    ProcessMemory m(::getpid(), &single);
    uint8_t v = 7;
    ASSERT_TRUE(m.write(p.base, &v, 1));
    ASSERT_TRUE(m.write(p.base + 4096, &v, 1));   // not contiguous
    EXPECT_EQ(7, p.base[0]);
    EXPECT_NE(7, p.base[4096]);
    ASSERT_TRUE(m.forget());
    EXPECT_EQ(7, p.base[4096]);
}

TEST(ProcessMemory, AProcessThatIsGoneIsAFailedCopy) {
    ProcessMemory m(0x7ffffff0, &single);   // no such process
    uint8_t b[4] = {};
    EXPECT_FALSE(m.read(b, b, 4, b + 4, 0));
    ASSERT_TRUE(m.write(b, b, 4));   // gathered...
    EXPECT_FALSE(m.flush());         // ...and refused when written out
}

// Simulation speed of the adapter core: the same stimulus (DMA chains, signal
// posts, lookups, counters, register traffic) played on the verilated core
// without and with VCD tracing, and on Icarus Verilog. Reports simulated core
// cycles per wall second, and at the end the Verilator/Icarus ratio measured
// in this run.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "support/stimulus_player.h"

namespace {

double g_rate[3] = {0, 0, 0};   // cycles per wall second: verilator, verilator+vcd, icarus

// Parsed once: the benchmark times simulation, not reading the text file.
const std::vector<rsmsim::test::StimulusOp>& stimulus() {
    static const auto ops = rsmsim::test::load_stimulus(RSM_STIMULUS);
    return ops;
}

void report(benchmark::State& state, uint64_t cycles_per_run, double seconds, int slot) {
    state.counters["cycles"] = double(cycles_per_run);
    // Wall time: Icarus runs in a child process, invisible to CPU time.
    g_rate[slot] = double(cycles_per_run) * double(state.iterations()) / seconds;
    state.counters["cycles_per_wall_s"] = g_rate[slot];
}

double since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void BM_VerilatorCore(benchmark::State& state) {
    uint64_t cycles = 0;
    const auto t0 = std::chrono::steady_clock::now();
    stimulus();
    for (auto _ : state) cycles = rsmsim::test::play_stimulus(stimulus()).cycles;
    report(state, cycles, since(t0), 0);
}

void BM_VerilatorCoreVcd(benchmark::State& state) {
    const std::string path = "/tmp/rsmsim_bench_" + std::to_string(::getpid()) + ".vcd";
    uint64_t cycles = 0;
    const auto t0 = std::chrono::steady_clock::now();
    stimulus();
    for (auto _ : state) cycles = rsmsim::test::play_stimulus(stimulus(), path.c_str()).cycles;
    report(state, cycles, since(t0), 1);
    std::remove(path.c_str());
}

void BM_Icarus(benchmark::State& state) {
    const std::string out = "/tmp/rsmsim_bench_icarus_" + std::to_string(::getpid()) + ".out";
    const std::string cmd = std::string(RSM_VVP) + " -n " RSM_ICARUS_TB " +stim=" RSM_STIMULUS " +out=" + out + " > /dev/null";
    unsigned long cycles = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (auto _ : state) {
        if (std::system(cmd.c_str()) != 0) {
            state.SkipWithError("vvp failed");
            return;
        }
    }
    const double secs = since(t0);
    std::ifstream in(out);
    std::string line, last;
    while (std::getline(in, line)) last = line;
    std::sscanf(last.c_str(), "END %lu", &cycles);
    std::remove(out.c_str());
    report(state, cycles, secs, 2);
}

}  // namespace

BENCHMARK(BM_VerilatorCore)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_VerilatorCoreVcd)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_Icarus)->Unit(benchmark::kMillisecond)->Iterations(3);

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    if (g_rate[0] > 0 && g_rate[2] > 0) {
        std::printf("\nsame stimulus, one run: Verilator %.0f cycles/s, Verilator+VCD %.0f cycles/s, "
                    "Icarus %.0f cycles/s\n", g_rate[0], g_rate[1], g_rate[2]);
        std::printf("Verilator/Icarus = %.1fx; Verilator+VCD/Icarus = %.1fx; VCD costs %.1fx\n",
                    g_rate[0] / g_rate[2], g_rate[1] / g_rate[2], g_rate[1] > 0 ? g_rate[0] / g_rate[1] : 0.0);
    }
    return 0;
}

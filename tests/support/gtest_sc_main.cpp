// main() for every test binary: libsystemc needs sc_main, so GoogleTest runs
// inside it. Tests that elaborate a SystemC design are run one per process
// by CTest (gtest_discover_tests), since SystemC elaborates once per process.
#include <gtest/gtest.h>

#include <cstdlib>
#include <systemc>

int main(int argc, char* argv[]) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    ::testing::InitGoogleTest(&argc, argv);
    return sc_core::sc_elab_and_sim(argc, argv);
}

int sc_main(int, char*[]) {
    sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    return RUN_ALL_TESTS();
}

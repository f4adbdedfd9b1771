// A file (or directory) in the test's temporary directory, removed with
// the object, whatever it holds. Its name carries the process id: ctest
// runs a test in several fidelities at once, and they must not read each
// other's files.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace rsmsim::test {

struct TempFile {
    std::string path;
    // The name only (something else writes the file).
    explicit TempFile(const std::string& name) : path(::testing::TempDir() + std::to_string(::getpid()) + "_" + name) {}
    // Written with `text`.
    TempFile(const std::string& name, const std::string& text) : TempFile(name) { std::ofstream(path) << text; }
    ~TempFile() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
};

}  // namespace rsmsim::test

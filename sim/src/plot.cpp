#include "rsmsim/plot.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace rsmsim {

namespace {

// gnuplot strings are single-quoted: a quote inside is doubled.
std::string quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

bool run_gnuplot(const std::string& script, const std::string& svg, std::string& error) {
    char path[] = "/tmp/rsmsim-plot-XXXXXX";
    const int fd = ::mkstemp(path);
    if (fd < 0) {
        error = "cannot write a gnuplot script in /tmp";
        return false;
    }
    const bool written = ::write(fd, script.data(), script.size()) == static_cast<ssize_t>(script.size());
    ::close(fd);
    const std::string cmd = std::string("gnuplot ") + path + " 2>&1";
    std::FILE* p = written ? ::popen(cmd.c_str(), "r") : nullptr;
    std::string said;
    char buf[256];
    while (p && std::fgets(buf, sizeof buf, p)) said += buf;
    const int status = p ? ::pclose(p) : -1;
    ::unlink(path);
    if (status != 0) {
        error = "gnuplot could not draw " + svg + (said.empty() ? "" : ": " + said);
        return false;
    }
    return true;
}

std::string header(const std::string& svg, const std::string& title) {
    return "set terminal svg size 900,560 dynamic background rgb 'white' font 'sans,12'\n"
           "set output " + quoted(svg) + "\nset datafile separator ','\nset title " + quoted(title) +
           "\nset grid\n";
}

}  // namespace

bool gnuplot_available() { return std::system("gnuplot --version > /dev/null 2>&1") == 0; }

bool plot_sweep(const std::string& csv, const std::string& svg, const std::string& title, std::string& error) {
    std::ostringstream s;
    s << header(svg, title) << "set logscale xy\nset format x '%.0s%cB'\nset xlabel 'transfer size (bytes)'\n"
      << "set ylabel 'MB/s (simulated time, call to return)'\nset key left top\n"
      << "plot for [m in 'put get putv getv map'] " << quoted(csv)
      << " every ::1 using (strcol(1) eq m ? $2 : 1/0):4 with linespoints lw 2 title m\n";
    return run_gnuplot(s.str(), svg, error);
}

bool plot_latency(const std::string& csv, const std::string& svg, const std::string& title, double bin_us,
                  std::string& error) {
    std::ostringstream s;
    s << header(svg, title) << "bin(x) = " << bin_us << " * floor(x / " << bin_us << ")\n"
      << "set boxwidth " << bin_us * 0.9 << "\nset style fill solid 0.6\nset xlabel 'round trip (us, simulated)'\n"
      << "set ylabel 'rounds'\nset key off\nplot " << quoted(csv)
      << " every ::1 using (bin($2)):(1.0) smooth freq with boxes\n";
    return run_gnuplot(s.str(), svg, error);
}

}  // namespace rsmsim

// Pictures of the scenarios' results: gnuplot draws an SVG from the CSV the
// run wrote (the data stays beside the picture).
#pragma once

#include <string>

namespace rsmsim {

// Whether gnuplot can be run (checked before a run that must plot).
bool gnuplot_available();
// Bandwidth against size, one line per method, from a sweep CSV
// (method,bytes,us,MBps,data_ok). False sets `error`.
bool plot_sweep(const std::string& csv, const std::string& svg, const std::string& title, std::string& error);
// A histogram of round trips from a ping-pong CSV (round,rtt_us), bins of
// `bin_us`. False sets `error`.
bool plot_latency(const std::string& csv, const std::string& svg, const std::string& title, double bin_us,
                  std::string& error);

}  // namespace rsmsim

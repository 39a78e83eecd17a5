// Progress of a long loop over spots, on stderr: on a terminal one line rewritten in place at
// most twice a second ("  encode  12,288/100,000 spots  85 spots/s  ETA 17 min"); otherwise
// (a log file, CI) a plain line at each further tenth of the work. Silent for short loops
// and under -q, so small runs and scripts see what they saw before.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

namespace stx {

class Progress {
 public:
  using Clock = std::function<double()>;  // seconds, monotonic

  /// Reports on stderr when the loop has at least `min_total` items and the log level is info.
  Progress(std::string label, int64_t total, int64_t min_total = 2000);
  /// For tests: the stream, whether it is a terminal, and the clock.
  Progress(std::string label, int64_t total, std::FILE* out, bool terminal, Clock clock);
  ~Progress();  // ends a terminal line
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// `done` items are now finished (a running count).
  void update(int64_t done);
  /// The first `done` items were finished by an earlier run (a resumed one): spots/s and the
  /// ETA count only what this run does. Call before the first update.
  void resume_from(int64_t done);

 private:
  void print(int64_t done, double now, bool final);

  std::string label_;
  int64_t total_ = 0;
  std::FILE* out_ = nullptr;  // null: silent
  bool terminal_ = false;
  Clock clock_;
  double start_ = 0, last_print_ = -1;
  int64_t next_tenth_ = 1;
  int64_t resumed_ = 0;
  bool finished_ = false;
};

/// "17 min", "45 s", "2.1 h": a duration as a person reads it.
std::string human_duration(double seconds);

}  // namespace stx

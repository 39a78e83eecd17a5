#include "stx/core/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>

#include "stx/core/log.hpp"

namespace stx {
namespace {

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string thousands(int64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

std::string human_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  if (seconds < 90) return fmt::format("{:.0f} s", seconds);
  if (seconds < 90 * 60) return fmt::format("{:.0f} min", seconds / 60);
  return fmt::format("{:.1f} h", seconds / 3600);
}

Progress::Progress(std::string label, int64_t total, int64_t min_total)
    : Progress(std::move(label), total,
               total >= min_total && log()->should_log(spdlog::level::info) ? stderr : nullptr,
               ::isatty(STDERR_FILENO) == 1, steady_seconds) {}

Progress::Progress(std::string label, int64_t total, std::FILE* out, bool terminal, Clock clock)
    : label_(std::move(label)), total_(total), out_(total > 0 ? out : nullptr), terminal_(terminal),
      clock_(std::move(clock)) {
  if (clock_) start_ = clock_();
}

Progress::~Progress() {
  if (out_ && terminal_ && last_print_ >= 0) std::fputc('\n', out_);
}

void Progress::update(int64_t done) {
  if (!out_ || finished_) return;
  const double now = clock_();
  const bool final = done >= total_;
  if (terminal_) {
    if (final || last_print_ < 0 || now - last_print_ >= 0.5) print(done, now, final);
  } else if (final || done * 10 >= next_tenth_ * total_) {
    print(done, now, final);
    while (next_tenth_ * total_ <= done * 10) ++next_tenth_;
  }
  finished_ = final;
}

void Progress::resume_from(int64_t done) {
  resumed_ = done;
  while (total_ > 0 && next_tenth_ * total_ <= done * 10) ++next_tenth_;
}

void Progress::print(int64_t done, double now, bool final) {
  const double elapsed = now - start_;
  const double rate = elapsed > 0 ? static_cast<double>(done - resumed_) / elapsed : 0;
  const std::string tail = final ? fmt::format("in {}", human_duration(elapsed))
                                 : fmt::format("ETA {}", rate > 0 ? human_duration(static_cast<double>(total_ - done) / rate) : "?");
  const std::string line = fmt::format("  {}  {}/{} spots  {:.0f} spots/s  {}", label_, thousands(done),
                                       thousands(total_), rate, tail);
  if (terminal_) fmt::print(out_, "\r{:<72}", line);
  else fmt::print(out_, "{}\n", line);
  std::fflush(out_);
  last_print_ = now;
}

}  // namespace stx

#include "stx/io/files/crash_guard.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "stx/core/error.hpp"

namespace stx {
namespace {

// Long enough for a good file read at 10 MB/s, the slowest a local disk and gzip-compressed
// HDF5 chunks give; a read that takes longer is stuck (HDF5 1.10.8 loops forever in
// H5HG_read on some damaged global heaps: found by fuzz_h5).
double read_time_limit_seconds(const std::string& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  return 30.0 + (error ? 0.0 : static_cast<double>(size) / 10e6);
}

// Waits until the pipe's write end closes (the child has ended) or `seconds` pass.
bool ended_within(int pipe_read_end, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd fd{pipe_read_end, POLLIN, 0};
    const int ready = ::poll(&fd, 1, static_cast<int>(std::min<int64_t>(left.count(), 60'000)));
    if (ready > 0) return true;  // POLLHUP: the child's end closed when it exited
    if (ready < 0 && errno != EINTR) return true;  // cannot wait: let waitpid decide
  }
}

}  // namespace

void refuse_if_reading_crashes(const std::string& path, const char* library, const std::function<void()>& read) {
  refuse_if_reading_crashes(path, library, read, read_time_limit_seconds(path));
}

void refuse_if_reading_crashes(const std::string& path, const char* library, const std::function<void()>& read,
                               double limit) {
  std::fflush(nullptr);  // the child must not write the parent's buffered output a second time
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) return;  // no pipe to spare: read unguarded
  const pid_t child = ::fork();
  if (child < 0) {  // no process to spare: read unguarded, as before the guard existed
    ::close(ends[0]);
    ::close(ends[1]);
    return;
  }
  if (child == 0) {
    ::close(ends[0]);  // ends[1] stays open until the child exits
    // die by the signal itself, not through a handler the parent installed
    for (const int fatal : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) std::signal(fatal, SIG_DFL);
    try {
      read();
    } catch (...) {  // the parent's own read raises the same error
    }
    std::_Exit(0);  // no exit handlers, no flushing of inherited streams
  }
  ::close(ends[1]);
  const bool ended = ended_within(ends[0], limit);
  ::close(ends[0]);
  if (!ended) ::kill(child, SIGKILL);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) return;
  }
  if (!ended)
    throw FormatError(fmt::format("{}: damaged file: the {} library did not finish reading it within {:g} s",
                                  path, library, std::round(limit * 10) / 10));
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    throw FormatError(fmt::format("{}: damaged file: reading it crashed the {} library (signal {}, {})", path,
                                  library, signal, ::strsignal(signal)));
  }
}

}  // namespace stx

#include "stx/io/crash_guard.hpp"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include "stx/core/error.hpp"

namespace stx {

void refuse_if_reading_crashes(const std::string& path, const char* library, const std::function<void()>& read) {
  std::fflush(nullptr);  // the child must not write the parent's buffered output a second time
  const pid_t child = ::fork();
  if (child < 0) return;  // no process to spare: read unguarded, as before the guard existed
  if (child == 0) {
    // die by the signal itself, not through a handler the parent installed
    for (const int fatal : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) std::signal(fatal, SIG_DFL);
    try {
      read();
    } catch (...) {  // the parent's own read raises the same error
    }
    std::_Exit(0);  // no exit handlers, no flushing of inherited streams
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) return;
  }
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    throw FormatError(fmt::format("{}: damaged file: reading it crashed the {} library (signal {}, {})", path,
                                  library, signal, ::strsignal(signal)));
  }
}

}  // namespace stx

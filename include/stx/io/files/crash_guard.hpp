// Reading a file whose parser is not ours and can crash on damaged bytes: Debian 12's HDF5
// 1.10.8 segfaults on some corrupt .h5/.h5ad files (fuzz_h5 found one in 300 runs: one flipped
// bit in a string's global-heap address, SIGSEGV in H5HG_read), and no check of ours can run
// before its parser does.
#pragma once

#include <functional>
#include <string>

namespace stx {

/// Runs `read` once in a forked child process first. If the child dies by a signal, or has
/// not finished after 30 s plus 1 s per 10 MB of the file (HDF5 also loops forever on some
/// damaged files), throws FormatError naming `path`, the `library` and what happened.
/// Otherwise returns, and the caller reads for real: the same bytes through the same code then
/// neither crash nor hang, and any error they raise is the caller's own, as without the guard.
/// Costs one extra read of the file.
void refuse_if_reading_crashes(const std::string& path, const char* library, const std::function<void()>& read);

/// The same with an explicit time limit.
void refuse_if_reading_crashes(const std::string& path, const char* library, const std::function<void()>& read,
                               double time_limit_seconds);

}  // namespace stx

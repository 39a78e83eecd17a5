#include "torch_compat.hpp"

#include <ATen/Parallel.h>

#include <thread>

namespace stx::torch_compat {

void set_threads(int threads) {
  const int n = threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (at::get_num_threads() != n) at::set_num_threads(n);
}

std::string first_line(const c10::Error& error) {
  const std::string message = error.what_without_backtrace();
  return message.substr(0, message.find('\n'));
}

}  // namespace stx::torch_compat

// An exception must not leave an OpenMP region (it calls std::terminate). Loop bodies run
// through FirstError::run, which keeps the first exception any thread threw; rethrow() raises
// it after the loop, on the calling thread.
#pragma once

#include <exception>
#include <mutex>
#include <utility>

namespace stx {

class FirstError {
 public:
  template <typename Body>
  void run(Body&& body) noexcept {
    try {
      std::forward<Body>(body)();
    } catch (...) {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (!first_) first_ = std::current_exception();
    }
  }

  void rethrow() const {
    if (first_) std::rethrow_exception(first_);
  }

 private:
  std::mutex mutex_;
  std::exception_ptr first_;
};

}  // namespace stx

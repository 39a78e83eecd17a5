// Data-parallel training over processes (stx train --nproc N): each process takes some of a
// step's slides, and the gradients and loss sums are added up across processes with c10d's
// ProcessGroupGloo (in Debian's libtorch_cpu) over a FileStore and the loopback interface.
// With one process every call is a no-op, so the single-process path is unchanged.
#pragma once

#include <memory>
#include <vector>

#include <torch/nn.h>

#include "stx/train/trainer.hpp"

namespace stx {

class GradientSync {
 public:
  explicit GradientSync(const DataParallel& parallel);  // world 1: nothing to synchronise
  ~GradientSync();
  GradientSync(const GradientSync&) = delete;
  GradientSync& operator=(const GradientSync&) = delete;

  /// Whether this process trains the step's `slot`-th slide (slots dealt round-robin).
  bool owns(int64_t slot) const { return slot % world_ == rank_; }
  /// In place: the sum of `values` over all processes.
  void sum(torch::Tensor& values) const;
  /// Every parameter's gradient summed over all processes (a missing one counts as zero).
  void sum_gradients(const std::vector<torch::Tensor>& parameters) const;

 private:
  int rank_ = 0, world_ = 1;
  struct Group;
  std::unique_ptr<Group> group_;
};

}  // namespace stx

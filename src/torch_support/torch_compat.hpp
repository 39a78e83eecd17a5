// The one place for LibTorch version differences (Debian's 1.13 CPU build here; the CUDA
// LibTorch carried by PyTorch 2.x on GPU machines). Code outside includes this, never
// torch headers directly, and calls these wrappers instead of version-specific APIs.
#pragma once

#include <torch/nn.h>
#include <torch/script.h>
#include <torch/utils.h>

#include <string>

namespace stx::torch_compat {

/// No autograd bookkeeping during inference (c10::InferenceMode exists from 1.9 on).
using InferenceGuard = c10::InferenceMode;

/// LibTorch starts with one intra-op thread here; 0 means all cores.
void set_threads(int threads);

/// The first line of a LibTorch error: its full text carries a C++ backtrace.
std::string first_line(const c10::Error& error);

}  // namespace stx::torch_compat

// The one place for LibTorch version differences (Debian's 1.13 CPU build here; the CUDA
// LibTorch carried by PyTorch 2.x on GPU machines). Code outside includes this, never
// torch headers directly, and calls these wrappers instead of version-specific APIs.
#pragma once

#include <torch/cuda.h>
#include <torch/nn.h>
#include <torch/optim.h>
#include <torch/script.h>
#include <torch/utils.h>

#include <string>

namespace stx::torch_compat {

/// No autograd bookkeeping during inference (c10::InferenceMode exists from 1.9 on).
using InferenceGuard = c10::InferenceMode;

/// Fused multi-head self-attention for inference (what nn.MultiheadAttention's eval fast path
/// calls in PyTorch 1.13 and 2.x): x (B, N, D), packed qkv (3D, D) and output projection
/// (D, D) weights. Returns (B, N, D).
torch::Tensor fused_self_attention(const torch::Tensor& x, int64_t heads, const torch::Tensor& qkv_weight,
                                   const torch::Tensor& qkv_bias, const torch::Tensor& proj_weight,
                                   const torch::Tensor& proj_bias);

/// "cpu", "cuda" or "auto" (CUDA when this LibTorch sees a device). ConfigError for "cuda"
/// without one (Debian's LibTorch is a CPU build) and for any other name.
torch::Device resolve_device(const std::string& name);

/// The thread count `threads` asks for: itself, or all cores for 0.
int thread_count(int threads);

/// LibTorch starts with one intra-op thread here; 0 means all cores. Per calling thread.
void set_threads(int threads);

/// The first line of a LibTorch error: its full text carries a C++ backtrace.
std::string first_line(const c10::Error& error);

/// The bytes of an archive, for the project's atomic writers: LibTorch's own file writer
/// (PyTorchStreamWriter) finishes the zip in its destructor, which throws on a full disk and
/// so ends the process in std::terminate (exit 134, a stack trace).
std::string archive_bytes(torch::serialize::OutputArchive& archive);

}  // namespace stx::torch_compat

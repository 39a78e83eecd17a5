#include "stx/torch/torch_compat.hpp"

#include <ATen/Parallel.h>
#include <ATen/ops/_native_multi_head_attention.h>

#include <string>
#include <thread>

#include "stx/core/error.hpp"
#include "stx/core/name_table.hpp"

namespace stx::torch_compat {

torch::Device resolve_device(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  const bool cuda = torch::cuda::is_available();
  if (name == "auto") return cuda ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
  STX_CHECK(name == "cuda", ConfigError, "--device: '{}' is not one of {}", name, fmt::join(device_names(), ", "));
  STX_CHECK(cuda, ConfigError, "--device cuda: this LibTorch sees no CUDA device (use cpu or auto)");
  return torch::kCUDA;
}

int thread_count(int threads) {
  return threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void set_threads(int threads) {
  const int n = thread_count(threads);
  if (at::get_num_threads() != n) at::set_num_threads(n);
}

torch::Tensor fused_self_attention(const torch::Tensor& x, int64_t heads, const torch::Tensor& qkv_weight,
                                   const torch::Tensor& qkv_bias, const torch::Tensor& proj_weight,
                                   const torch::Tensor& proj_bias) {
  return std::get<0>(at::_native_multi_head_attention(x, x, x, x.size(2), heads, qkv_weight, qkv_bias,
                                                      proj_weight, proj_bias, c10::nullopt,
                                                      /*need_weights=*/false));
}

std::string first_line(const c10::Error& error) {
  const std::string message = error.what_without_backtrace();
  return message.substr(0, message.find('\n'));
}

std::string archive_bytes(torch::serialize::OutputArchive& archive) {
  std::string bytes;
  archive.save_to([&bytes](const void* data, size_t size) -> size_t {
    bytes.append(static_cast<const char*>(data), size);
    return size;
  });
  return bytes;
}

}  // namespace stx::torch_compat

#include "gradient_sync.hpp"

#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>

#include <chrono>

#include "stx/core/error.hpp"
#include "stx/core/log.hpp"
#include "stx/torch/torch_compat.hpp"

namespace stx {

struct GradientSync::Group {
  c10::intrusive_ptr<::c10d::ProcessGroupGloo> gloo;
};

GradientSync::GradientSync(const DataParallel& p) : rank_(p.rank), world_(p.world) {
  STX_CHECK(p.world >= 1 && p.rank >= 0 && p.rank < p.world, ConfigError,
            "data-parallel training: rank {} of {} processes", p.rank, p.world);
  if (p.world == 1) return;
  STX_CHECK(!p.store.empty(), ConfigError, "data-parallel training: no store file for {} processes", p.world);
  try {
    auto store = c10::make_intrusive<::c10d::FileStore>(p.store, p.world);
    auto options = ::c10d::ProcessGroupGloo::Options::create(std::chrono::minutes(30));
    options->devices.push_back(::c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    group_ = std::make_unique<Group>();
    group_->gloo = c10::make_intrusive<::c10d::ProcessGroupGloo>(store, p.rank, p.world, options);
    log()->debug("data-parallel: process {} of {} joined", p.rank + 1, p.world);
  } catch (const c10::Error& e) {
    throw IoError(fmt::format("data-parallel training: process {} of {} cannot join the others: {}", p.rank + 1,
                              p.world, torch_compat::first_line(e)));
  }
}

GradientSync::~GradientSync() = default;

void GradientSync::sum(torch::Tensor& values) const {
  if (!group_) return;
  std::vector<torch::Tensor> tensors = {values};
  group_->gloo->allreduce(tensors)->wait();
}

void GradientSync::sum_gradients(const std::vector<torch::Tensor>& parameters) const {
  if (!group_) return;
  std::vector<torch::Tensor> grads;
  for (const auto& p : parameters) {
    if (!p.requires_grad()) continue;
    torch::Tensor parameter = p;  // a handle: its gradient is the parameter's own
    if (!parameter.grad().defined()) parameter.mutable_grad() = torch::zeros_like(parameter);
    grads.push_back(parameter.grad());
  }
  if (grads.empty()) return;
  std::vector<torch::Tensor> flat_views;
  for (const auto& g : grads) flat_views.push_back(g.reshape({-1}));
  torch::Tensor flat = torch::cat(flat_views);  // one all-reduce for the whole model
  sum(flat);
  int64_t offset = 0;
  for (auto& g : grads) {
    const int64_t n = g.numel();
    g.copy_(flat.slice(0, offset, offset + n).view_as(g));
    offset += n;
  }
}

}  // namespace stx

// Native ViT-B/16 or Swin-T forward vs torchvision (bench/image_model_reference.py writes the
// weights as .pth, the input batch and torchvision's features). Checks the features first (max
// abs difference must be <= 1e-4), then times the forward at STX_BENCH_THREADS threads.
// GFLOP/s counts 2 FLOP per multiply-add: 35.1 GFLOP per 224 px image for ViT-B/16 (17.56
// GMACs), 8.98 for Swin-T (4.49 GMACs), torchvision's published figures. Then the same in
// bfloat16, whose distance to torchvision's float32 features is printed.
// Usage: image_model_bench vit|swin PREFIX BATCH [benchmark flags]   (PREFIX.pth, PREFIX_input.f32, ...)
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>

#include "stx/histology/torch/swin.hpp"
#include "stx/histology/torch/vit.hpp"

namespace {

std::vector<float> read_floats(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  std::vector<float> v(static_cast<size_t>(in.tellg()) / sizeof(float));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(float)));
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || (std::string(argv[1]) != "vit" && std::string(argv[1]) != "swin")) {
    std::cerr << "usage: image_model_bench vit|swin PREFIX BATCH\n";
    return 1;
  }
  const std::string kind = argv[1], prefix = argv[2];
  const int64_t batch = std::atoll(argv[3]);
  const char* env = std::getenv("STX_BENCH_THREADS");
  const int threads = env ? std::atoi(env) : 2;
  using Forward = std::function<std::vector<float>(const std::vector<float>&, int64_t)>;
  const auto load = [&](bool bf16) -> Forward {
    if (kind == "vit") {
      auto vit = std::make_shared<stx::NativeViT>(prefix + ".pth", threads);
      if (bf16) vit->use_bfloat16();
      return [vit](const std::vector<float>& x, int64_t b) { return vit->forward(x, b); };
    }
    auto swin = std::make_shared<stx::NativeSwin>(prefix + ".pth", threads);
    if (bf16) swin->use_bfloat16();
    return [swin](const std::vector<float>& x, int64_t b) { return swin->forward(x, b); };
  };
  const Forward forward = load(false), forward_bf16 = load(true);
  const double gflop_per_image = kind == "vit" ? 35.1 : 8.98;
  static const std::vector<float> images = read_floats(prefix + "_input.f32");
  const std::vector<float> reference = read_floats(prefix + "_output.f32");
  const auto ours = forward(images, batch);
  double worst = 0;
  for (size_t i = 0; i < ours.size(); ++i) worst = std::max(worst, static_cast<double>(std::abs(ours[i] - reference[i])));
  std::cerr << "native " << kind << " vs torchvision: " << batch << " images, " << ours.size() / batch
            << " features, max abs difference " << worst << "\n";
  if (ours.size() != reference.size() || worst > 1e-4) return 1;
  // bfloat16: not held to 1e-4; its distance to float32 is reported (max abs, Pearson r)
  const auto bf16 = forward_bf16(images, batch);
  double bf16_worst = 0, ref_max = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (size_t i = 0; i < bf16.size(); ++i) {
    const double x = reference[i], y = bf16[i];
    bf16_worst = std::max(bf16_worst, std::abs(x - y));
    ref_max = std::max(ref_max, std::abs(x));
    sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y;
  }
  const double n = static_cast<double>(bf16.size());
  const double r = (sxy - sx * sy / n) / std::sqrt((sxx - sx * sx / n) * (syy - sy * sy / n));
  std::cerr << "bf16 vs torchvision float32: max abs difference " << bf16_worst << " (largest feature "
            << ref_max << "), Pearson r " << r << "\n";

  for (const auto& [name, run] : {std::make_pair(std::string("float32"), forward), std::make_pair(std::string("bf16"), forward_bf16)})
    benchmark::RegisterBenchmark(("native_" + kind + "/" + name).c_str(), [=](benchmark::State& state) {
      for (auto _ : state) benchmark::DoNotOptimize(run(images, batch));
      const double per_batch = static_cast<double>(batch);
      state.counters["images/s"] = benchmark::Counter(per_batch * static_cast<double>(state.iterations()),
                                                      benchmark::Counter::kIsRate);
      state.counters["GFLOP/s"] = benchmark::Counter(gflop_per_image * per_batch * static_cast<double>(state.iterations()),
                                                     benchmark::Counter::kIsRate);
    })->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}

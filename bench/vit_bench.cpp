// Native ViT-B/16 forward vs torchvision (bench/vit_b16_reference.py writes the weights, the
// input batch and torchvision's features). Checks the features first (max abs difference
// must be <= 1e-4), then times the forward at STX_BENCH_THREADS threads. GFLOP/s uses
// 35.1 GFLOP per 224 x 224 image (2 x 17.56 GMACs for ViT-B/16).
// Usage: vit_bench DIR BATCH [benchmark flags]
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "stx/histology/vit.hpp"

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
  if (argc < 3) {
    std::cerr << "usage: vit_bench DIR BATCH\n";
    return 1;
  }
  const std::string dir = argv[1];
  const int64_t batch = std::atoll(argv[2]);
  const char* env = std::getenv("STX_BENCH_THREADS");
  const int threads = env ? std::atoi(env) : 2;
  static const stx::NativeViT vit(dir + "/vit_b16.safetensors", threads);
  static const std::vector<float> images = read_floats(dir + "/vit_input.f32");
  const std::vector<float> reference = read_floats(dir + "/vit_output.f32");
  const auto ours = vit.forward(images, batch);
  double worst = 0;
  for (size_t i = 0; i < ours.size(); ++i) worst = std::max(worst, static_cast<double>(std::abs(ours[i] - reference[i])));
  std::cerr << "native ViT-B/16 vs torchvision vit_b_16: " << ours.size() / 768 << " images, max abs difference "
            << worst << "\n";
  if (ours.size() != reference.size() || worst > 1e-4) return 1;

  benchmark::RegisterBenchmark("native_vit_b16/forward", [batch](benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(vit.forward(images, batch));
    const double per_batch = static_cast<double>(batch);
    state.counters["images/s"] = benchmark::Counter(per_batch * static_cast<double>(state.iterations()),
                                                    benchmark::Counter::kIsRate);
    state.counters["GFLOP/s"] = benchmark::Counter(35.1 * per_batch * static_cast<double>(state.iterations()),
                                                   benchmark::Counter::kIsRate);
  })->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}

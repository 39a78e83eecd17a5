// Built-in encoder throughput on HER2ST C2's full-resolution H&E (9274 x 9911 px, 0.69 µm/px),
// at STX_BENCH_THREADS threads (default 2):
//  - real_spots: C2's 187 spots, image opened afresh each iteration (JPEG decode included);
//  - dense_grid: a 50 µm grid over the spots' bounding box (~8,000 spots), decode included,
//    i.e. a whole-slide-like workload where the decode is amortised.
// Before timing: the features are finite and two runs agree exactly (determinism).
// Usage: encoder_bench SHARED_DATA [google-benchmark flags]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iostream>

#include "stx/histology/encoders/encoder.hpp"
#include "stx/io/readers/read_slide.hpp"

namespace {

stx::Slide* real = nullptr;
stx::Slide* grid = nullptr;

int threads() {
  const char* env = std::getenv("STX_BENCH_THREADS");
  return env ? std::atoi(env) : 2;
}

void encode(benchmark::State& state, const stx::Slide* slide) {
  stx::EncoderOptions options;
  options.threads = threads();
  const auto encoder = stx::make_encoder(options);
  for (auto _ : state) {
    stx::Slide fresh = *slide;
    fresh.image = stx::open_image(slide->image->path());  // decode inside the timed loop
    std::vector<uint8_t> off;
    benchmark::DoNotOptimize(encoder->encode(fresh, off));
  }
  state.counters["spots/s"] = benchmark::Counter(static_cast<double>(slide->n_spots() * state.iterations()),
                                                 benchmark::Counter::kIsRate);
  state.counters["threads"] = options.threads;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: encoder_bench SHARED_DATA [benchmark flags]\n";
    return 1;
  }
  stx::ReadOptions read;
  read.input = std::string(argv[1]) + "/her2st";
  read.section = "C2";
  read.require_image = true;
  static stx::Slide c2 = stx::read_slide(read);
  static stx::Slide dense = c2;
  const double step = 50.0 / c2.um_per_px;
  const auto [x0, x1] = std::minmax_element(c2.pixel_x.begin(), c2.pixel_x.end());
  const auto [y0, y1] = std::minmax_element(c2.pixel_y.begin(), c2.pixel_y.end());
  dense.spot_ids.clear(), dense.pixel_x.clear(), dense.pixel_y.clear();
  for (double y = *y0; y <= *y1; y += step)
    for (double x = *x0; x <= *x1; x += step) {
      dense.spot_ids.push_back(std::to_string(dense.spot_ids.size()));
      dense.pixel_x.push_back(x), dense.pixel_y.push_back(y);
    }
  real = &c2;
  grid = &dense;

  stx::EncoderOptions options;
  options.threads = threads();
  const auto encoder = stx::make_encoder(options);
  std::vector<uint8_t> off;
  const auto a = encoder->encode(c2, off), b = encoder->encode(c2, off);
  if (a != b || !std::all_of(a.begin(), a.end(), [](float v) { return std::isfinite(v); })) {
    std::cerr << "built-in features are not finite and deterministic\n";
    return 1;
  }
  std::cerr << "checked: " << a.size() / 60 << " spots x 60 finite features, identical over two runs; "
            << dense.n_spots() << " grid spots\n";
  benchmark::RegisterBenchmark("builtin/real_spots_187", encode, real)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
  benchmark::RegisterBenchmark("builtin/dense_grid", encode, grid)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}

// QuadFlow at whole-slide scale, as a timed CLI run: synthetic spots on a hexagonal 100 µm
// grid with random features and targets (F 60, P 50, G 250), width 128, 2 layers.
//   step N...       median of 3 full training steps (forward, loss, backward, AdamW) per N
//   reference N     one step of a standard full-attention nn::TransformerEncoder, 4 layers,
//                   d 256, 8 heads, on N tokens (what limits today's models), side by side
//   forward N       one inference forward pass; prints the peak resident memory
// Usage: quadflow_scale_bench THREADS MODE N...
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <string>

#include <torch/csrc/autograd/profiler_legacy.h>

#include "stx/model/loss.hpp"
#include "stx/model/quadflow.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double peak_rss_gb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / (1024.0 * 1024.0);  // ru_maxrss is KiB
}

// n spots on a hexagonal grid of 100 µm pitch, as square as possible.
void hex_grid(int64_t n, std::vector<double>& x, std::vector<double>& y) {
  const auto side = static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(n))));
  for (int64_t i = 0; static_cast<int64_t>(x.size()) < n; ++i) {
    const int64_t row = i / side, col = i % side;
    x.push_back(100.0 * static_cast<double>(col) + (row % 2 ? 50.0 : 0.0));
    y.push_back(100.0 * std::sqrt(3.0) / 2.0 * static_cast<double>(row));
  }
}

stx::QuadFlowOptions options() {
  stx::QuadFlowOptions o;
  o.feature_dim = 60;
  o.n_pathways = 50;
  o.n_genes = 250;
  o.width = 128;
  o.layers = 2;
  return o;
}

double quadflow_step(int64_t n, int repeats) {
  std::vector<double> x, y;
  hex_grid(n, x, y);
  const auto o = options();
  const auto nb = stx::build_neighbourhood(x, y, o.neighbours, o.radius_pitches);
  stx::QuadFlow model(o, (torch::rand({o.n_pathways, o.n_genes}) < 0.05).to(torch::kFloat32));
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-3));
  const auto features = torch::randn({n, o.feature_dim});
  const auto genes = torch::randn({n, o.n_genes}), pathways = torch::randn({n, o.n_pathways});
  std::vector<double> times;
  for (int r = 0; r < repeats + 1; ++r) {  // the first step warms up
    const auto start = Clock::now();
    optimizer.zero_grad();
    const auto out = model->forward(features, nb);
    stx::quadflow_loss(out, genes, pathways, nb.edges, {}).total.backward();
    optimizer.step();
    if (r > 0) times.push_back(seconds_since(start));
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

double reference_step(int64_t n) {
  torch::nn::TransformerEncoder encoder(
      torch::nn::TransformerEncoderOptions(torch::nn::TransformerEncoderLayerOptions(256, 8), 4));
  torch::optim::AdamW optimizer(encoder->parameters(), torch::optim::AdamWOptions(1e-3));
  const auto tokens = torch::randn({n, 1, 256});
  const auto start = Clock::now();
  optimizer.zero_grad();
  encoder->forward(tokens).pow(2).mean().backward();
  optimizer.step();
  return seconds_since(start);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: quadflow_scale_bench THREADS step|reference|forward N...\n";
    return 1;
  }
  at::set_num_threads(std::atoi(argv[1]));
  torch::manual_seed(0);
  const std::string mode = argv[2];
  for (int i = 3; i < argc; ++i) {
    const int64_t n = std::atoll(argv[i]);
    if (mode == "step") {
      std::cout << "quadflow step  N=" << n << "  " << quadflow_step(n, 3) << " s  peak RSS "
                << peak_rss_gb() << " GB (of the process so far)\n";
    } else if (mode == "reference") {
      std::cout << "full-attention TransformerEncoder(4 x d256) step  N=" << n << "  "
                << reference_step(n) << " s\n";
    } else if (mode == "profile") {  // chrome trace of one step in quadflow_step.json
      quadflow_step(n, 1);
      torch::autograd::profiler::RecordProfile guard("quadflow_step.json");
      quadflow_step(n, 1);
    } else if (mode == "forward") {
      std::vector<double> x, y;
      hex_grid(n, x, y);
      const auto o = options();
      torch::NoGradGuard no_grad;
      const auto start = Clock::now();
      const auto nb = stx::build_neighbourhood(x, y, o.neighbours, o.radius_pitches);
      stx::QuadFlow model(o, (torch::rand({o.n_pathways, o.n_genes}) < 0.05).to(torch::kFloat32));
      model->eval();
      const auto out = model->forward(torch::randn({n, o.feature_dim}), nb);
      std::cout << "quadflow forward  N=" << n << "  " << seconds_since(start)
                << " s (with the neighbourhood)  peak RSS " << peak_rss_gb() << " GB  output "
                << out.genes.sizes() << "\n";
    }
    std::cout.flush();
  }
  return 0;
}

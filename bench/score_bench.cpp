// Pathway scoring speed: every method on the 4,000 x 15,000 HER2ST benchmark matrix and on a
// 100,000-spot tiling of it, at the thread count given by STX_BENCH_THREADS (default 2).
// Before timing, the ssgsea scores are checked against R GSVA's when bench/run_score_bench.sh
// has produced them (min Pearson r over pathways printed; the run aborts below 0.999).
// Usage: score_bench DIR [google-benchmark flags]   (DIR from bench/make_score_matrix.py)
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "stx/stats/stats.hpp"
#include "stx/io/readers/read_slide.hpp"
#include "stx/pathways/gene_sets.hpp"
#include "stx/expression/normalize.hpp"
#include "stx/pathways/scoring.hpp"

namespace {

struct Data {
  stx::CsrMatrix x;      // log-normalised, 4,000 spots
  stx::CsrMatrix x100k;  // tiled to 100,000 spots
  stx::GeneSetMatch sets;
};
Data* data = nullptr;

stx::CsrMatrix tile_rows(const stx::CsrMatrix& m, int64_t rows) {
  std::vector<int64_t> picks(static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) picks[r] = r % m.n_rows;
  return m.select_rows(picks);
}

int threads() {
  const char* env = std::getenv("STX_BENCH_THREADS");
  return env ? std::atoi(env) : 2;
}

void check_against_gsva(const std::string& dir) {
  const std::string path = dir + "/gsva_ssgsea_scores.tsv";
  if (!std::filesystem::exists(path)) {
    std::cerr << "no " << path << ": ssgsea not checked against GSVA in this run\n";
    return;
  }
  stx::ScoreOptions options;
  options.method = stx::ScoreMethod::kSsgsea;
  options.threads = threads();
  const stx::PathwayScores ours = stx::score_log_expression(data->x, data->sets, options);
  std::ifstream in(path);
  std::string line, cell;
  std::getline(in, line);
  std::vector<std::string> names;
  std::istringstream header(line);
  std::getline(header, cell, '\t');
  while (std::getline(header, cell, '\t')) names.push_back(cell);
  std::vector<std::vector<double>> ref(names.size());
  while (std::getline(in, line)) {
    std::istringstream row(line);
    std::getline(row, cell, '\t');
    for (auto& column : ref) {
      std::getline(row, cell, '\t');
      column.push_back(std::stod(cell));
    }
  }
  double min_r = 1.0, max_diff = 0.0;
  for (size_t p = 0; p < names.size(); ++p) {
    const auto at = std::find(ours.pathways.begin(), ours.pathways.end(), names[p]);
    const int64_t q = at - ours.pathways.begin();
    std::vector<double> mine;
    for (int64_t s = 0; s < ours.n_spots; ++s) {
      mine.push_back(ours.at(s, q));
      max_diff = std::max(max_diff, std::abs(mine.back() - ref[p][s]));
    }
    min_r = std::min(min_r, stx::pearson(mine, ref[p]));
  }
  std::cerr << "ssgsea vs R GSVA: min Pearson r over " << names.size() << " pathways = " << min_r
            << ", max abs difference = " << max_diff << "\n";
  if (!(min_r >= 0.999)) std::abort();
}

void score(benchmark::State& state, stx::ScoreMethod method, bool full_slide) {
  const stx::CsrMatrix& x = full_slide ? data->x100k : data->x;
  stx::ScoreOptions options;
  options.method = method;
  options.threads = threads();
  for (auto _ : state) benchmark::DoNotOptimize(stx::score_log_expression(x, data->sets, options));
  state.counters["spots/s"] =
      benchmark::Counter(static_cast<double>(x.n_rows * state.iterations()), benchmark::Counter::kIsRate);
  state.counters["threads"] = options.threads;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: score_bench DIR [benchmark flags]\n";
    return 1;
  }
  const std::string dir = argv[1];
  stx::ReadOptions read;
  read.input = dir + "/score_4000x15000.h5ad";
  const stx::Slide slide = stx::read_slide(read);
  static Data loaded;
  loaded.x = stx::log_normalize(slide.counts);
  loaded.x100k = tile_rows(loaded.x, 100000);
  loaded.sets = stx::match_gene_sets(stx::builtin_hallmarks(), slide.gene_symbols);
  data = &loaded;
  check_against_gsva(dir);

  using stx::ScoreMethod;
  for (auto [name, method] : {std::pair{"zmean", ScoreMethod::kZmean}, {"control", ScoreMethod::kControl},
                              {"rank", ScoreMethod::kRank}, {"ssgsea", ScoreMethod::kSsgsea},
                              {"ulm", ScoreMethod::kUlm}}) {
    benchmark::RegisterBenchmark((std::string(name) + "/4k_spots").c_str(), score, method, false)
        ->Unit(benchmark::kMillisecond)->UseRealTime();
    benchmark::RegisterBenchmark((std::string(name) + "/100k_spots").c_str(), score, method, true)
        ->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}

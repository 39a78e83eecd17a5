// Each scoring method against a naive dense implementation written here (full sorts, the
// explicit random walk, textbook Pearson), on a small random count matrix; plus flagged
// spots, bad values and thread invariance.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "stx/expression/normalize.hpp"
#include "stx/pathways/scoring.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

constexpr int64_t kSpots = 40, kGenes = 120;

// Poisson counts with gene-specific rates; spot 7 has no counts at all.
CsrMatrix random_counts(uint64_t seed) {
  std::mt19937_64 rng(seed);
  CsrMatrix m;
  m.n_cols = kGenes;
  for (int64_t r = 0; r < kSpots; ++r) {
    std::vector<int32_t> cols;
    std::vector<float> values;
    for (int32_t g = 0; g < kGenes; ++g) {
      std::poisson_distribution<int> counts(0.05 + 0.04 * (g % 50) * static_cast<double>(1 + r % 3));
      const int v = r == 7 ? 0 : counts(rng);
      if (v > 0) cols.push_back(g), values.push_back(static_cast<float>(v));
    }
    m.append_row(cols, values);
  }
  return m;
}

GeneSetMatch three_sets() {
  GeneSetMatch m;
  std::vector<int32_t> a, b, c;
  for (int32_t g = 0; g < 20; ++g) a.push_back(g * 3);        // spread over all rates
  for (int32_t g = 40; g < 52; ++g) b.push_back(g);           // high-rate block
  for (int32_t g = 100; g < 115; ++g) c.push_back(g);
  m.sets = {{"A", a, 20}, {"B", b, 12}, {"C", c, 15}};
  return m;
}

std::vector<double> dense_row(const CsrMatrix& x, int64_t r) {
  std::vector<double> row(x.n_cols, 0.0);
  for (int64_t k = x.indptr[r]; k < x.indptr[r + 1]; ++k) row[x.indices[k]] = x.data[k];
  return row;
}

PathwayScores run(ScoreMethod method, const CsrMatrix& counts, int threads = 2) {
  ScoreOptions options;
  options.method = method;
  options.threads = threads;
  options.seed = 11;
  return score_pathways(counts, three_sets(), options);
}

TEST(Normalize, Log1pCp10k) {
  CsrMatrix m;
  m.n_cols = 3;
  m.append_row({0, 2}, {1.f, 3.f});
  m.append_row({}, {});
  const CsrMatrix x = log_normalize(m);
  EXPECT_FLOAT_EQ(x.data[0], static_cast<float>(std::log1p(2500.0)));
  EXPECT_FLOAT_EQ(x.data[1], static_cast<float>(std::log1p(7500.0)));
  EXPECT_EQ(x.indptr, m.indptr);
}

TEST(Scoring, ZmeanMatchesDense) {
  const CsrMatrix counts = random_counts(1);
  const CsrMatrix x = log_normalize(counts);
  const PathwayScores s = run(ScoreMethod::kZmean, counts);
  const auto sets = three_sets();
  std::vector<double> mean(kGenes, 0), sd(kGenes, 0);
  for (int64_t g = 0; g < kGenes; ++g) {
    for (int64_t r = 0; r < kSpots; ++r) mean[g] += dense_row(x, r)[g] / kSpots;
    for (int64_t r = 0; r < kSpots; ++r) sd[g] += std::pow(dense_row(x, r)[g] - mean[g], 2) / (kSpots - 1);
    sd[g] = std::sqrt(sd[g]);
  }
  for (int64_t r = 0; r < kSpots; ++r) {
    if (r == 7) continue;
    const auto row = dense_row(x, r);
    for (size_t p = 0; p < sets.sets.size(); ++p) {
      double sum = 0, n = 0;
      for (int32_t g : sets.sets[p].gene_indices)
        if (sd[g] > 1e-6) sum += (row[g] - mean[g]) / sd[g], n += 1;
      EXPECT_NEAR(s.at(r, p), sum / n, 1e-5) << r << "," << p;
    }
  }
}

TEST(Scoring, UlmMatchesPearsonT) {
  const CsrMatrix counts = random_counts(2);
  const CsrMatrix x = log_normalize(counts);
  const PathwayScores s = run(ScoreMethod::kUlm, counts);
  const auto sets = three_sets();
  for (int64_t r = 0; r < kSpots; r += 3) {
    if (r == 7) continue;
    const auto row = dense_row(x, r);
    for (size_t p = 0; p < sets.sets.size(); ++p) {
      std::vector<double> member(kGenes, 0.0);
      for (int32_t g : sets.sets[p].gene_indices) member[g] = 1.0;
      const double mx = std::accumulate(row.begin(), row.end(), 0.0) / kGenes;
      const double mm = std::accumulate(member.begin(), member.end(), 0.0) / kGenes;
      double sxy = 0, sxx = 0, syy = 0;
      for (int64_t g = 0; g < kGenes; ++g) {
        sxy += (row[g] - mx) * (member[g] - mm);
        sxx += (row[g] - mx) * (row[g] - mx);
        syy += (member[g] - mm) * (member[g] - mm);
      }
      const double rho = sxy / std::sqrt(sxx * syy);
      const double t = rho * std::sqrt((kGenes - 2) / (1 - rho * rho));
      EXPECT_NEAR(s.at(r, p), t, 1e-4) << r << "," << p;
    }
  }
}

// The GSVA random walk, literally: rank, order, cumulative sums, sum of the difference.
double ssgsea_walk(const std::vector<double>& x, const std::vector<int32_t>& set, double alpha) {
  const int64_t n = static_cast<int64_t>(x.size());
  std::vector<int64_t> asc(n);
  std::iota(asc.begin(), asc.end(), 0);
  std::stable_sort(asc.begin(), asc.end(), [&](int64_t a, int64_t b) { return x[a] < x[b]; });
  std::vector<double> rank(n);
  for (int64_t i = 0; i < n;) {
    int64_t j = i;
    while (j + 1 < n && x[asc[j + 1]] == x[asc[i]]) ++j;
    for (int64_t t = i; t <= j; ++t) rank[asc[t]] = std::trunc(static_cast<double>(i + j + 2) / 2.0);  // as.integer
    i = j + 1;
  }
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return rank[a] > rank[b]; });
  std::vector<char> in(n, 0);
  for (int32_t g : set) in[g] = 1;
  double total_in = 0, n_out = 0;
  for (int64_t g = 0; g < n; ++g) in[g] ? total_in += std::pow(rank[g], alpha) : n_out += 1;
  double cum_in = 0, cum_out = 0, es = 0;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t g = order[i];
    in[g] ? cum_in += std::pow(rank[g], alpha) : cum_out += 1;
    es += cum_in / total_in - cum_out / n_out;
  }
  return es;
}

TEST(Scoring, SsgseaMatchesTheExplicitRandomWalk) {
  const CsrMatrix counts = random_counts(3);
  const CsrMatrix x = log_normalize(counts);
  ScoreOptions options;
  options.method = ScoreMethod::kSsgsea;
  options.ssgsea_normalize = false;
  const PathwayScores raw = score_log_expression(x, three_sets(), options);
  options.ssgsea_normalize = true;
  const PathwayScores normalised = score_log_expression(x, three_sets(), options);
  const auto sets = three_sets();
  double lo = 1e300, hi = -1e300;
  for (int64_t r = 0; r < kSpots; ++r) {
    if (r == 7) continue;
    for (size_t p = 0; p < sets.sets.size(); ++p) {
      const double expected = ssgsea_walk(dense_row(x, r), sets.sets[p].gene_indices, 0.25);
      EXPECT_NEAR(raw.at(r, p), expected, 1e-3 * std::max(1.0, std::abs(expected))) << r << "," << p;
      lo = std::min(lo, expected), hi = std::max(hi, expected);
    }
  }
  EXPECT_NEAR(normalised.at(0, 1), raw.at(0, 1) / (hi - lo), 1e-5);
}

// One spot with distinct values: no ties, so AUCell is deterministic and exact. T = `top`;
// max_rank 0 means the default T = ceil(5% of the genes).
void expect_aucell_on_distinct_values(int64_t max_rank, int64_t top) {
  CsrMatrix counts;
  counts.n_cols = kGenes;
  std::vector<int32_t> cols(kGenes);
  std::vector<float> values(kGenes);
  for (int32_t g = 0; g < kGenes; ++g) cols[g] = g, values[g] = static_cast<float>((g * 37) % kGenes + 1);
  counts.append_row(cols, values);
  ScoreOptions options;
  options.max_rank = max_rank;
  options.threads = 1;
  const PathwayScores s = score_pathways(counts, three_sets(), options);
  std::vector<int64_t> order(kGenes);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return values[a] > values[b]; });
  const auto sets = three_sets();
  for (size_t p = 0; p < sets.sets.size(); ++p) {
    double auc = 0, max_auc = 0;
    for (int64_t i = 0; i < kGenes; ++i) {
      const bool in = std::count(sets.sets[p].gene_indices.begin(), sets.sets[p].gene_indices.end(), order[i]) > 0;
      if (in && i + 1 < top) auc += static_cast<double>(top - (i + 1));
    }
    const int64_t k = static_cast<int64_t>(sets.sets[p].gene_indices.size());
    for (int64_t i = 1; i <= std::min<int64_t>(k, top - 1); ++i) max_auc += static_cast<double>(top - i);
    EXPECT_NEAR(s.at(0, p), auc / max_auc, 1e-6) << p << " top " << top;
  }
}

TEST(Scoring, RankIsAucellOnDistinctValues) { expect_aucell_on_distinct_values(0, 6); }  // ceil(0.05 * 120)

TEST(Scoring, RankWithMaxRankIsAucellOfTheTopGenes) {
  expect_aucell_on_distinct_values(30, 30);
  expect_aucell_on_distinct_values(500, kGenes);  // more than the genes: all of them
}

TEST(Scoring, DepthOptionsAreChecked) {
  ScoreOptions options;
  options.method = ScoreMethod::kZmean;
  options.max_rank = 50;
  EXPECT_STX_ERROR(check_score_options(options), ConfigError, "--max-rank applies to --method rank, not zmean");
  options.method = ScoreMethod::kRank;
  options.max_rank = 1;
  EXPECT_STX_ERROR(check_score_options(options), ConfigError, "at least 2, found 1");
  options.max_rank = 0;
  options.thin_to = -3;
  EXPECT_STX_ERROR(check_score_options(options), ConfigError, "--thin-to must be 0");
  EXPECT_EQ(describe_scoring(options), "rank");
  options.thin_to = 500;
  options.max_rank = 100;
  EXPECT_EQ(describe_scoring(options), "rank, top 100 genes, thinned to 500 counts");
}

TEST(Scoring, ControlIsSetMeanMinusControlMean) {
  const CsrMatrix counts = random_counts(4);
  const CsrMatrix x = log_normalize(counts);
  const PathwayScores s = run(ScoreMethod::kControl, counts);
  const auto sets = three_sets();
  ASSERT_EQ(s.control_genes.size(), sets.sets.size());
  for (size_t p = 0; p < sets.sets.size(); ++p) {
    const auto& controls = s.control_genes[p];
    ASSERT_FALSE(controls.empty());
    for (int32_t g : controls)  // controls never include the set's own genes
      EXPECT_EQ(std::count(sets.sets[p].gene_indices.begin(), sets.sets[p].gene_indices.end(), g), 0);
    for (int64_t r = 0; r < kSpots; ++r) {
      if (r == 7) continue;
      const auto row = dense_row(x, r);
      double set_mean = 0, control_mean = 0;
      const double k = static_cast<double>(sets.sets[p].gene_indices.size());
      for (int32_t g : sets.sets[p].gene_indices) set_mean += row[g] / k;
      for (int32_t g : controls) control_mean += row[g] / static_cast<double>(controls.size());
      EXPECT_NEAR(s.at(r, p), set_mean - control_mean, 1e-5);
    }
  }
}

TEST(Scoring, ZeroCountSpotIsFlaggedNaN) {
  for (ScoreMethod m : {ScoreMethod::kZmean, ScoreMethod::kControl, ScoreMethod::kRank,
                        ScoreMethod::kSsgsea, ScoreMethod::kUlm}) {
    const PathwayScores s = run(m, random_counts(5));
    EXPECT_EQ(s.flagged[7], 1) << to_string(m);
    EXPECT_EQ(std::count(s.flagged.begin(), s.flagged.end(), 1), 1);
    EXPECT_TRUE(std::isnan(s.at(7, 0)));
    EXPECT_TRUE(std::isfinite(s.at(6, 0))) << to_string(m);
  }
}

TEST(Scoring, ThreadCountDoesNotChangeResults) {
  const CsrMatrix counts = random_counts(6);
  for (ScoreMethod m : {ScoreMethod::kRank, ScoreMethod::kControl, ScoreMethod::kSsgsea}) {
    EXPECT_EQ(run(m, counts, 1).values.size(), run(m, counts, 2).values.size());
    const auto a = run(m, counts, 1).values, b = run(m, counts, 2).values;
    for (size_t i = 0; i < a.size(); ++i)
      if (!std::isnan(a[i])) {
        ASSERT_EQ(a[i], b[i]) << to_string(m) << " at " << i;
      }
  }
}

TEST(Scoring, BadValuesAreRefused) {
  CsrMatrix counts = random_counts(7);
  counts.data[3] = std::nanf("");
  EXPECT_STX_ERROR(run(ScoreMethod::kUlm, counts), FormatError, "counts contain a negative, NaN");
  counts.data[3] = -1;
  EXPECT_STX_ERROR(run(ScoreMethod::kUlm, counts), FormatError, "(-1)");
  EXPECT_STX_ERROR(parse_score_method("gsva"), ConfigError, "choose zmean, control, rank, ssgsea, ulm");
}

}  // namespace
}  // namespace stx

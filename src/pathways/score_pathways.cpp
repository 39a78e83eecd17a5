// Dispatch, the shared gene -> sets index, threads, and flagging of spots with no counts.
#include <omp.h>

#include <cmath>
#include <limits>

#include "score_methods.hpp"
#include "stx/core/error.hpp"
#include "stx/expression/normalize.hpp"
#include "stx/expression/thinning.hpp"

namespace stx {

namespace scoring {

SetIndex::SetIndex(const GeneSetMatch& match, int64_t n_genes) : offsets(n_genes + 1, 0) {
  for (const auto& set : match.sets)
    for (int32_t g : set.gene_indices) ++offsets[g + 1];
  for (int64_t g = 0; g < n_genes; ++g) offsets[g + 1] += offsets[g];
  sets.resize(offsets.back());
  std::vector<int64_t> next(offsets.begin(), offsets.end() - 1);
  for (size_t s = 0; s < match.sets.size(); ++s)
    for (int32_t g : match.sets[s].gene_indices) sets[next[g]++] = static_cast<int32_t>(s);
}

void add_row_to_set_sums(const Context& c, int64_t r, std::vector<double>& sums) {
  for (int64_t k = c.x.indptr[r]; k < c.x.indptr[r + 1]; ++k) {
    const double v = c.x.data[k];
    c.index.for_sets_of(c.x.indices[k], [&](int32_t s) { sums[s] += v; });
  }
}

}  // namespace scoring

const NameTable<ScoreMethod>& score_methods() {
  static const NameTable<ScoreMethod> table("--method", "scoring method",
                                            {{ScoreMethod::kZmean, "zmean"},
                                             {ScoreMethod::kControl, "control"},
                                             {ScoreMethod::kRank, "rank"},
                                             {ScoreMethod::kSsgsea, "ssgsea"},
                                             {ScoreMethod::kUlm, "ulm"}});
  return table;
}

ScoreMethod parse_score_method(const std::string& name) { return score_methods().parse(name); }

std::string to_string(ScoreMethod method) { return score_methods().name(method); }

std::string describe_scoring(const ScoreOptions& options) {
  std::string out = to_string(options.method);
  if (options.max_rank > 0) out += fmt::format(", top {} genes", options.max_rank);
  if (options.thin_to > 0) out += fmt::format(", thinned to {} counts", options.thin_to);
  return out;
}

void check_score_options(const ScoreOptions& options) {
  STX_CHECK(options.max_rank == 0 || options.method == ScoreMethod::kRank, ConfigError,
            "--max-rank applies to --method rank, not {}", to_string(options.method));
  STX_CHECK(options.max_rank == 0 || options.max_rank >= 2, ConfigError,
            "--max-rank must be 0 (the top 5% of genes) or at least 2, found {}", options.max_rank);
  STX_CHECK(options.thin_to >= 0, ConfigError, "--thin-to must be 0 (no thinning) or positive, found {}",
            options.thin_to);
}

PathwayScores score_log_expression(const CsrMatrix& x, const GeneSetMatch& match,
                                   const ScoreOptions& options) {
  for (const auto& set : match.sets)
    for (int32_t g : set.gene_indices)
      STX_CHECK(g >= 0 && g < x.n_cols, ShapeError,
                "gene set '{}' refers to gene {} but the matrix has {} genes", set.name, g,
                x.n_cols);
  for (float v : x.data)
    STX_CHECK(std::isfinite(v), FormatError,
              "expression contains NaN or infinite values; scores would be meaningless");
  if (options.threads > 0) omp_set_num_threads(options.threads);
  check_score_options(options);

  PathwayScores out;
  out.method = to_string(options.method);
  out.n_spots = x.n_rows;
  for (const auto& set : match.sets) out.pathways.push_back(set.name);
  out.values.assign(static_cast<size_t>(x.n_rows) * match.sets.size(), 0.0f);
  out.flagged.assign(static_cast<size_t>(x.n_rows), 0);

  const scoring::Context context{x, match, options, scoring::SetIndex(match, x.n_cols)};
  switch (options.method) {
    case ScoreMethod::kZmean: scoring::score_zmean(context, out); break;
    case ScoreMethod::kControl: scoring::score_control(context, out); break;
    case ScoreMethod::kRank: scoring::score_rank(context, out); break;
    case ScoreMethod::kSsgsea: scoring::score_ssgsea(context, out); break;
    case ScoreMethod::kUlm: scoring::score_ulm(context, out); break;
  }
  const size_t n_sets = match.sets.size();
  for (int64_t r = 0; r < x.n_rows; ++r) {
    if (x.indptr[r + 1] > x.indptr[r]) continue;
    out.flagged[r] = 1;
    std::fill_n(out.values.begin() + static_cast<int64_t>(r * n_sets), n_sets,
                std::numeric_limits<float>::quiet_NaN());
  }
  return out;
}

PathwayScores score_pathways(const CsrMatrix& counts, const GeneSetMatch& match,
                             const ScoreOptions& options) {
  for (float v : counts.data)
    STX_CHECK(std::isfinite(v) && v >= 0, FormatError,
              "counts contain a negative, NaN or infinite value ({})", v);
  if (options.threads > 0) omp_set_num_threads(options.threads);
  if (options.thin_to == 0) return score_log_expression(log_normalize(counts, {options.target_sum}), match, options);
  // a spot whose counts all thin away is flagged like one that had none
  return score_log_expression(log_normalize(thin_counts(counts, options.thin_to, options.seed), {options.target_sum}),
                              match, options);
}

}  // namespace stx

// Gene sets: reading GMT files, the built-in MSigDB Hallmarks, and matching set members to a
// slide's gene symbols. Matching is exact first, then case-insensitive (reported), then
// through an optional alias table the user supplies; there is no built-in alias database.
// Sets with fewer than `min_genes` matched genes are dropped, with a warning naming them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace stx {

struct GeneSet {
  std::string name;
  std::string description;
  std::vector<std::string> genes;  // unique, in file order
};

/// Reads a GMT file (name <TAB> description <TAB> gene...). Blank lines and lines starting
/// with '#' are skipped; CRLF is accepted; duplicate genes within a set are kept once; a set
/// with no genes is an error, as are duplicate set names and lines with fewer than 3 fields.
std::vector<GeneSet> read_gmt(const std::string& path);
/// Parses GMT text; `source` names it in errors.
std::vector<GeneSet> parse_gmt(const std::string& text, const std::string& source);

/// The 50 MSigDB Hallmark sets v7.0 (human symbols), compiled in.
std::vector<GeneSet> builtin_hallmarks();

/// "hallmarks" (built in) or a path to a GMT file.
std::vector<GeneSet> load_gene_sets(const std::string& name_or_path);

struct GeneSetMatchOptions {
  int min_genes = 5;                // sets with fewer matched genes are dropped
  double warn_coverage = 0.5;       // warn when a set matches fewer than this share
  std::string aliases_path;         // optional TSV: alias <TAB> symbol used in the data
};

struct MatchedGeneSet {
  std::string name;
  std::vector<int32_t> gene_indices;  // columns of the slide's matrix, ascending, unique
  int64_t n_total = 0;                // genes in the set
  double coverage() const {
    return n_total > 0 ? static_cast<double>(gene_indices.size()) / static_cast<double>(n_total)
                       : 0.0;
  }
};

/// How much of one set the data's genes cover (a Xenium panel of 300-5,000 genes covers some
/// Hallmarks well and others barely).
struct GeneSetCoverage {
  std::string name;
  int64_t in_set = 0, found = 0;
  bool kept = false;  // found >= min_genes
};

struct GeneSetMatch {
  std::vector<MatchedGeneSet> sets;   // those kept, in input order
  std::vector<GeneSetCoverage> coverage;  // every set, in input order
  std::vector<std::string> dropped;   // names of sets below min_genes
  int64_t matched_case_insensitive = 0;
  int64_t matched_by_alias = 0;
  std::vector<std::string> warnings;  // coverage and species warnings, one line each
};

/// Matches each set against `gene_symbols`; throws ConfigError if no set survives.
GeneSetMatch match_gene_sets(const std::vector<GeneSet>& sets,
                             const std::vector<std::string>& gene_symbols,
                             const GeneSetMatchOptions& options = {});

}  // namespace stx

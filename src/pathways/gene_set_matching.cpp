// Matching gene-set members to the data's gene symbols; see gene_sets.hpp.
#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "stx/core/text_lines.hpp"
#include "stx/core/error.hpp"
#include "stx/pathways/gene_sets.hpp"

namespace stx {
namespace {

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Mouse symbols are capitalised (Actb), human ones upper case (ACTB).
bool looks_like_mouse(const std::vector<std::string>& symbols) {
  int64_t capitalised = 0, upper_case = 0;
  for (const auto& s : symbols) {
    if (s.size() < 2 || !std::isalpha(static_cast<unsigned char>(s[0]))) continue;
    const bool rest_lower = std::any_of(s.begin() + 1, s.end(), [](char c) {
      return std::islower(static_cast<unsigned char>(c));
    });
    (std::isupper(static_cast<unsigned char>(s[0])) && rest_lower ? capitalised : upper_case)++;
  }
  return capitalised > upper_case;
}

std::unordered_map<std::string, std::string> read_aliases(const std::string& path) {
  std::unordered_map<std::string, std::string> aliases;
  if (path.empty()) return aliases;
  TextLines lines(path);
  std::string line;
  while (lines.next(line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto f = split_fields(line, '\t');
    STX_CHECK(f.size() == 2, FormatError, "{}: line {}: expected 'alias<TAB>symbol'", path,
              lines.line_number());
    aliases.emplace(std::string(f[0]), std::string(f[1]));
  }
  return aliases;
}

}  // namespace

GeneSetMatch match_gene_sets(const std::vector<GeneSet>& sets,
                             const std::vector<std::string>& gene_symbols,
                             const GeneSetMatchOptions& options) {
  std::unordered_map<std::string, int32_t> exact, folded;
  for (size_t g = 0; g < gene_symbols.size(); ++g) {
    exact.emplace(gene_symbols[g], static_cast<int32_t>(g));  // first of duplicates wins
    folded.emplace(upper(gene_symbols[g]), static_cast<int32_t>(g));
  }
  const auto aliases = read_aliases(options.aliases_path);

  GeneSetMatch match;
  for (const GeneSet& set : sets) {
    MatchedGeneSet m{set.name, {}, static_cast<int64_t>(set.genes.size())};
    for (const std::string& gene : set.genes) {
      if (const auto hit = exact.find(gene); hit != exact.end()) {
        m.gene_indices.push_back(hit->second);
      } else if (const auto fold = folded.find(upper(gene)); fold != folded.end()) {
        m.gene_indices.push_back(fold->second);
        ++match.matched_case_insensitive;
      } else if (const auto alias = aliases.find(gene); alias != aliases.end()) {
        if (const auto via = exact.find(alias->second); via != exact.end()) {
          m.gene_indices.push_back(via->second);
          ++match.matched_by_alias;
        }
      }
    }
    std::sort(m.gene_indices.begin(), m.gene_indices.end());
    m.gene_indices.erase(std::unique(m.gene_indices.begin(), m.gene_indices.end()),
                         m.gene_indices.end());
    const bool kept = static_cast<int>(m.gene_indices.size()) >= options.min_genes;
    match.coverage.push_back({set.name, m.n_total, static_cast<int64_t>(m.gene_indices.size()), kept});
    if (!kept) {
      match.dropped.push_back(set.name);
      continue;
    }
    if (m.coverage() < options.warn_coverage) {
      match.warnings.push_back(fmt::format("{}: only {} of {} genes found ({:.0f}%)", set.name,
                                           m.gene_indices.size(), m.n_total,
                                           100 * m.coverage()));
    }
    match.sets.push_back(std::move(m));
  }
  if (!match.dropped.empty()) {
    std::string names;
    for (const auto& n : match.dropped) names += (names.empty() ? "" : ", ") + n;
    match.warnings.push_back(fmt::format("{} set(s) dropped with fewer than {} genes found: {}",
                                         match.dropped.size(), options.min_genes, names));
  }
  if (match.matched_case_insensitive > 0 && looks_like_mouse(gene_symbols)) {
    match.warnings.push_back(fmt::format(
        "the data's symbols look like mouse genes (capitalised); {} gene-set members matched "
        "only case-insensitively, which is not an ortholog mapping",
        match.matched_case_insensitive));
  }
  STX_CHECK(!match.sets.empty(), ConfigError,
            "no gene set has {} or more genes among the data's {} genes (are the symbols of the "
            "same species and naming scheme?)",
            options.min_genes, gene_symbols.size());
  return match;
}

}  // namespace stx

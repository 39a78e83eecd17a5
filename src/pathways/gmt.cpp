// GMT parsing (the Broad's Gene Matrix Transposed format) and the built-in Hallmarks.
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_set>

#include "stx/core/error.hpp"
#include "stx/core/text_lines.hpp"
#include "stx/core/utf8.hpp"
#include "stx/pathways/gene_sets.hpp"

namespace stx {

extern const char* const kHallmarksGmt;  // generated from data/genesets/ at build time

std::vector<GeneSet> parse_gmt(const std::string& text, const std::string& source) {
  std::vector<GeneSet> sets;
  std::set<std::string> names;
  TextLines lines = TextLines::of_text(text, source);
  std::string line;
  while (lines.next(line)) {
    const int64_t line_number = lines.line_number();
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    for (const auto field : split_fields(line, '\t')) fields.emplace_back(field);
    while (!fields.empty() && fields.back().empty()) fields.pop_back();  // trailing tabs
    STX_CHECK(fields.size() >= 2, FormatError,
              "{}: line {}: expected 'name<TAB>description<TAB>genes...', found {} field(s)",
              source, line_number, fields.size());
    for (size_t i = 0; i < fields.size(); ++i)
      if (const auto bad = first_invalid_utf8(fields[i]))
        throw FormatError(fmt::format("{}: line {}: field {} is not UTF-8 text (byte {} of it): save the file as UTF-8",
                                      source, line_number, i + 1, *bad + 1));
    GeneSet set{fields[0], fields[1], {}};
    STX_CHECK(!set.name.empty(), FormatError, "{}: line {}: empty set name", source, line_number);
    STX_CHECK(names.insert(set.name).second, FormatError, "{}: line {}: duplicate set name '{}'",
              source, line_number, set.name);
    std::unordered_set<std::string> seen;
    for (size_t i = 2; i < fields.size(); ++i)
      if (!fields[i].empty() && seen.insert(fields[i]).second) set.genes.push_back(fields[i]);
    STX_CHECK(!set.genes.empty(), FormatError, "{}: line {}: set '{}' has no genes", source,
              line_number, set.name);
    sets.push_back(std::move(set));
  }
  STX_CHECK(!sets.empty(), FormatError, "{}: no gene sets", source);
  return sets;
}

std::vector<GeneSet> read_gmt(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  STX_CHECK(in.good(), IoError, "{}: cannot open gene-set file", path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_gmt(buffer.str(), path);
}

std::vector<GeneSet> builtin_hallmarks() {
  return parse_gmt(kHallmarksGmt, "built-in hallmarks (MSigDB v7.0)");
}

std::vector<GeneSet> load_gene_sets(const std::string& name_or_path) {
  if (name_or_path == "hallmarks") return builtin_hallmarks();
  return read_gmt(name_or_path);
}

}  // namespace stx

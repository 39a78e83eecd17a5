#include "stx/pathways/gene_sets.hpp"

#include "test_support.hpp"

namespace stx {
namespace {

TEST(Gmt, BuiltinHallmarks) {
  const auto sets = builtin_hallmarks();
  ASSERT_EQ(sets.size(), 50u);
  EXPECT_EQ(sets[0].name, "HALLMARK_TNFA_SIGNALING_VIA_NFKB");
  EXPECT_EQ(sets[1].name, "HALLMARK_HYPOXIA");
  EXPECT_EQ(sets[1].genes.front(), "PGK1");
  size_t smallest = 1000, largest = 0;
  for (const auto& s : sets) smallest = std::min(smallest, s.genes.size()), largest = std::max(largest, s.genes.size());
  EXPECT_EQ(smallest, 32u);  // counted with awk over the GMT file
  EXPECT_EQ(largest, 200u);
}

TEST(GmtOnSharedData, BuiltinHallmarksEqualTheSharedFile) {
  const auto sets = builtin_hallmarks();
  const auto from_file = read_gmt(test::shared_data("genesets/h.all.v7.0.symbols.gmt"));
  ASSERT_EQ(from_file.size(), sets.size());
  for (size_t i = 0; i < sets.size(); ++i) EXPECT_EQ(from_file[i].genes, sets[i].genes);
}

TEST(Gmt, DocumentedQuirks) {
  // CRLF, a comment, a blank line, duplicate genes kept once, trailing tabs.
  const auto sets = parse_gmt("# comment\r\nA\tdesc\tG1\tG2\tG1\t\t\r\n\r\nB\t\tG3\r\n", "t.gmt");
  ASSERT_EQ(sets.size(), 2u);
  EXPECT_EQ(sets[0].genes, (std::vector<std::string>{"G1", "G2"}));
  EXPECT_EQ(sets[1].description, "");
  EXPECT_EQ(sets[1].genes, (std::vector<std::string>{"G3"}));
}

TEST(Gmt, MalformedInput) {
  EXPECT_STX_ERROR(parse_gmt("A\tdesc\n", "t.gmt"), FormatError, "t.gmt: line 1: set 'A' has no genes");
  EXPECT_STX_ERROR(parse_gmt("lonely\n", "t.gmt"), FormatError, "line 1: expected 'name<TAB>description");
  EXPECT_STX_ERROR(parse_gmt("A\td\tG\nA\td\tH\n", "t.gmt"), FormatError, "line 2: duplicate set name 'A'");
  EXPECT_STX_ERROR(parse_gmt("\n# only comments\n", "t.gmt"), FormatError, "t.gmt: no gene sets");
  // a Latin-1 file: anndata could not read the .h5ad its names would go into
  EXPECT_STX_ERROR(parse_gmt("OK\td\tG\nCAF\xe9\td\tG\n", "t.gmt"), FormatError,
                   "t.gmt: line 2: field 1 is not UTF-8 text (byte 4 of it)");
  EXPECT_EQ(parse_gmt("CAF\xc3\x89\td\tG\n", "t.gmt").front().name, "CAF\xc3\x89");
  EXPECT_STX_ERROR(read_gmt("/no/such.gmt"), IoError, "/no/such.gmt: cannot open");
}

TEST(GeneSetMatching, ExactCaseAndAlias) {
  const std::vector<GeneSet> sets = {{"S", "", {"AA", "BB", "CC", "DD", "OLD1", "ZZ"}}};
  const std::vector<std::string> symbols = {"AA", "bb", "CC", "DD", "NEW1", "EE"};
  test::TempDir dir;
  test::write_text(dir / "aliases.tsv", "OLD1\tNEW1\n");
  GeneSetMatchOptions options;
  options.aliases_path = dir / "aliases.tsv";
  const GeneSetMatch m = match_gene_sets(sets, symbols, options);
  ASSERT_EQ(m.sets.size(), 1u);
  EXPECT_EQ(m.sets[0].gene_indices, (std::vector<int32_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(m.sets[0].n_total, 6);
  EXPECT_EQ(m.matched_case_insensitive, 1);
  EXPECT_EQ(m.matched_by_alias, 1);
}

TEST(GeneSetMatching, SmallSetsDroppedAndCoverageWarned) {
  const std::vector<GeneSet> sets = {{"BIG", "", {"A", "B", "C", "D", "E", "X1", "X2", "X3", "X4", "X5", "X6"}},
                                     {"SMALL", "", {"A", "B", "Q"}}};
  const GeneSetMatch m = match_gene_sets(sets, {"A", "B", "C", "D", "E"});
  ASSERT_EQ(m.sets.size(), 1u);
  EXPECT_EQ(m.dropped, (std::vector<std::string>{"SMALL"}));
  ASSERT_EQ(m.warnings.size(), 2u);
  EXPECT_EQ(m.warnings[0], "BIG: only 5 of 11 genes found (45%)");
  EXPECT_NE(m.warnings[1].find("1 set(s) dropped with fewer than 5 genes found: SMALL"), std::string::npos);
  EXPECT_STX_ERROR(match_gene_sets(sets, {"Q"}), ConfigError, "no gene set has 5 or more genes");
}

TEST(GeneSetMatching, MouseDataWithHumanSetsWarns) {
  const std::vector<GeneSet> sets = {{"S", "", {"ACTB", "GAPDH", "MYC", "JUN", "FOS"}}};
  const GeneSetMatch m = match_gene_sets(sets, {"Actb", "Gapdh", "Myc", "Jun", "Fos", "Xist"});
  ASSERT_EQ(m.sets.size(), 1u);
  ASSERT_FALSE(m.warnings.empty());
  EXPECT_NE(m.warnings.back().find("look like mouse genes"), std::string::npos);
}

}  // namespace
}  // namespace stx

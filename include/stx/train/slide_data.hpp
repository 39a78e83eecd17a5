// A section made ready for QuadFlow: encoder features, spot positions in µm, and (when the
// slide has expression) the training targets: log1p-CP10k expression of the target genes and
// the pathway scores. Torch-free plain arrays, so readers, baselines and the model share them.
// Also the choice of target genes (highly variable genes) and the gene-set membership matrix
// that ties QuadFlow's gene decoder.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stx/stats/column_scale.hpp"
#include "stx/core/name_table.hpp"
#include "stx/histology/encoders/feature_cache.hpp"
#include "stx/io/slide/slide.hpp"
#include "stx/pathways/gene_sets.hpp"
#include "stx/pathways/scoring.hpp"

namespace stx {

struct SlideData {
  // The kept spots: a view of the slide's container (Slide::select_spots without expression)
  // holding the spot axis (ids, image pixels, µm/px, image, name). Every per-spot array below
  // has one row per spot of it, in its order (validate()).
  Slide spots;
  std::vector<int64_t> slide_rows;     // (N) each spot's row in the slide it was made from
  std::string group;                   // cross-validation group (section, or patient)
  int64_t feature_dim = 0;
  std::vector<float> features;         // (N, F)
  std::vector<float> genes;            // (N, G) the target genes (GeneTargetScale); empty if unknown
  std::vector<float> pathways;         // (N, P) pathway scores; empty if unknown
  std::vector<double> log_library_size;  // (N) log1p total counts; empty if unknown
  // Fine-tuning a ViT's last blocks: each spot's tokens after the frozen blocks (N, T, D);
  // empty otherwise. `features` stay the frozen encoder's (baselines, standardisation).
  std::vector<float> tokens;
  int64_t token_count = 0, token_dim = 0;

  const std::string& name() const { return spots.name; }
  int64_t n_spots() const { return spots.n_spots(); }
  bool has_targets() const { return !pathways.empty(); }
  /// Spot centres in µm: image pixels times the slide's µm per pixel.
  std::vector<double> x_um() const;
  std::vector<double> y_um() const;
  /// The same section at `rows` of its spots (in that order), every per-spot array with them.
  SlideData select_spots(const std::vector<int64_t>& rows) const;
  /// ShapeError naming the section when a per-spot array's rows differ from the spots'.
  void validate() const;
};

/// How target genes' counts become training targets.
///   log1p-cp10k             ln(1 + 1e4 · count / the spot's total count), scanpy's default
///   log10-cp10k-over-genes  log10(1 + 1e4 · count / the spot's count over the target genes
///                           only): the HER2ST protocol of HisToGene, Hist2ST, THItoGene and
///                           mclSTExp (with their 785 genes), for numbers comparable to theirs
///   pearson-residuals       analytic Pearson residuals of the slide's counts (theta 100, clip
///                           sqrt(spots)): expression beyond what the spot's depth predicts
enum class GeneTargetScale { kLog1pCp10k, kLog10Cp10kOverGenes, kPearsonResiduals };
const NameTable<GeneTargetScale>& gene_target_scales();  // --target-norm
GeneTargetScale parse_gene_target_scale(const std::string& name);  // ConfigError lists the choices
std::string to_string(GeneTargetScale scale);
/// For people: "log1p CP10k", "log10 CP10k over the target genes", "Pearson residuals".
std::string describe(GeneTargetScale scale);

struct TargetGeneOptions {
  GeneTargetScale scale = GeneTargetScale::kLog1pCp10k;
  int64_t count = 250;                // highly variable genes kept
  double min_detected_fraction = 0.1;  // detected in at least this share of spots
  std::vector<std::string> genes;     // a user list instead (must exist in every slide)
};

/// Target genes for training: the user's list, or the `count` genes with the highest variance
/// of log1p-CP10k expression over all spots of all slides, among the genes present in every
/// slide and detected in >= min_detected_fraction of the pooled spots. Sorted by that variance.
/// A file of gene symbols, one per line (blank lines skipped; plain or gzip); FormatError when
/// it holds none.
std::vector<std::string> read_gene_list(const std::string& path);

std::vector<std::string> select_target_genes(const std::vector<const Slide*>& slides,
                                             const TargetGeneOptions& options);

/// (P, G) row-major: 1 where target gene g belongs to gene set p (by symbol).
std::vector<uint8_t> gene_set_membership(const std::vector<GeneSet>& sets,
                                         const std::vector<std::string>& pathway_names,
                                         const std::vector<std::string>& genes);

/// Adds the kept spots' encoder tokens to `data`; `tokens` (slide spots, T, D) are in the
/// slide's spot order (encode_vit_tokens).
void attach_tokens(SlideData& data, const Slide& slide, const std::vector<float>& tokens,
                   int64_t token_count, int64_t token_dim);

/// (P, P) row-major: the Jaccard index |A ∩ B| / |A ∪ B| of the full gene sets named by
/// `pathway_names` (1 on the diagonal); biases QuadFlow's P<->P attention.
std::vector<float> gene_set_overlap(const std::vector<GeneSet>& sets,
                                    const std::vector<std::string>& pathway_names);

/// Fewer spots than this make a slide's own feature statistics unreliable.
inline constexpr int64_t kFewSpotsForSlideNorm = 30;

/// Joins features (by spot id) to the slide. With `scores` (and `genes`), also fills the
/// targets; spots flagged by the scorer (no counts) are dropped and counted in `dropped`.
/// Throws on NaN features, unknown target genes or features of another slide.
SlideData make_slide_data(const Slide& slide, const EncodedFeatures& features,
                          const PathwayScores* scores, const std::vector<std::string>& genes,
                          int64_t* dropped = nullptr,
                          GeneTargetScale scale = GeneTargetScale::kLog1pCp10k);

}  // namespace stx

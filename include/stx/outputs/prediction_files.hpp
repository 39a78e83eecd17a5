// What `stx predict` writes: the prediction as AnnData (predicted genes as X, pathway activity
// in obsm, the model and scale in uns) and as a spots x (pathways, genes) TSV.
#pragma once

#include <string>
#include <vector>

#include "stx/io/slide/slide.hpp"
#include "stx/train/slide_data.hpp"
#include "stx/train/trained_model.hpp"

namespace stx {

/// Expression on either target scale is never negative; the linear decoder can dip just
/// below 0. Clipping makes the .h5ad a valid expression matrix for scanpy and `stx domains`.
void clip_predicted_genes(Prediction& p);

/// The predicted genes as the matrix of a Slide (written as X) of the predicted spots
/// (data.spots: ids, positions, image, and the grid positions, in_tissue and labels the slide
/// had for them). ShapeError when the prediction is not one row per spot.
Slide prediction_slide(const SlideData& data, const Prediction& p, const ModelMetadata& m);

/// The prediction as a slide with everything its .h5ad holds: predicted genes in X,
/// obsm['pathway_activity'] with uns['pathway_names'], `model_path` and `version` in uns, and
/// `out_of_domain` (domain_shift.hpp; one per spot, or empty) as obsm['stx_out_of_domain'].
Slide prediction_output_slide(const SlideData& data, const Prediction& p,
                              const ModelMetadata& m, const std::string& model_path, const std::string& version,
                              const std::vector<float>& out_of_domain);

/// Writes `prediction` (prediction_output_slide) to `path` (.h5ad).
void write_prediction_h5ad(const Slide& prediction, const std::string& path);

/// Writes `path` atomically: spot, x_px, y_px, one column per pathway and gene, then
/// out_of_domain (when given).
void write_prediction_tsv(const SlideData& data, const Prediction& p, const ModelMetadata& m,
                          const std::vector<float>& out_of_domain, const std::string& path);

}  // namespace stx

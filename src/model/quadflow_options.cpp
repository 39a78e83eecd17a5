#include "stx/model/quadflow_options.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace stx {

void to_json(nlohmann::json& j, const QuadFlowOptions& o) {
  j = {{"feature_dim", o.feature_dim},     {"n_pathways", o.n_pathways},
       {"n_genes", o.n_genes},             {"width", o.width},
       {"layers", o.layers},               {"heads", o.heads},
       {"spatial_attention", o.spatial_attention}, {"pathway_attention", o.pathway_attention},
       {"cross_attention", o.cross_attention},     {"pathway_readout", o.pathway_readout},
       {"linear_path", o.linear_path},     {"overlap_bias", o.overlap_bias},
       {"linear_path_neighbours", o.linear_path_neighbours},
       {"linear_path_reduced_rank", o.linear_path_reduced_rank},
       {"slide_feature_norm", o.slide_feature_norm},
       {"neighbours", o.neighbours},       {"radius_pitches", o.radius_pitches},
       {"full_attention", o.full_attention}, {"residual_rank", o.residual_rank},
       {"dropout", o.dropout}};
}

void from_json(const nlohmann::json& j, QuadFlowOptions& o) {
  j.at("feature_dim").get_to(o.feature_dim);
  j.at("n_pathways").get_to(o.n_pathways);
  j.at("n_genes").get_to(o.n_genes);
  j.at("width").get_to(o.width);
  j.at("layers").get_to(o.layers);
  j.at("heads").get_to(o.heads);
  j.at("spatial_attention").get_to(o.spatial_attention);
  j.at("pathway_attention").get_to(o.pathway_attention);
  j.at("cross_attention").get_to(o.cross_attention);
  j.at("pathway_readout").get_to(o.pathway_readout);
  o.linear_path = j.value("linear_path", false);  // absent in checkpoints from before it existed
  o.overlap_bias = j.value("overlap_bias", false);  // likewise
  o.linear_path_neighbours = j.value("linear_path_neighbours", false);  // likewise
  o.slide_feature_norm = j.value("slide_feature_norm", false);          // likewise
  o.linear_path_reduced_rank = j.value("linear_path_reduced_rank", false);  // only used in fitting
  j.at("neighbours").get_to(o.neighbours);
  j.at("radius_pitches").get_to(o.radius_pitches);
  j.at("full_attention").get_to(o.full_attention);
  j.at("residual_rank").get_to(o.residual_rank);
  j.at("dropout").get_to(o.dropout);
}

void to_json(nlohmann::json& j, const LossWeights& w) {
  j = {{"gene", w.gene}, {"pathway", w.pathway}, {"smoothness", w.smoothness},
       {"map_structure", w.map_structure}, {"map_contrast", w.map_contrast}};
}

void from_json(const nlohmann::json& j, LossWeights& w) {
  j.at("gene").get_to(w.gene);
  j.at("pathway").get_to(w.pathway);
  j.at("smoothness").get_to(w.smoothness);
  w.map_structure = j.value("map_structure", 0.0);  // models before these terms had neither
  w.map_contrast = j.value("map_contrast", 0.0);
}

std::string describe(const QuadFlowOptions& o) {
  std::string flows;
  const auto add = [&](bool on, const char* name) {
    if (on) flows += (flows.empty() ? "" : "+") + std::string(name);
  };
  add(o.spatial_attention, o.full_attention ? "HH(full)" : "HH");
  add(o.pathway_attention, o.overlap_bias ? "PP(overlap)" : "PP");
  add(o.cross_attention, "PH");
  add(o.pathway_readout, "HP");
  const std::string linear = !o.linear_path ? ""
                             : fmt::format(" + linear path ({}{})", o.linear_path_neighbours ? "spot + neighbours" : "spot",
                                           o.linear_path_reduced_rank ? ", reduced rank" : "");
  return fmt::format("width {}, {} layer{}, {} heads, flows {}{}, {} neighbours, residual rank {}, "
                     "features standardised over {}",
                     o.width, o.layers, o.layers == 1 ? "" : "s", o.heads, flows.empty() ? "none" : flows, linear, o.neighbours,
                     o.residual_rank, o.slide_feature_norm ? "each slide" : "the training spots");
}

}  // namespace stx

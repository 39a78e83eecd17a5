// `stx predict <slide or H&E image> --model model.pt`: the options of run_predict
// (stx/pipeline/predict.hpp).

#include <memory>

#include "commands.hpp"
#include "shared_options.hpp"
#include "read_options.hpp"
#include "stx/pipeline/predict.hpp"

namespace stx::cli {

Action add_predict(CLI::App& app) {
  auto run = std::make_shared<PredictRun>();
  CLI::App* cmd = app.add_subcommand(
      "predict", "Predict pathway activity and gene expression from H&E alone");
  add_slide_options(cmd, run->slide, /*image_alone=*/true);
  add_model_option(cmd, run->model);
  add_output_option(cmd, run->output, "Write predictions as .h5ad")->required();
  add_tsv_option(cmd, run->tsv, "Also write spots x (pathways, genes) as TSV");
  add_geojson_option(cmd, run->geojson,
                  "Also write each spot or cell as a QuPath object with its predictions as measurements "
                  "(.geojson, or .geojson.gz)");
  cmd->add_option("--maps", run->maps,
                  "Write PNG maps here: all pathways, measured vs predicted (when the slide "
                  "has expression), attention");
  cmd->add_option("--map-pathway", run->map_request.pathways,
                  "Pathway(s) for the attention and comparison maps (default: best predicted)");
  cmd->add_option("--map-zoom", run->map_request.zoom_um,
                  "With --maps: also every pathway over this window, X,Y,WIDTH,HEIGHT in µm from the image's top "
                  "left (cells as dots at the window's scale)")
      ->delimiter(',')
      ->expected(4);
  add_weights_option(cmd, run->weights, "Encoder weights, when they moved since training (torchscript/vit)");
  add_grid_option(cmd, run->grid_kind);
  add_pitch_option(cmd, run->grid.pitch_um);
  add_stain_reference_option(cmd, run->stain_reference,
                             "Macenko reference image (default: the one the model was trained with, if any)");
  add_cache_dir_option(cmd, run->cache_dir);
  cmd->add_flag("--detect-nuclei", run->detect_nuclei,
                "Image only: predict per cell at the nuclei the built-in detector finds (written beside -o as "
                "<stem>.nuclei.tsv)");
  add_nucleus_options(cmd, run->nuclei);
  add_threads_option(cmd, run->threads);
  add_device_option(cmd, run->device, "vit, swin encoders");
  add_force_flag(cmd, run->force, "existing outputs");

  return print_result_when_parsed(cmd, run, run_predict);
}

}  // namespace stx::cli

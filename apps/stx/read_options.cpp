#include "read_options.hpp"

#include "shared_options.hpp"


#include "stx/core/error.hpp"

namespace stx::cli {
namespace fs = std::filesystem;

void add_slide_options(CLI::App* cmd, SlideInput& args, bool image_alone) {
  const std::string slides =
      "Space Ranger folder, .h5ad, 10x .h5, legacy ST counts .tsv[.gz] or dataset folder";
  const std::string image = "; or an H&E image alone (.jpg, .png, .tif, .svs, ...): pseudo-spots on its tissue";
  cmd->add_option("input", args.read.input, image_alone ? slides + image : slides)->required();
  add_format_option(cmd, args.format);
  cmd->add_option("--section", args.read.section, "Legacy ST dataset folder: section to read");
  cmd->add_option("--spots", args.read.spots_path, "Legacy ST spot selection table");
  add_image_option(cmd, args.read.image_path, "Full-resolution H&E image");
  cmd->add_option("--alignment", args.read.alignment_path,
                  "Xenium with --image: Xenium Explorer's H&E alignment (*_he_imagealignment.csv, or keypoints "
                  "fixedX,fixedY,alignmentX,alignmentY)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--labels", args.read.labels_path,
                  "Per-spot annotation table (HER2ST pathologist labels, or spot id + label)");
  add_um_per_px_option(cmd, args.read.um_per_px, "the data");
  cmd->add_option("--max-image-pixels", args.read.max_image_pixels,
                  "Refuse JPEG/PNG/plain TIFF images larger than this (decoded whole)")
      ->capture_default_str();
  cmd->add_option("--obs-x", args.read.obs_x, "h5ad: obs column holding the image column");
  cmd->add_option("--obs-y", args.read.obs_y, "h5ad: obs column holding the image row");
  if (image_alone)
    cmd->add_option("--cells", args.read.cells_path,
                    "Image only: predict per cell at these centres (CSV/TSV: x, y in pixels, or x_um, y_um in "
                    "µm; optional cell_id) instead of on pseudo-spots")
        ->check(CLI::ExistingFile);
}

}  // namespace stx::cli

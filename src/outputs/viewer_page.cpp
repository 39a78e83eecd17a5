#include <filesystem>
#include <string_view>
#include <utility>
#include <vector>

#include "stx/core/error.hpp"
#include "stx/io/files/atomic_file.hpp"
#include "stx/outputs/viewer.hpp"

namespace stx {

// The page's files, embedded at build time (cmake/embed_files.cmake; src/outputs/viewer/).
const std::vector<std::pair<std::string_view, std::string_view>>& embedded_files();

bool viewer_available() {
  for (const auto& [name, bytes] : embedded_files())
    if (name == "openseadragon.min.js") return true;
  return false;
}

void write_viewer_page(const std::string& dir) {
  STX_CHECK(viewer_available(), ConfigError,
            "stx view: this stx was built without OpenSeadragon (scripts/install-deps.sh installs it into "
            "src/outputs/viewer/node_modules; then rebuild)");
  for (const auto& [name, bytes] : embedded_files())
    write_text_atomically((std::filesystem::path(dir) / std::string(name)).string(), std::string(bytes));
}

}  // namespace stx

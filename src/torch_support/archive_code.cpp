#include "stx/torch/archive_code.hpp"

#include <caffe2/serialize/inline_container.h>
#include <fmt/format.h>

#include <regex>
#include <sstream>

#include "stx/core/error.hpp"
#include "stx/core/text_lines.hpp"

namespace stx {

void check_archive_holds_no_code(const std::string& path) {
  // what torch::serialize::OutputArchive writes for modules of parameters, buffers and
  // attributes: nothing that runs
  static const std::regex declaration(
      R"(^(class \w+\(Module\):|  __parameters__ = \[[^\]]*\]|  __buffers__ = \[[^\]]*\]|)"
      R"(  __annotations__ = \[\]|  __annotations__\["[^"\\]+"\] = [\w.]+|  \w+ : [\w.]+(\[[\w., ]*\])?|)$)");
  constexpr size_t kMaxCodeBytes = 1 << 20;
  std::unique_ptr<caffe2::serialize::PyTorchStreamReader> zip;
  try {
    zip = std::make_unique<caffe2::serialize::PyTorchStreamReader>(path);
  } catch (const c10::Error&) {
    return;  // not an archive: the loader says so in its own words
  }
  for (const auto& name : zip->getAllRecords()) {
    if (name.rfind("code/", 0) != 0 || !ends_with(name, ".py")) continue;
    auto [data, size] = zip->getRecord(name);
    STX_CHECK(size <= kMaxCodeBytes, FormatError, "{}: {} holds {} bytes of code; a model file holds declarations only",
              path, name, size);
    std::istringstream lines(std::string(static_cast<const char*>(data.get()), size));
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number)
      STX_CHECK(std::regex_match(line, declaration), FormatError,
                "{}: {} line {} is code, not a declaration ('{}'): stx refuses to load a model file that "
                "would run code", path, name, number, line.substr(0, 80));
  }
}

}  // namespace stx

// The report's section on asking the model why: the figure of what a pathway's rise does to the
// genes (stx perturb's folder) and the attribution maps of a region (stx explain's folder), each
// beside the checks that say how far to trust it (docs/explain.md).
#pragma once

#include <filesystem>
#include <string>

namespace stx {

/// "" when neither folder holds its checks table.
std::string explain_section(const std::filesystem::path& perturb_dir, const std::filesystem::path& explain_dir);

}  // namespace stx

// The report's section on spatial domains (the folder stx domains wrote): the methods'
// table, each slide's domain maps and heatmap, the pathways that set each domain apart, and
// how the domains change with k.
#pragma once

#include <filesystem>
#include <string>

namespace stx {

/// "" when `dir` holds no domains_metrics.tsv.
std::string domains_section(const std::filesystem::path& dir);

}  // namespace stx

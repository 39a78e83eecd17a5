// `stx export <h5ad> --geojson FILE`: the options of run_export (stx/pipeline/export.hpp).
#include <fmt/format.h>

#include <memory>

#include "commands.hpp"
#include "shared_options.hpp"
#include "stx/pipeline/export.hpp"

namespace stx::cli {

Action add_export(CLI::App& app) {
  auto run = std::make_shared<ExportRun>();
  CLI::App* cmd = app.add_subcommand("export", "Write an .h5ad of stx predict or stx score for other tools (QuPath)");
  cmd->add_option("input", run->input, "An .h5ad written by stx predict or stx score")->required();
  add_geojson_option(cmd, run->geojson,
                  "QuPath objects, one per spot or cell, its pathways (and predicted genes) as measurements "
                  "(.geojson, or .geojson.gz); QuPath: File > Import objects");
  cmd->add_option("--objects", run->objects,
                  "detection (spots), cell, or auto: cells when the spots are under 20 µm across")
      ->check(CLI::IsMember({"auto", "detection", "cell"}))->capture_default_str();
  cmd->add_flag("--no-genes", run->no_genes, "Pathway activities only, not a prediction's genes");
  add_domains_option(cmd, run->domains,
                  "domains.tsv of stx domains: each spot's chosen domain becomes its QuPath classification, "
                  "coloured as on the domain maps");
  add_force_flag(cmd, run->force, "an existing output");
  return [run, cmd]() -> int {
    if (!cmd->parsed()) return -1;
    fmt::print("{}", describe(*run, run_export(*run)));
    return 0;
  };
}

}  // namespace stx::cli

// What `stx domains` writes into its folder: domains.tsv (one row per spot, one column per
// clustering run), domains_metrics.tsv (k, silhouette, ARI per slide and run) and one figure
// per slide (pathologist labels beside each smoothed run's domains).
#pragma once

#include <sstream>
#include <string>

#include "stx/domains/slide_domains.hpp"
#include "stx/io/slide.hpp"

namespace stx {

/// The two tables, filled slide by slide; every slide must have the same runs.
class DomainTables {
 public:
  DomainTables();
  void add(const Slide& slide, const SlideDomains& domains);
  /// Writes the run folder's domain tables into `dir` atomically.
  void write(const std::string& dir) const;

 private:
  std::ostringstream spots_, metrics_;
  bool has_header_ = false;
};

/// The run's column name in domains.tsv: "pathways", "expression_PCA_unsmoothed", ...
std::string domain_column_name(const DomainRun& run);

/// Writes domains_<slide>.png into `dir`; returns its path.
std::string write_domain_figure(const Slide& slide, const SlideDomains& domains, const std::string& dir);

}  // namespace stx

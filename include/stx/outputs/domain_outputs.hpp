// What `stx domains` writes into its folder: domains.tsv (one row per spot: the chosen
// domain, then one column per run), domains_metrics.tsv (k, silhouette, ARI per slide and
// run), domain_pathways.tsv (each chosen domain's pathways: mean, effect, test),
// domains_stability.tsv (the chosen method at neighbouring k), and per slide a figure
// (pathologist labels, the chosen domains, the baseline's) and a heatmap of the domains'
// mean pathway activity.
#pragma once

#include <opencv2/core.hpp>

#include <memory>
#include <string>

#include "stx/domains/domain_summary.hpp"
#include "stx/domains/slide_domains.hpp"
#include "stx/io/files/atomic_file.hpp"
#include "stx/io/slide/slide.hpp"
#include "stx/io/files/tsv_writer.hpp"

namespace stx {

/// The two tables of the folder `dir`, written slide by slide; every slide must have the same
/// runs. Neither file exists until commit().
class DomainTables {
 public:
  explicit DomainTables(std::string dir);
  /// `summary`: of the chosen run's domains, over `pathways` (the activity's column names).
  /// Also stages the slide's two figures (domains_<slide>.png, domain_heatmap_<slide>.png).
  void add(const Slide& slide, const SlideDomains& domains, const DomainSummary& summary,
           const std::vector<std::string>& pathways);
  /// Every table and figure appears now; until then (and if a later slide fails) none does.
  void commit();

 private:
  std::string dir_;
  TsvWriter metrics_, pathways_, stability_;
  std::unique_ptr<TsvWriter> spots_;  // its columns come from the first slide's runs
  StagedFiles figures_;
};

/// Pathway names as figures print them: "HALLMARK_TNFA_SIGNALING_VIA_NFKB" -> "TNFA signaling via NFKB".
std::string short_pathway_name(const std::string& name);

/// Mean pathway activity per domain, the pathways ordered by the domain where they peak.
cv::Mat domain_heatmap(const Slide& slide, const SlideDomains& domains, const DomainSummary& summary,
                       const std::vector<std::string>& pathways);

/// Pathologist labels (when the slide has them) beside the chosen domains and the baseline's.
cv::Mat domain_figure(const Slide& slide, const SlideDomains& domains);

}  // namespace stx

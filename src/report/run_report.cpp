#include "stx/report/run_report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "domains_section.hpp"
#include "explain_section.hpp"
#include "html.hpp"
#include "tab_fields.hpp"
#include "stx/core/error.hpp"
#include "stx/core/run_folder.hpp"
#include "stx/stats/stats.hpp"
#include "stx/core/table_numbers.hpp"
#include "stx/core/text_lines.hpp"
#include "stx/core/utf8.hpp"

namespace stx {
namespace fs = std::filesystem;

namespace {

constexpr const char* kStyle = R"css(
body{font:15px/1.5 "DejaVu Sans",system-ui,sans-serif;color:#222;max-width:1500px;margin:0 auto;padding:24px 32px;background:#fff}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:16px;margin:20px 0 6px}.lead{color:#666;margin:0 0 16px}
table{border-collapse:collapse;margin:8px 0 12px;font-size:14px}th,td{padding:4px 10px;border-bottom:1px solid #eee;text-align:left}
th{background:#f6f6f6;font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tbody tr:nth-child(even){background:#fafafa}b.best{color:#1a5e9a}
.scroll{max-height:420px;overflow:auto;display:inline-block;border:1px solid #eee}
figure{margin:12px 0 24px}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{color:#666;font-size:13px}.note{color:#666;font-size:13px;max-width:900px}
)css";

struct MetricRow {
  std::string protocol, fold, method, kind, target;
  double r = NAN, partial_r = NAN, mse = NAN;
  // map specificity; NaN and "" in a run written before it
  double maps_between = NAN, measured_maps_between = NAN;
  std::string closest_measured;
};

// Every (protocol, fold, method) has the same targets of each kind: a file cut short at a
// line boundary still parses, and would otherwise be reported as if whole.
void check_complete(const std::vector<MetricRow>& rows, const fs::path& path) {
  std::map<std::string, std::map<std::string, size_t>> targets;  // kind -> group -> rows
  for (const auto& r : rows) ++targets[r.kind][r.protocol + " / " + r.fold + " / " + r.method];
  for (const auto& [kind, groups] : targets)
    for (const auto& [group, count] : groups) {
      const size_t expected = groups.begin()->second;
      STX_CHECK(count == expected, FormatError,
                "{}: incomplete: {} {} rows for '{}' but {} for '{}' (a file cut short?)", path.string(), count,
                kind, group, expected, groups.begin()->first);
    }
}

std::vector<MetricRow> read_metrics(const fs::path& path) {
  STX_CHECK(fs::exists(path), FormatError,
            "{}: no metrics in this run folder (write them with `stx evaluate -o {}`)",
            path.string(), path.parent_path().string());
  TextLines in(path.string());
  std::string line;
  // Runs before the two protocols had no protocol column: one protocol, named as then.
  // Runs before map specificity lack its three columns.
  std::vector<std::string> expected = run_folder::cv_metrics_columns();
  STX_CHECK(in.next(line), FormatError, "{}: empty; expected the columns {}", path.string(),
            fmt::join(expected, ", "));
  const bool has_specificity = split_tabs(line) == expected;
  if (!has_specificity) expected = run_folder::cv_metrics_columns_before_specificity();
  const bool has_protocol = split_tabs(line) == expected;
  if (!has_protocol) expected.erase(expected.begin());
  STX_CHECK(split_tabs(line) == expected, FormatError, "{}: header must be the columns {}",
            path.string(), fmt::join(run_folder::cv_metrics_columns(), ", "));
  std::vector<MetricRow> rows;
  while (in.next(line)) {
    if (line.empty()) continue;
    STX_CHECK(!first_invalid_utf8(line), FormatError, "{}: line {}: not UTF-8 text", path.string(), in.line_number());
    auto f = split_tabs(line);
    STX_CHECK(f.size() == expected.size(), FormatError, "{}: line {}: {} columns, expected {}",
              path.string(), in.line_number(), f.size(), expected.size());
    const std::string protocol = has_protocol ? f.front() : "leave one group out";
    if (has_protocol) f.erase(f.begin());
    STX_CHECK(f[2] == "gene" || f[2] == "pathway", FormatError,
              "{}: line {}: kind must be 'gene' or 'pathway', found '{}'", path.string(), in.line_number(), f[2]);
    const size_t o = has_protocol ? 1 : 0;  // f has lost the protocol column, expected has not
    MetricRow row;
    row.protocol = protocol;
    row.fold = f[0];
    row.method = f[1];
    row.kind = f[2];
    row.target = f[3];
    row.r = parse_double(f[4], in, expected[4 + o]);
    row.partial_r = parse_double(f[5], in, expected[5 + o]);
    row.mse = parse_double(f[6], in, expected[6 + o]);
    if (has_specificity) {
      row.maps_between = parse_double(f[7], in, expected[7 + o]);
      row.measured_maps_between = parse_double(f[8], in, expected[8 + o]);
      row.closest_measured = f[9] == kTsvMissing ? "" : f[9];
    }
    rows.push_back(row);
  }
  STX_CHECK(!rows.empty(), FormatError, "{}: no metric rows", path.string());
  check_complete(rows, path);
  return rows;
}

std::string number(double v, bool best = false) {
  const std::string s = three_decimals(v, "&ndash;");
  return best && std::isfinite(v) ? "<b class=\"best\">" + s + "</b>" : s;
}

template <typename T>
void add_unique(std::vector<T>& list, const T& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

// Methods x (folds + mean) of the mean r of one kind; the best of each column in bold.
std::string fold_table(const std::vector<MetricRow>& rows, const std::string& kind,
                       const std::vector<std::string>& methods, const std::vector<std::string>& folds) {
  std::map<std::pair<std::string, std::string>, FiniteMean> cell;
  std::map<std::string, FiniteMean> partial, mse, between, measured_between;
  std::map<std::string, std::pair<int, int>> own_closest;  // method -> (own, with a closest map)
  for (const auto& r : rows) {
    if (r.kind != kind) continue;
    cell[{r.method, r.fold}].add(r.r);
    partial[r.method].add(r.partial_r);
    mse[r.method].add(r.mse);
    between[r.method].add(r.maps_between);
    measured_between[r.method].add(r.measured_maps_between);
    if (!r.closest_measured.empty()) {
      own_closest[r.method].first += r.closest_measured == r.target;
      own_closest[r.method].second += 1;
    }
  }
  std::vector<std::string> columns = folds;
  columns.push_back("mean");
  std::map<std::string, double> value;  // "method|column"
  for (const auto& m : methods) {
    FiniteMean over_folds;
    for (const auto& f : folds) {
      const double v = cell[{m, f}].value();
      value[m + "|" + f] = v;
      over_folds.add(v);
    }
    value[m + "|mean"] = over_folds.value();
  }
  html::Table t;
  t.header = {"method"};
  t.numeric = {false};
  for (const auto& c : columns) t.header.push_back(c), t.numeric.push_back(true);
  t.header.insert(t.header.end(), {"partial r | depth", "MSE", "maps' mean |r| (measured)", "own map closest"});
  t.numeric.insert(t.numeric.end(), {true, true, true, true});
  for (const auto& m : methods) {
    std::vector<std::string> row = {html::escape(m)};
    for (const auto& c : columns) {
      double best = -INFINITY;
      for (const auto& other : methods)
        if (std::isfinite(value[other + "|" + c])) best = std::max(best, value[other + "|" + c]);
      const double v = value[m + "|" + c];
      row.push_back(number(v, std::isfinite(v) && v == best));
    }
    row.push_back(number(partial[m].value()));
    row.push_back(three_significant(mse[m].value(), "&ndash;"));
    row.push_back(number(between[m].value()) + " (" + number(measured_between[m].value()) + ")");
    const auto [own, defined] = own_closest[m];
    row.push_back(defined > 0 ? fmt::format("{} of {}", own, defined) : "&ndash;");
    t.rows.push_back(row);
  }
  return html::render(t);
}

// Targets x methods (mean r over folds), sorted by the first model method's r.
std::string target_table(const std::vector<MetricRow>& rows, const std::string& kind,
                         const std::vector<std::string>& methods) {
  std::map<std::pair<std::string, std::string>, FiniteMean> cell;
  std::vector<std::string> targets;
  for (const auto& r : rows) {
    if (r.kind != kind) continue;
    cell[{r.target, r.method}].add(r.r);
    add_unique(targets, r.target);
  }
  std::vector<std::string> shown;
  for (const auto& m : methods)
    if (m != "mean") shown.push_back(m);
  const std::string key = std::find(shown.begin(), shown.end(), "quadflow") != shown.end()
                              ? "quadflow" : shown.front();
  std::stable_sort(targets.begin(), targets.end(), [&](const auto& a, const auto& b) {
    const double x = cell[{a, key}].value(), y = cell[{b, key}].value();
    return (std::isfinite(x) ? x : -9) > (std::isfinite(y) ? y : -9);
  });
  html::Table t;
  t.header = {kind};
  t.numeric = {false};
  for (const auto& m : shown) t.header.push_back(m + " r"), t.numeric.push_back(true);
  for (const auto& target : targets) {
    double best = -INFINITY;
    for (const auto& m : shown)
      if (std::isfinite(cell[{target, m}].value())) best = std::max(best, cell[{target, m}].value());
    std::vector<std::string> row = {html::escape(target)};
    for (const auto& m : shown) {
      const double v = cell[{target, m}].value();
      row.push_back(number(v, std::isfinite(v) && v == best));
    }
    t.rows.push_back(row);
  }
  return "<div class=\"scroll\">" + html::render(t) + "</div>\n";
}

std::string summary_section(const fs::path& path) {
  if (!fs::exists(path)) return "";
  std::ifstream in(path);
  nlohmann::ordered_json j;  // the order the run wrote
  try {
    in >> j;
  } catch (const std::exception& e) {
    throw FormatError(fmt::format("{}: not valid JSON ({})", path.string(), e.what()));
  }
  STX_CHECK(j.is_object(), FormatError, "{}: expected a JSON object of run facts", path.string());
  html::Table t;
  t.header = {"", ""};
  for (const auto& [key, value] : j.items())
    t.rows.push_back({html::escape(key), html::escape(value.is_string() ? value.get<std::string>() : value.dump())});
  return "<h2>Run</h2>\n" + html::render(t);
}

std::string maps_section(const fs::path& dir) {
  const std::vector<std::pair<std::string, std::string>> known = {
      {run_folder::kPathwaysComparedPng, "Measured and predicted pathway activity on the held-out section (best predicted pathways; each panel on its own colour scale, 1st–99th percentile)"},
      {run_folder::kPathwayCorrelationsPng, "How alike the pathway maps are: Pearson r between every two pathways over the held-out section's spots, measured (left) and predicted (right), in the same order. A model that draws one map fifty times shows a right panel that is red throughout"},
      {run_folder::kGenesComparedPng, "Measured and predicted expression of the best predicted genes (log1p CP10k)"},
      {run_folder::kPathwaysPredictedPng, "All pathways, predicted from the H&E image"},
      {run_folder::kAttentionPng, "Attention maps: the spots each pathway token attended to in the last layer (P←H weights × number of spots; 1 = uniform)"}};
  std::string out;
  std::set<std::string> done;
  for (const auto& [file, caption] : known)
    if (fs::exists(dir / file)) {
      out += html::image_figure((dir / file).string(), caption);
      done.insert(file);
    }
  for (const auto& p : pngs_in(dir))
    if (!done.count(p.filename().string())) out += html::image_figure(p.string(), p.stem().string());
  return out.empty() ? "" : "<h2>Maps</h2>\n" + out;
}

}  // namespace

std::string build_run_report(const std::string& run_dir) {
  const fs::path dir(run_dir);
  STX_CHECK(fs::is_directory(dir), IoError, "{}: not a run folder", run_dir);
  const auto all_rows = read_metrics(dir / run_folder::kCvMetrics);
  std::vector<std::string> methods, protocols;
  for (const auto& r : all_rows) {
    add_unique(methods, r.method);
    add_unique(protocols, r.protocol);
  }
  const auto rows_of = [&](const std::string& protocol) {
    std::vector<MetricRow> rows;
    for (const auto& r : all_rows)
      if (r.protocol == protocol) rows.push_back(r);
    return rows;
  };
  std::string body;
  body += "<h1>SpatialTranscriptomer report</h1>\n";
  body += fmt::format("<p class=\"lead\">{} &middot; cross-validation: {}</p>\n",
                      html::escape(fs::absolute(dir).lexically_normal().string()),
                      html::escape(fmt::format("{}", fmt::join(protocols, "; "))));
  body += summary_section(dir / run_folder::kRunFacts);
  body += "<h2>Model against baselines</h2>\n<p class=\"note\">Mean Pearson r over targets on "
          "each held-out patient or section; every method trained on the same spots and features in one "
          "run. Best per column in bold. &lsquo;partial r | depth&rsquo;: r after removing what "
          "log library size explains. &lsquo;maps&rsquo; mean |r|&rsquo;: how alike the predicted "
          "maps are (mean |r| between each target's map and the others'), beside the measured "
          "maps' value in brackets: a model that learned only cellularity draws one map many "
          "times and scores far above the measured value. &lsquo;own map closest&rsquo;: "
          "predictions that correlate best with their own measured map rather than another "
          "target's (summed over folds). The mean predictor has no r (constant). Leaving a patient "
          "out is what a user sees on a new patient; a section held out while its patient's other "
          "sections train overstates it.</p>\n";
  for (const auto& protocol : protocols) {
    const auto rows = rows_of(protocol);
    std::vector<std::string> folds;
    for (const auto& r : rows) add_unique(folds, r.fold);
    body += "<h3>Pathway activity, " + html::escape(protocol) + "</h3>\n" + fold_table(rows, "pathway", methods, folds);
    body += "<h3>Genes, " + html::escape(protocol) + "</h3>\n" + fold_table(rows, "gene", methods, folds);
  }
  const auto headline = rows_of(protocols.front());
  body += "<h3>Per pathway (mean r over folds, " + html::escape(protocols.front()) + ")</h3>\n" +
          target_table(headline, "pathway", methods);
  body += "<h3>Per gene (mean r over folds, " + html::escape(protocols.front()) + ")</h3>\n" +
          target_table(headline, "gene", methods);
  if (fs::exists(dir / run_folder::kView / "index.html"))
    body += "<h2>Viewer</h2>\n<p><a href=\"" + std::string(run_folder::kView) +
            "/index.html\">Open the deep-zoom viewer</a>: the held-out section's H&amp;E at full resolution, every "
            "pathway and gene predicted and measured over it (<code>stx view</code>; it opens from disk).</p>\n";
  body += maps_section(dir / run_folder::kMaps);
  body += explain_section(dir / run_folder::kPerturb, dir / run_folder::kExplain);
  body += domains_section(dir / run_folder::kDomains);
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>SpatialTranscriptomer report</title><style>" + std::string(kStyle) +
         "</style></head><body>\n" + body + "</body></html>\n";
}

}  // namespace stx

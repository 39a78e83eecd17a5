#include "commands.hpp"

namespace stx::cli {

std::vector<Action> add_all_subcommands(CLI::App& app) {
  return {add_ingest(app),   add_score(app),   add_encode(app),
          add_train(app),    add_predict(app), add_nuclei(app), add_domains(app),
          add_report(app),   add_evaluate(app), add_models(app), add_export(app), add_perturb(app),
          add_explain(app), add_view(app), add_demo(app)};
}

}  // namespace stx::cli

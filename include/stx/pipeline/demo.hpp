// `stx demo`: the README's first command, the whole pipeline on the bundled HER2ST data:
//  1. ingest and score every imaged section (one table, each written as .h5ad);
//  2. cross-validate QuadFlow against the baselines, leaving one patient out and one section
//     out within a patient (run_evaluate; encoding goes through the feature cache);
//  3. train on the patients with the most imaged sections, and predict a section of another
//     patient from its H&E (at its spots, with maps against the measured truth, and on
//     pseudo-spots from the image alone): what a user does with a new patient;
//  4. spatial domains of the pathologist-labelled sections (run_domains);
//  5. the HTML report of it all (run_report).
// Each step calls the same function as its subcommand, with a struct of its options.
#pragma once

#include <cstdint>
#include <string>

#include "stx/pipeline/say.hpp"
#include "stx/train/trainer.hpp"

namespace stx {

struct DemoRun {
  std::string data;  // holds her2st/ (counts/, spots/, images/, pathologist_labels/)
  std::string out = "stx-demo-out";
  int threads = 0;
  int64_t ensemble = TrainOptions{}.ensemble;  // models averaged in steps 2 and 3
  Say say;  // every step's narration and results (apps/stx: stdout)
};

void run_demo(const DemoRun& run);

}  // namespace stx

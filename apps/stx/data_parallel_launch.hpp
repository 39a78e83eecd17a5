// `stx train --nproc N`: the command line runs again as N worker processes (rank 0..N-1), told
// their place by the environment variable STX_DATA_PARALLEL ("rank,world,store"); they meet
// through a c10d FileStore in a temporary folder and train in step (src/train/gradient_sync).
// Rank 0 prints and writes as a single process would; the others are silent.
#pragma once

#include <optional>

#include "stx/train/trainer.hpp"

namespace stx::cli {

/// Keeps the command line so that the launcher can run it again.
void remember_command_line(int argc, char** argv);

/// This process's place when it is one of a launch's workers; nullopt otherwise.
std::optional<DataParallel> data_parallel_worker();

/// Runs the remembered command line as `nproc` workers and waits for them. Returns the exit
/// code: 0 when all succeed, else the first failure's (its error line printed once); the
/// others are stopped as soon as one fails.
int launch_data_parallel(int nproc);

}  // namespace stx::cli

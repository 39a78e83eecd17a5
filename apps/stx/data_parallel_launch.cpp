#include "data_parallel_launch.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "stx/core/error.hpp"

extern char** environ;

namespace stx::cli {
namespace fs = std::filesystem;
namespace {

constexpr const char* kWorkerVariable = "STX_DATA_PARALLEL";
std::vector<std::string> command_line;

// The workers, for the launcher's signal handler: a scheduler's SIGTERM (or Ctrl-C's SIGINT)
// to the launcher alone is passed on, so that no worker trains on without it.
constexpr int kMaxWorkers = 64;
volatile sig_atomic_t worker_count = 0;
pid_t worker_pids[kMaxWorkers] = {};

extern "C" void forward_to_workers(int signal) {
  for (sig_atomic_t i = 0; i < worker_count; ++i) ::kill(worker_pids[i], signal);
}

// A temporary folder for the store and the workers' stderr, removed when the launch ends.
struct LaunchFolder {
  std::string path;
  LaunchFolder() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/stx-nproc-XXXXXX";
    STX_CHECK(::mkdtemp(pattern.data()) != nullptr, IoError, "{}: cannot create a folder for the workers ({})",
              pattern, std::strerror(errno));
    path = pattern;
  }
  ~LaunchFolder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

pid_t spawn_worker(int rank, int world, const LaunchFolder& folder) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, kWorkerVariable, std::strlen(kWorkerVariable)) != 0) env_strings.emplace_back(*e);
  env_strings.push_back(fmt::format("{}={},{},{},{}/store", kWorkerVariable, rank, world, ::getpid(), folder.path));
  std::vector<char*> env, args;
  for (auto& s : env_strings) env.push_back(s.data());
  env.push_back(nullptr);
  for (auto& s : command_line) args.push_back(s.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string err = fmt::format("{}/rank{}.err", folder.path, rank);
  if (rank > 0) {  // rank 0 speaks for the run; the others' errors are kept to report one
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  }
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  STX_CHECK(rc == 0, IoError, "--nproc: cannot start training process {} of {} ({})", rank + 1, world,
            std::strerror(rc));
  return pid;
}

std::string last_line(const std::string& path) {
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  return last;
}

}  // namespace

void remember_command_line(int argc, char** argv) { command_line.assign(argv, argv + argc); }

std::optional<DataParallel> data_parallel_worker() {
  const char* value = std::getenv(kWorkerVariable);
  if (!value) return std::nullopt;
  DataParallel p;
  char store[4096] = {};
  int launcher = 0;
  STX_CHECK(std::sscanf(value, "%d,%d,%d,%4095s", &p.rank, &p.world, &launcher, store) == 4 && p.world >= 1 &&
                p.rank >= 0 && p.rank < p.world && launcher > 0,
            ConfigError, "{}='{}': expected RANK,WORLD,LAUNCHER_PID,STORE (set by stx train --nproc)",
            kWorkerVariable, value);
  p.store = store;
  // A worker dies with its launcher (an OOM killer's or a scheduler's SIGKILL to the job):
  // nothing trains on or writes a model after the launcher has reported its end. The
  // launcher may have died before this line: then the parent is already another process.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  STX_CHECK(::getppid() == static_cast<pid_t>(launcher), ConfigError,
            "--nproc: the launching stx (pid {}) has ended; training process {} stops", launcher, p.rank + 1);
  return p;
}

int launch_data_parallel(int nproc) {
  LaunchFolder folder;
  std::map<pid_t, int> running;  // pid -> rank
  STX_CHECK(nproc <= kMaxWorkers, ConfigError, "--nproc {}: at most {}", nproc, kMaxWorkers);
  for (int rank = 0; rank < nproc; ++rank) {
    const pid_t pid = spawn_worker(rank, nproc, folder);
    running[pid] = rank;
    worker_pids[rank] = pid;
    worker_count = rank + 1;
  }
  struct sigaction forward = {};
  forward.sa_handler = forward_to_workers;
  sigemptyset(&forward.sa_mask);
  for (const int signal : {SIGTERM, SIGINT, SIGHUP}) ::sigaction(signal, &forward, nullptr);
  int code = 0, failed_rank = -1, rank0_code = 0;
  while (!running.empty()) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const int rank = it->second;
    running.erase(it);
    const int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (rank == 0) rank0_code = rc;
    if (rc != 0 && failed_rank < 0) {
      failed_rank = rank;
      code = rc;
      for (const auto& [other, r] : running) ::kill(other, SIGTERM);  // they would wait for it forever
    }
  }
  if (failed_rank < 0) return 0;
  if (rank0_code > 0 && rank0_code < 128) return rank0_code;  // rank 0 said what went wrong
  if (failed_rank > 0) {  // rank 0 printed nothing of it: say what the failing worker said
    const std::string said = last_line(fmt::format("{}/rank{}.err", folder.path, failed_rank));
    if (code > 128 || said.empty())
      fmt::print(stderr, "stx: error: training process {} of {} ended with {}\n", failed_rank + 1, nproc,
                 code > 128 ? fmt::format("signal {}", code - 128) : fmt::format("exit code {}", code));
    else
      fmt::print(stderr, "{}\n", said);
  } else if (code > 128) {
    fmt::print(stderr, "stx: error: training process 1 of {} was killed by signal {}\n", nproc, code - 128);
  }
  return code > 128 ? 3 : code;
}

}  // namespace stx::cli

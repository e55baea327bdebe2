// `perfgate record`: the receiver and recording of fetch/record/, a wrapped command run with
// the SDKs' endpoints pointed at them, and the signals, which this command owns while it
// records: SIGINT and SIGTERM are blocked in every thread and taken with sigtimedwait, so
// they end the recording cleanly (and reach the wrapped command) instead of killing it.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "fetch/record/receiver.h"
#include "fetch/record/recording.h"

extern char** environ;

namespace perfgate::cli {
namespace {

using std::chrono::milliseconds;

// The SDKs go quiet this long before the grace period ends early.
constexpr milliseconds kQuiet{500};

// The environment of the wrapped command: this process's, with the SDKs' endpoints set to
// the receiver. An endpoint the user set for traces alone is replaced too: it would send
// elsewhere.
std::vector<std::string> CommandEnvironment(const CliEnv& env, const std::string& base_url) {
  std::map<std::string, std::string> vars = env.vars;
  vars["OTEL_EXPORTER_OTLP_ENDPOINT"] = base_url;
  vars["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = base_url + "/v1/traces";
  if (!vars.contains("OTEL_EXPORTER_OTLP_PROTOCOL") &&
      !vars.contains("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"))
    vars["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
  // Sentry's SDKs read SENTRY_DSN: http://KEY@HOST:PORT/PROJECT.
  vars["SENTRY_DSN"] =
      "http://perfgate@" + base_url.substr(std::string_view("http://").size()) + "/1";
  vars["PERFGATE_RECORD_URL"] = base_url;
  std::vector<std::string> entries;
  for (const auto& [name, value] : vars) entries.push_back(name + "=" + value);
  return entries;
}

// Starts `command` with `environment`, its signal mask and SIGINT/SIGTERM dispositions
// reset (this process blocks them). Returns its pid, or an error naming the command.
Result<pid_t> Spawn(const std::vector<std::string>& command,
                    const std::vector<std::string>& environment) {
  std::vector<char*> argv;
  for (const std::string& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const std::string& entry : environment) envp.push_back(const_cast<char*>(entry.c_str()));
  envp.push_back(nullptr);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  const int failed = posix_spawnp(&pid, argv[0], nullptr, &attributes, argv.data(), envp.data());
  posix_spawnattr_destroy(&attributes);
  if (failed != 0) {
    return MakeError(ErrorKind::kUsage,
                     "cannot run '" + command[0] + "': " + std::strerror(failed));
  }
  return pid;
}

// A wait status as an exit code: the command's own, or 128 + the signal that ended it.
int ExitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return kExitError;
}

// "analyzer 1.4.0: 1,200 spans; checkout: 30 spans".
std::string ServicesText(const fetch::RecordingCounts& counts) {
  std::string text;
  for (const auto& [service, spans] : counts.by_service) {
    const std::string name = service.first.empty() ? "(no service.name)" : service.first;
    text += (text.empty() ? "" : "; ") + name +
            (service.second.empty() ? "" : " " + service.second) + ": " + std::to_string(spans) +
            (spans == 1 ? " span" : " spans");
  }
  return text;
}

}  // namespace

int RunRecord(const RecordOptions& options, CliEnv& env) {
  // Blocked before any thread starts, so every thread inherits the mask and the signals
  // wait for sigtimedwait below.
  sigset_t ending;
  sigemptyset(&ending);
  sigaddset(&ending, SIGINT);
  sigaddset(&ending, SIGTERM);
  sigaddset(&ending, SIGCHLD);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &ending, &previous);
  struct Restore {
    sigset_t mask;
    ~Restore() { pthread_sigmask(SIG_SETMASK, &mask, nullptr); }
  } restore{previous};

  Result<std::unique_ptr<fetch::Recording>> recording =
      fetch::Recording::Open(env.fs, options.output);
  if (!recording.ok()) return ReportError(recording.error(), env);
  std::mutex log_mutex;
  fetch::ReceiverOptions receiver_options;
  receiver_options.address = options.address;
  receiver_options.port = options.port;
  receiver_options.clock = &env.clock;
  receiver_options.log = [&](const std::string& line) {
    // Refusals are always said: an SDK whose data is refused is the news.
    if (!options.verbose && line.find(": refused") == std::string::npos &&
        line.find("(413)") == std::string::npos)
      return;
    std::lock_guard lock(log_mutex);
    env.err << "perfgate record: " << line << "\n" << std::flush;
  };
  Result<std::unique_ptr<fetch::Receiver>> receiver =
      fetch::Receiver::Start(receiver_options, **recording);
  if (!receiver.ok()) return ReportError(receiver.error(), env);
  const std::string host = options.address.find(':') != std::string::npos
                               ? "[" + options.address + "]"
                               : options.address;
  const std::string base_url = "http://" + host + ":" + std::to_string((*receiver)->port());
  {
    std::lock_guard lock(log_mutex);
    env.err << "perfgate record: listening on " << base_url
            << " (OTLP/HTTP traces: POST /v1/traces; Sentry DSN: http://perfgate@"
            << base_url.substr(std::string_view("http://").size()) << "/1), writing "
            << options.output << "\n"
            << std::flush;
  }

  int command_status = 0;
  pid_t child = 0;
  if (!options.command.empty()) {
    Result<pid_t> spawned = Spawn(options.command, CommandEnvironment(env, base_url));
    if (!spawned.ok()) {
      (*receiver)->Stop();
      return ReportError(spawned.error(), env);
    }
    child = *spawned;
  }
  // Until the command ends, or (without one) until SIGINT or SIGTERM. A signal while the
  // command runs is passed on to it; its end then ends the recording.
  bool interrupted = false;
  // On a terminal, a live line of what has come in (a CI log gets the summary alone).
  const bool live = env.err_is_terminal && !options.verbose;
  std::size_t shown = 0;
  auto show = [&] {
    const fetch::RecordingCounts counts = (*recording)->counts();
    if (!live || counts.requests == shown) return;
    shown = counts.requests;
    std::lock_guard lock(log_mutex);
    env.err << "\rperfgate record: " << counts.spans << " spans (" << counts.roots
            << " without a parent) in " << counts.requests << " requests so far" << std::flush;
  };
  while (true) {
    timespec tick{0, 200'000'000};
    const int signal_number = sigtimedwait(&ending, nullptr, &tick);
    show();
    if ((signal_number == SIGINT || signal_number == SIGTERM)) {
      interrupted = true;
      if (child == 0) break;
      ::kill(child, signal_number);
    }
    if (child != 0) {
      int status = 0;
      if (::waitpid(child, &status, WNOHANG) == child) {
        command_status = ExitCodeOf(status);
        break;
      }
    }
  }
  // The last exports: SDKs flush on exit, and a batch may still be on its way.
  if (child != 0 && !interrupted) {
    const auto end = env.clock.Now() + options.grace;
    while (env.clock.Now() < end && env.clock.Now() - (*receiver)->last_request() < kQuiet)
      env.clock.Sleep(milliseconds(50));
  }
  (*receiver)->Stop();
  if (live && shown > 0) env.err << "\n";
  const fetch::RecordingCounts counts = (*recording)->counts();
  if (counts.spans == 0) {
    env.err << "perfgate: error: nothing was recorded: no SDK sent spans to " << base_url
            << (options.command.empty() ? ""
                                        : " (is the command instrumented, and does its SDK read "
                                          "OTEL_EXPORTER_OTLP_ENDPOINT or SENTRY_DSN?)")
            << "; " << options.output << " was not written\n";
    return command_status != 0 ? command_status : kExitError;
  }
  Status committed = (*recording)->Commit();
  if (!committed.ok()) return ReportError(committed.error(), env);
  env.err << "perfgate record: " << counts.spans << " spans (" << counts.roots
          << " without a parent) in " << counts.requests
          << (counts.requests == 1 ? " request" : " requests") << " from " << ServicesText(counts)
          << "; wrote " << options.output << "\n";
  if (command_status != 0) {
    env.err << "perfgate record: the command exited with status " << command_status << "\n";
  }
  return command_status;
}

}  // namespace perfgate::cli

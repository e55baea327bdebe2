// Two speed targets of explanations, measured on data shaped like the README's example
// (examples/traces/: the analysis pipeline, six spans a request):
// 1. reading OTLP/JSON: MB/s on one core, beside `wc -l` on the same file in the same run
//    (a baseline that shares the machine's noise);
// 2. explaining a transaction of 100,000 traces (50,000 a side): critical paths, the
//    decomposition of the mean and of the p95 tail with intervals, and exemplars.
// Usage: explain_bench [TRACES_A_SIDE [TRACES_IN_FILE]]   (defaults: 50000, 100000)
// PERFGATE_BENCH_KEEP=1 keeps the OTLP file in /tmp (to profile perfgate reading it).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "bench/timing.h"
#include "core/file_system.h"
#include "explain/explanations.h"
#include "fetch/files/sample_reader.h"
#include "gate/evaluate.h"
#include "gate/thresholds_parser.h"
#include "stats/random.h"

namespace {

using perfgate::SpanTree;
using perfgate::bench::BestOf;
using perfgate::bench::Clock;
using perfgate::bench::Seconds;

double LogNormal(perfgate::stats::Random& random, double median, double sigma) {
  return median * std::exp(sigma * random.Normal());
}

// One request of the pipeline, times in ms from its start.
SpanTree Request(perfgate::stats::Random& random, double embed_median) {
  SpanTree tree;
  char id[33];
  std::snprintf(id, sizeof id, "%016llx%016llx",
                static_cast<unsigned long long>(random.Below(~0ULL)),
                static_cast<unsigned long long>(random.Below(~0ULL)));
  tree.trace_id = id;
  tree.spans.push_back({"http.server", "POST /api/analyze", -1, 0, 0});
  double t = 4;
  const struct {
    const char* op;
    const char* name;
    double median;
  } steps[] = {{"db.query", "fetch-document", 45},
               {"function", "chunk-text", 60},
               {"ai.embed", "batch-embed", embed_median},
               {"db.query", "store-vectors", 55},
               {"ai.run", "generate-summary", 1800}};
  for (const auto& step : steps) {
    const double ms = LogNormal(random, step.median, 0.4);
    if (std::string_view(step.name) == "generate-summary")
      tree.spans.push_back({"http.client", "POST /v1/events", 0, t + 1, t + 1 + 0.1 * ms});
    tree.spans.push_back({step.op, step.name, 0, t, t + ms});
    t += ms + 0.5;
  }
  tree.spans[0].end_ms = t + 6;
  return tree;
}

// `traces` requests as OTLP/JSON lines, 200 spans a line as the Collector batches them.
void WriteOtlp(const std::string& path, int traces) {
  perfgate::stats::Random random(7);
  std::ofstream out(path);
  std::string line;
  int spans_in_line = 0;
  auto flush = [&] {
    if (spans_in_line == 0) return;
    out << R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"analyzer"}},{"key":"service.version","value":{"stringValue":"analyzer@1.5.0"}}]},"scopeSpans":[{"spans":[)"
        << line << "]}]}]}\n";
    line.clear();
    spans_in_line = 0;
  };
  const long long epoch_us = 1'764'000'000'000'000LL;
  for (int r = 0; r < traces; ++r) {
    const SpanTree tree = Request(random, 700);
    const long long start_us = epoch_us + r * 100'000LL;
    char root_id[17];
    std::snprintf(root_id, sizeof root_id, "%016x", 16 * r + 1);
    for (std::size_t i = 0; i < tree.spans.size(); ++i) {
      const perfgate::SpanRecord& span = tree.spans[i];
      char span_id[17];
      std::snprintf(span_id, sizeof span_id, "%016x", 16 * r + 1 + static_cast<int>(i));
      char text[768];
      const int length = std::snprintf(
          text, sizeof text,
          R"(%s{"traceId":"%s","spanId":"%s","parentSpanId":"%s","name":"%s","kind":%d,)"
          R"("startTimeUnixNano":"%lld000","endTimeUnixNano":"%lld000","attributes":[)"
          R"({"key":"sentry.op","value":{"stringValue":"%s"}}%s]})",
          spans_in_line == 0 ? "" : ",", tree.trace_id.c_str(), span_id, i == 0 ? "" : root_id,
          span.description.c_str(), i == 0 ? 2 : 3, start_us + std::llround(span.start_ms * 1000),
          start_us + std::llround(span.end_ms * 1000), span.op.c_str(),
          i == 0
              ? R"(,{"key":"http.request.method","value":{"stringValue":"POST"}},{"key":"http.route","value":{"stringValue":"/api/analyze"}})"
              : "");
      line.append(text, static_cast<std::size_t>(length));
      if (++spans_in_line == 200) flush();
    }
  }
  flush();
}

perfgate::SampleSet Release(int traces, double embed_median, std::uint64_t seed) {
  perfgate::stats::Random random(seed);
  perfgate::SampleSetBuilder builder;
  for (int r = 0; r < traces; ++r) {
    SpanTree tree = Request(random, embed_median);
    const double duration = tree.spans[0].end_ms;
    builder.Add("POST /api/analyze", duration, false, std::move(tree));
  }
  return std::move(builder).Build("bench");
}

}  // namespace

int main(int argc, char** argv) {
  const int side = argc > 1 ? std::atoi(argv[1]) : 50000;
  const int in_file = argc > 2 ? std::atoi(argv[2]) : 100000;

  // 1. Reading OTLP.
  const std::string path = "/tmp/perfgate_bench_" + std::to_string(in_file) + ".otlp.jsonl";
  WriteOtlp(path, in_file);
  perfgate::RealFileSystem fs;
  const double megabytes = static_cast<double>(fs.ReadFile(path)->size()) / 1e6;
  const std::string wc = "wc -l " + path + " > /dev/null";
  const double wc_seconds = BestOf(3, [&] {
    if (std::system(wc.c_str()) != 0) std::abort();
  });
  std::size_t events = 0;
  const double read_seconds = BestOf(3, [&] {
    auto set = perfgate::fetch::ReadSampleFile(fs, path, std::nullopt, {});
    if (!set.ok()) {
      std::fprintf(stderr, "%s\n", set.error().message.c_str());
      std::exit(1);
    }
    events = set->TotalEvents();
  });
  std::printf(
      "OTLP read: %d traces (%zu read), %.1f MB: %.3f s, %.0f MB/s; wc -l %.3f s "
      "(%.1fx perfgate's speed)\n",
      in_file, events, megabytes, read_seconds, megabytes / read_seconds, wc_seconds,
      read_seconds / wc_seconds);
  if (std::getenv("PERFGATE_BENCH_KEEP") == nullptr) std::remove(path.c_str());  // kept to profile

  // 2. Explaining 2 x `side` traces.
  const perfgate::SampleSet base = Release(side, 700, 1);
  const perfgate::SampleSet cand = Release(side, 1400, 2);
  perfgate::gate::Thresholds config = perfgate::gate::DefaultThresholds();
  const auto evaluate_start = Clock::now();
  const perfgate::gate::EvaluationResult result =
      perfgate::gate::Evaluate(config, base, cand, std::chrono::year_month_day{});
  const double evaluate_seconds = Seconds(evaluate_start);
  perfgate::explain::Explanations explained;
  const double explain_seconds =
      BestOf(3, [&] { explained = perfgate::explain::ExplainNotPassed(result, base, cand, {}); });
  if (explained.size() != 1) {
    std::fprintf(stderr, "expected one explanation, got %zu\n", explained.size());
    return 1;
  }
  const perfgate::explain::Explanation& why = explained.begin()->second;
  std::printf(
      "explain: %d + %d traces: %.3f s (Evaluate of the same: %.3f s); top cause %s "
      "%+.1f ms per request in the %s tail, intervals %s\n",
      side, side, explain_seconds, evaluate_seconds, why.judged.causes.front().op.c_str(),
      why.judged.causes.front().change_ms, why.statistic.c_str(),
      why.mean && why.mean->resamples == 0 ? "normal (all) / bootstrap (tail)" : "bootstrap");
  return 0;
}

#include "fetch/files/ndjson_reader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <random>
#include <string>

#include "fetch/files/csv_reader.h"
#include "fetch/files/json_event_handler.h"
#include "fetch/files/otlp_reader.h"
#include "fetch/files/sample_reader.h"
#include "fetch/files/sentry_page_reader.h"

namespace perfgate::fetch {
namespace {

TEST(ReadNdjson, ReadsPerfgateAndSentryFieldNames) {
  std::string text =
      R"({"transaction":"GET /a","duration_ms":12.5,"status":"ok","timestamp":"2026-11-20T10:00:00Z"})"
      "\n"
      R"({"transaction":"GET /a","transaction.duration":30,"transaction.status":"internal_error"})"
      "\n\n"
      R"({"transaction":"GET /b","span.duration":7,"span.status":"unknown","extra":{"nested":[1,{"status":"x"}]}})"
      "\r\n";
  Result<SampleSet> set = ReadNdjson(text, "in.ndjson", ReadOptions{});
  ASSERT_TRUE(set.ok()) << set.error().message;
  ASSERT_EQ(set->groups.size(), 2u);
  EXPECT_EQ(set->groups[0].durations_ms, (std::vector<double>{12.5, 30}));
  EXPECT_EQ(set->groups[0].failed, (std::vector<std::uint8_t>{0, 1}));
  EXPECT_EQ(set->groups[1].name, "GET /b");
  EXPECT_EQ(set->groups[1].failed, (std::vector<std::uint8_t>{0}));  // nested "status" ignored
}

TEST(ReadNdjson, KeepsSentrysOpsBreakdownAndTraceId) {
  // As raw mode fetches them: each family's time or null, the total over every op, the trace.
  const std::string text =
      R"({"transaction":"GET /a","transaction.duration":500,"trace":"4BF92F3577B34DA6A3CE929D0E0E4736",)"
      R"("spans.db":120.5,"spans.http":null,"spans.ui":0,"spans.total.time":300})"
      "\n"
      R"({"transaction":"GET /a","transaction.duration":40})"
      "\n"
      R"({"transaction":"GET /b","transaction.duration":7,"spans.db":3,"spans.total.time":3})";
  for (const InputFormat format : {InputFormat::kNdjson, InputFormat::kSentryJson}) {
    const std::string input = format == InputFormat::kNdjson ? text : [&] {
      std::string page = "[" + text + "]";
      for (std::size_t at; (at = page.find('\n')) != std::string::npos;) page[at] = ',';
      return page;
    }();
    Result<SampleSet> set = ReadSamples(input, "in", format, ReadOptions{});
    ASSERT_TRUE(set.ok()) << set.error().message;
    const GroupSamples& a = set->groups[0];
    ASSERT_EQ(a.trees.size(), 2u);
    EXPECT_EQ(a.trees[0].trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");  // links are lowercase
    ASSERT_EQ(a.trees[0].op_times.size(), 3u);
    EXPECT_EQ(a.trees[0].op_times[0].op, "db");
    EXPECT_EQ(a.trees[0].op_times[0].ms, 120.5);
    EXPECT_EQ(a.trees[0].op_times[1].op, "ui");
    EXPECT_EQ(a.trees[0].op_times[2].op, kOtherOps);  // the total less the families
    EXPECT_EQ(a.trees[0].op_times[2].ms, 179.5);
    EXPECT_TRUE(a.trees[1].op_times.empty());  // an event without a breakdown
    // A total equal to its families adds no other part.
    ASSERT_EQ(set->groups[1].trees[0].op_times.size(), 1u);
  }
  Result<SampleSet> csv = ReadSamples("transaction,duration_ms,spans.db,spans.http\na,50,10,\n",
                                      "in.csv", InputFormat::kCsv, ReadOptions{});
  ASSERT_TRUE(csv.ok()) << csv.error().message;
  ASSERT_EQ(csv->groups[0].trees[0].op_times.size(), 1u);  // an empty cell: no such spans
  EXPECT_EQ(csv->groups[0].trees[0].op_times[0].ms, 10);
}

TEST(ReadNdjson, TheFastPathLeavesHugeExponentsToTheFullParser) {
  // Boost.JSON 1.81 calls this exponent an overflow, later versions read it as 0: whichever,
  // a line reads the same through the fast path (NDJSON) as through the full parser (a page).
  for (const char* number : {"1e-4444441609", "1e4444441609", "2.5e-00000000003"}) {
    const std::string event = std::string(R"({"transaction":"a","duration_ms":)") + number + "}";
    Result<SampleSet> line = ReadNdjson(event, "in", ReadOptions{});
    Result<SampleSet> page = ReadSentryPage("[" + event + "]", "in", ReadOptions{});
    ASSERT_EQ(line.ok(), page.ok()) << number;
    if (line.ok()) {
      EXPECT_EQ(line->groups[0].durations_ms, page->groups[0].durations_ms);
    }
  }
}

TEST(ReadNdjson, MinusZeroIsZero) {
  Result<SampleSet> set = ReadNdjson(R"({"duration_ms":-0})", "in.ndjson", ReadOptions{});
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_FALSE(std::signbit(set->groups[0].durations_ms[0]));  // no "-0" in a report
}

TEST(ReadNdjson, DecodesEscapesInNamesAndKeys) {
  std::string text = R"({"transaction":"GET /caf\u00e9 \"x\"","dur\u0061tion_ms":1})";
  Result<SampleSet> set = ReadNdjson(text, "in.ndjson", ReadOptions{});
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->groups[0].name, "GET /caf\xC3\xA9 \"x\"");
}

TEST(ReadNdjson, MissingTransactionIsTheEmptyName) {
  Result<SampleSet> set = ReadNdjson(R"({"duration_ms":1})", "in.ndjson", ReadOptions{});
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->groups[0].name, "");
}

std::string BigInput(std::size_t lines, std::size_t bad_line) {
  std::mt19937_64 engine(3);
  std::string text;
  for (std::size_t i = 1; i <= lines; ++i) {
    double duration = static_cast<double>(engine() % 1000000) / 100.0;
    if (i == bad_line) duration = -1;
    text += R"({"timestamp":"2026-11-20T10:00:00Z","transaction":"GET /api/)" +
            std::to_string(engine() % 50) + R"(","duration_ms":)" + std::to_string(duration) +
            R"(,"status":")" + (engine() % 100 == 0 ? "internal_error" : "ok") +
            R"(","release":"shop@1.4.0"})" + "\n";
  }
  return text;
}

TEST(ReadNdjson, ResultDoesNotDependOnThreadCount) {
  std::string text = BigInput(120000, 0);  // about 15 MB: several chunks
  Result<SampleSet> one = ReadNdjson(text, "big.ndjson", ReadOptions{BadRowPolicy::kFail, 1, {}});
  Result<SampleSet> four = ReadNdjson(text, "big.ndjson", ReadOptions{BadRowPolicy::kFail, 4, {}});
  ASSERT_TRUE(one.ok() && four.ok());
  ASSERT_EQ(one->groups.size(), four->groups.size());
  for (std::size_t g = 0; g < one->groups.size(); ++g) {
    EXPECT_EQ(one->groups[g].name, four->groups[g].name);
    EXPECT_EQ(one->groups[g].durations_ms, four->groups[g].durations_ms);
    EXPECT_EQ(one->groups[g].failed, four->groups[g].failed);
  }
  EXPECT_EQ(one->TotalEvents(), 120000u);
}

TEST(ReadNdjson, LineNumbersAreRightInLaterChunks) {
  std::string text = BigInput(120000, 100001);
  for (unsigned threads : {1u, 2u, 4u}) {
    Result<SampleSet> read =
        ReadNdjson(text, "big.ndjson", ReadOptions{BadRowPolicy::kFail, threads, {}});
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error().message.substr(0, 46), "big.ndjson:100001: duration_ms is negative: -1")
        << threads << " threads";
  }
}

}  // namespace
}  // namespace perfgate::fetch

namespace perfgate::fetch {
namespace {

// The NDJSON reader takes a hand-written fast path for plain lines and Boost.JSON's parser
// for the rest; the page reader always takes Boost.JSON's. The same events through both
// must give the same samples, bit for bit.
TEST(ReadNdjson, FastPathAgreesWithTheFullParser) {
  std::mt19937_64 engine(17);
  const char* names[] = {
      "GET /a",          "GET /caf\\u00e9", "POST /x \\\"q\\\"", "GET /\xC3\xA9t\xC3\xA9",
      "GET /users/[id]", "tab\\there"};
  const char* numbers[] = {"0",
                           "12",
                           "12.5",
                           "1820.1222058410385",
                           "9957.485095567361",
                           "1e3",
                           "1.5E+2",
                           "2e-3",
                           "123456789012345678",
                           "0.1",
                           "7.000000000000001"};
  const char* statuses[] = {"\"ok\"", "\"internal_error\"", "null", "\"cancelled\""};
  std::vector<std::string> lines;
  for (int i = 0; i < 2000; ++i) {
    std::string line = "{";
    if (engine() % 2) line += " ";
    line += "\"transaction\":\"" + std::string(names[engine() % 6]) + "\",";
    line +=
        "\"duration_ms\"" + std::string(engine() % 3 == 0 ? " : " : ":") + numbers[engine() % 11];
    line += ",\"status\":" + std::string(statuses[engine() % 4]);
    if (engine() % 4 == 0) line += ",\"tags\":{\"k\":[1,2,{\"status\":\"x\"}]}";
    if (engine() % 4 == 0) line += ",\"error\":" + std::string(engine() % 2 ? "true" : "false");
    line += engine() % 5 == 0 ? " }\r" : "}";
    lines.push_back(line);
  }
  std::string ndjson, array = "[";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    ndjson += lines[i] + "\n";
    array += (i ? "," : "") + lines[i];
  }
  array += "]";
  Result<SampleSet> fast = ReadNdjson(ndjson, "a.ndjson", ReadOptions{});
  Result<SampleSet> full = ReadSentryPage(array, "a.json", ReadOptions{});
  ASSERT_TRUE(fast.ok()) << fast.error().message;
  ASSERT_TRUE(full.ok()) << full.error().message;
  ASSERT_EQ(fast->groups.size(), full->groups.size());
  for (std::size_t g = 0; g < fast->groups.size(); ++g) {
    EXPECT_EQ(fast->groups[g].name, full->groups[g].name);
    EXPECT_EQ(fast->groups[g].durations_ms, full->groups[g].durations_ms);
    EXPECT_EQ(fast->groups[g].failed, full->groups[g].failed);
  }
}

TEST(JsonNumberValue, IsCorrectlyRounded) {
  // Boost.JSON 1.81 reads these one ulp off; std::strtod (correctly rounded) is the oracle.
  for (const char* text : {"1820.1222058410385", "9957.485095567361", "61026.571055696324", "0.1",
                           "123.456", "1e-7", "5e-324", "1.7976931348623157e308", "-0"}) {
    EXPECT_EQ(JsonNumberValue(text), std::strtod(text, nullptr)) << text;
  }
  EXPECT_TRUE(std::isinf(JsonNumberValue("1e400")));
}

TEST(ReadNdjson, EachReaderOwnsItsDurationUnit) {
  // Called directly, not through the dispatcher, a reader still reads its unit.
  ReadOptions seconds;
  seconds.duration_unit = DurationUnit::kSeconds;
  Result<SampleSet> ndjson =
      ReadNdjson(R"({"transaction":"a","duration_ms":1.5,"spans.db":0.5})", "t.ndjson", seconds);
  ASSERT_TRUE(ndjson.ok()) << ndjson.error().message;
  EXPECT_DOUBLE_EQ(ndjson->groups[0].durations_ms[0], 1500);
  EXPECT_DOUBLE_EQ(ndjson->groups[0].trees[0].op_times[0].ms, 500);
  Result<SampleSet> csv = ReadCsv("transaction,duration_ms\na,2\n", "t.csv", seconds);
  ASSERT_TRUE(csv.ok()) << csv.error().message;
  EXPECT_DOUBLE_EQ(csv->groups[0].durations_ms[0], 2000);
  EXPECT_EQ(ReadOtlp("{}", "t.otlp.json", seconds).error().message,
            "t.otlp.json: --duration-unit applies to NDJSON, CSV and Sentry pages; OTLP "
            "durations come from its nanosecond timestamps");
}

}  // namespace
}  // namespace perfgate::fetch

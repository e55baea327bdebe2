#include "fetch/sentry/release_cache.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/pfr/core.hpp>

#include "core/text.h"
#include "core/timestamp.h"
#include "fetch/files/ndjson_reader.h"

namespace perfgate::fetch {
namespace {

constexpr std::string_view kNoteKey = "{\"perfgate_note\":";
// A cache entry's last line: the events above it and an FNV-1a hash of every byte above it,
// so an entry cut short (a partial CI cache restore, a full disk) or altered is known.
constexpr std::string_view kSealKey = "{\"perfgate_cache\":";

std::string JsonString(std::string_view text) {
  return boost::json::serialize(
      boost::json::value(boost::json::string_view(text.data(), text.size())));
}

// Mixes `part` and a separator into an FNV-1a hash (core/text.h).
void Mix(std::uint64_t& hash, std::string_view part) {
  Fnv1aFold(hash, part);
  Fnv1aFold(hash, "\x1F");
}

std::string Hex(std::uint64_t hash) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

// The shortest text that reads back as the same double, as a JSON string: Boost.JSON's own
// number conversion is an ulp off for some values.
std::string ExactNumber(double value) {
  char number[32];
  auto [end, ec] = std::to_chars(number, number + sizeof number, value);
  return "\"" + std::string(number, end) + "\"";
}

double ReadExactNumber(const boost::json::value& text) {
  const boost::json::string& digits = text.as_string();
  double value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size() || !std::isfinite(value))
    throw std::invalid_argument("not a number");
  return value;
}

}  // namespace

std::string CacheFileName(const SentrySelection& selection, const std::string& release) {
  // FNV-1a over every field of the selection (each followed by a separator, a list by its
  // length first), then the release: a field added to SentrySelection keys the cache
  // without an edit here.
  std::uint64_t hash = kFnv1aOffset;
  auto mix = [&](std::string_view part) { Mix(hash, part); };
  auto mix_field = [&](const auto& field) {
    using Field = std::decay_t<decltype(field)>;
    if constexpr (std::is_same_v<Field, std::string>) {
      mix(field);
    } else if constexpr (std::is_same_v<Field, std::vector<std::string>>) {
      mix(std::to_string(field.size()));
      for (const std::string& item : field) mix(item);
    } else if constexpr (std::is_same_v<Field, std::vector<double>>) {
      mix(std::to_string(field.size()));
      for (double item : field) mix(std::to_string(item));
    } else if constexpr (std::is_enum_v<Field>) {
      mix(std::to_string(static_cast<std::underlying_type_t<Field>>(field)));
    } else {
      static_assert(std::is_arithmetic_v<Field>, "teach CacheFileName this field's type");
      mix(std::to_string(field));
    }
  };
  boost::pfr::for_each_field(selection, mix_field);
  mix(release);
  return "sentry-" + Hex(hash) + ".ndjson";
}

std::string SpanGroupsCacheFileName(const SentrySelection& selection, const std::string& release,
                                    const std::string& transaction) {
  std::string name = CacheFileName(selection, release);
  std::uint64_t hash = kFnv1aOffset;
  Mix(hash, transaction);
  return name.substr(0, name.size() - 7) + "-spans-" + Hex(hash) + ".json";
}

Result<std::optional<SpanGroupTotals>> LoadCachedSpanGroups(FileSystem& fs,
                                                            const std::string& path) {
  if (!fs.Exists(path)) return std::optional<SpanGroupTotals>();
  // A few hundred groups of a few hundred bytes each.
  Result<std::string> text = fs.ReadRegularFile(path, std::size_t{16} << 20);
  if (!text.ok()) return text.error();
  try {
    const boost::json::value cached = boost::json::parse(*text);
    SpanGroupTotals totals;
    totals.transactions = ReadExactNumber(cached.at("transactions"));
    for (const boost::json::value& group : cached.at("groups").as_array()) {
      totals.groups.push_back({std::string(group.at("op").as_string()),
                               std::string(group.at("description").as_string()),
                               ReadExactNumber(group.at("self_time_ms")),
                               ReadExactNumber(group.at("count"))});
    }
    return std::optional<SpanGroupTotals>(std::move(totals));
  } catch (const std::exception&) {
    return MakeError(ErrorKind::kInput,
                     path +
                         ": not a span groups cache entry (a damaged cache entry; delete it "
                         "or pass --refresh)");
  }
}

Status StoreCachedSpanGroups(FileSystem& fs, const std::string& directory, const std::string& path,
                             const SpanGroupTotals& totals) {
  Status made = fs.MakeDirectories(directory);
  if (!made.ok()) return made;
  std::string out = "{\"transactions\":" + ExactNumber(totals.transactions) + ",\"groups\":[";
  for (std::size_t i = 0; i < totals.groups.size(); ++i) {
    const SpanGroupTotal& group = totals.groups[i];
    out += std::string(i ? ",\n" : "\n") + "{\"op\":" + JsonString(group.op) +
           ",\"description\":" + JsonString(group.description) +
           ",\"self_time_ms\":" + ExactNumber(group.self_time_ms) +
           ",\"count\":" + ExactNumber(group.count) + "}";
  }
  return fs.WriteFileAtomic(path, out + "]}\n");
}

std::string SamplesToNdjson(const SampleSet& set) {
  std::string out;
  for (const std::string& note : set.notes) out += std::string(kNoteKey) + JsonString(note) + "}\n";
  char number[32];
  // Where the events came from, as one line (the events themselves carry no time).
  const SourceOrigin& origin = set.origin;
  if (!origin.releases.empty() || origin.first_seconds) {
    out += "{\"perfgate_origin\":{\"releases\":[";
    for (std::size_t i = 0; i < origin.releases.size(); ++i) {
      out += (i ? ",[" : "[") + JsonString(origin.releases[i].first) + "," +
             std::to_string(origin.releases[i].second) + "]";
    }
    out += "]";
    if (origin.first_seconds)
      out += ",\"first\":\"" + FormatIsoTimestamp(*origin.first_seconds) + "\"";
    if (origin.last_seconds)
      out += ",\"last\":\"" + FormatIsoTimestamp(*origin.last_seconds) + "\"";
    out += "}}\n";
  }
  // Every event's release, when the source is one release.
  const std::string release = origin.releases.size() == 1
                                  ? ",\"release\":" + JsonString(origin.releases[0].first)
                                  : std::string();
  static const std::string kNone;
  for (const GroupSamples& group : set.groups) {
    const std::string name = JsonString(group.name);
    for (std::size_t i = 0; i < group.size(); ++i) {
      // Shortest text that reads back as the same double.
      auto [end, ec] = std::to_chars(number, number + sizeof number, group.durations_ms[i]);
      out += "{\"transaction\":" + name + ",\"duration_ms\":" + std::string(number, end) +
             ",\"error\":" + (group.failed[i] ? "true" : "false");
      // Its measurements, under their column names, times in ms (as read back).
      for (const auto& [value_name, column] : group.values) {
        if (std::isnan(column.values[i])) continue;
        auto [value_end, value_ec] =
            std::to_chars(number, number + sizeof number, column.values[i]);
        out += "," + JsonString(value_name) + ":" + std::string(number, value_end);
      }
      // What else is known of the event: its status, time, release and ids.
      const EventDetails* details = group.details.empty() ? nullptr : &group.details[i];
      if (details != nullptr && !details->status.empty())
        out += ",\"status\":" + JsonString(details->status);
      if (details != nullptr && details->timestamp)
        out += ",\"timestamp\":\"" + FormatIsoTimestamp(*details->timestamp) + "\"";
      out += release;
      const SpanTree* tree = group.trees.empty() ? nullptr : &group.trees[i];
      const std::string& trace = details != nullptr && !details->trace_id.empty()
                                     ? details->trace_id
                                 : tree != nullptr ? tree->trace_id
                                                   : kNone;
      const std::string& id = details != nullptr && !details->event_id.empty() ? details->event_id
                              : tree != nullptr                                ? tree->event_id
                                                                               : kNone;
      if (!trace.empty()) out += ",\"trace\":\"" + trace + "\"";
      if (!id.empty()) out += ",\"id\":\"" + id + "\"";
      // The ops breakdown, as the events API names it; the part outside the families
      // as itself (a total would read back an ulp off).
      if (tree != nullptr) {
        for (const OpTime& part : tree->op_times) {
          auto [last, error] = std::to_chars(number, number + sizeof number, part.ms);
          out += "," + JsonString("spans." + part.op) + ":" + std::string(number, last);
        }
      }
      out += "}\n";
    }
    // Values measured apart from the events (INP's interaction spans), a line per
    // kValuesPerLine, so that no line nears the NDJSON reader's record limit.
    constexpr std::size_t kValuesPerLine = 4096;
    for (const auto& [value_name, bag] : group.sample_values) {
      for (std::size_t from = 0; from < bag.size(); from += kValuesPerLine) {
        out += "{\"perfgate_values\":{\"transaction\":" + name +
               ",\"name\":" + JsonString(value_name) + ",\"values\":[";
        for (std::size_t i = from; i < std::min(bag.size(), from + kValuesPerLine); ++i) {
          auto [value_end, value_ec] = std::to_chars(number, number + sizeof number, bag[i]);
          out += (i > from ? "," : "") + std::string(number, value_end);
        }
        out += "]}}\n";
      }
    }
  }
  return out;
}

Result<std::optional<SampleSet>> LoadCachedRelease(FileSystem& fs, const std::string& path,
                                                   const std::string& source,
                                                   std::size_t max_bytes) {
  if (!fs.Exists(path)) return std::optional<SampleSet>();
  Result<std::string> text = fs.ReadRegularFile(path, max_bytes);
  if (!text.ok()) return text.error();
  auto damaged = [&](const std::string& why) {
    return MakeError(ErrorKind::kInput, path + ": a damaged cache entry (" + why + ")");
  };
  // The seal: the last line, which names the events and the hash of everything before it.
  std::string_view whole = *text;
  if (whole.ends_with('\n')) whole.remove_suffix(1);
  const std::size_t last = whole.rfind('\n');
  const std::string_view seal = whole.substr(last == std::string_view::npos ? 0 : last + 1);
  const std::string_view events =
      last == std::string_view::npos ? std::string_view() : whole.substr(0, last + 1);
  std::size_t sealed_events = 0;
  std::string sealed_hash;
  try {
    if (!seal.starts_with(kSealKey)) throw std::invalid_argument("no seal");
    const boost::json::value parsed = boost::json::parse(seal);
    const boost::json::object& fields = parsed.as_object().at("perfgate_cache").as_object();
    sealed_events = static_cast<std::size_t>(fields.at("events").to_number<std::uint64_t>());
    sealed_hash = std::string(fields.at("fnv1a64").as_string());
  } catch (const std::exception&) {
    return damaged(
        "its last line is not perfgate's seal: cut short, or written by an older "
        "perfgate");
  }
  if (Hex(Fnv1a(events)) != sealed_hash) return damaged("its bytes do not match their checksum");
  ReadOptions options;
  options.keep_details = true;
  Result<SampleSet> set = ReadNdjson(events, path, options);
  if (!set.ok()) return damaged(set.error().message);
  if (set->TotalEvents() != sealed_events) {
    return damaged(std::to_string(set->TotalEvents()) + " events where it was sealed with " +
                   std::to_string(sealed_events));
  }
  set->source = source;
  return std::optional<SampleSet>(std::move(set).value());
}

Status StoreCachedRelease(FileSystem& fs, const std::string& directory, const std::string& path,
                          const SampleSet& set) {
  Status made = fs.MakeDirectories(directory);
  if (!made.ok()) return made;
  std::string text = SamplesToNdjson(set);
  const std::string hash = Hex(Fnv1a(text));
  text += std::string(kSealKey) + "{\"events\":" + std::to_string(set.TotalEvents()) +
          ",\"fnv1a64\":\"" + hash + "\"}}\n";
  return fs.WriteFileAtomic(path, text);
}

}  // namespace perfgate::fetch

// One name table per enum: the words the config, the command line and the reports use for
// its values, written once. A table lists every enumerator with its name, in the order
// messages list them ("must be one of holm, bh, none").
#ifndef PERFGATE_CORE_ENUM_NAMES_H_
#define PERFGATE_CORE_ENUM_NAMES_H_

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace perfgate {

template <typename Enum>
struct NamedValue {
  Enum value;
  std::string_view name;
};

template <typename Enum, std::size_t N>
using NameTable = std::array<NamedValue<Enum>, N>;

// The name of `value` in `table`. REQUIRES: the table lists `value` (every table lists
// every enumerator; a test checks each round-trips).
template <typename Enum, std::size_t N>
constexpr std::string_view NameOf(const NameTable<Enum, N>& table, Enum value) {
  for (const NamedValue<Enum>& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return "?";
}

// The value named `name`, or nullopt. Several names may map to one value (aliases); the
// first entry of a value is its name.
template <typename Enum, std::size_t N>
constexpr std::optional<Enum> FromName(const NameTable<Enum, N>& table, std::string_view name) {
  for (const NamedValue<Enum>& entry : table) {
    if (entry.name == name) return entry.value;
  }
  return std::nullopt;
}

// Every name, in table order: for "did you mean" and "must be one of".
template <typename Enum, std::size_t N>
constexpr std::array<std::string_view, N> Names(const NameTable<Enum, N>& table) {
  std::array<std::string_view, N> names{};
  for (std::size_t i = 0; i < N; ++i) names[i] = table[i].name;
  return names;
}

// "a, b, c".
template <typename Enum, std::size_t N>
std::string JoinNames(const NameTable<Enum, N>& table) {
  std::string joined;
  for (const NamedValue<Enum>& entry : table)
    joined += (joined.empty() ? "" : ", ") + std::string(entry.name);
  return joined;
}

}  // namespace perfgate

#endif  // PERFGATE_CORE_ENUM_NAMES_H_

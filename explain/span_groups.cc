#include "explain/span_groups.h"

#include <algorithm>

namespace perfgate::explain {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexLetter(char c) { return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsWordChar(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
}

bool IsId(std::string_view word) {
  if (word.empty()) return false;
  if (std::all_of(word.begin(), word.end(), IsDigit)) return true;
  std::size_t hex = 0;
  bool digit = false;
  for (char c : word) {
    if (IsDigit(c)) {
      digit = true;
      ++hex;
    } else if (IsHexLetter(c)) {
      ++hex;
    } else if (c != '-') {
      return false;
    }
  }
  return digit && hex >= 8;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool IsOpFamily(std::string_view op, std::string_view family) {
  return op == family ||
         (StartsWith(op, family) && op.size() > family.size() && op[family.size()] == '.');
}

// Replaces each word (a run of IsWordChar) that is an id with *.
std::string StarIds(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!IsWordChar(text[i])) {
      out += text[i++];
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && IsWordChar(text[end])) ++end;
    const std::string_view word = text.substr(i, end - i);
    out += IsId(word) ? std::string_view("*") : word;
    i = end;
  }
  return out;
}

std::string NormaliseUrl(std::string_view text) {
  const std::size_t cut = text.find_first_of("?#");
  return StarIds(text.substr(0, cut));
}

// SQL: literals to %s, lists of them to one, white space to single spaces.
std::string NormaliseSql(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\'' || c == '"') {
      // A quoted string ('it''s' doubles its quote); "..." is an identifier in standard SQL
      // but a string in MySQL: both are scrubbed, as Sentry does.
      std::size_t end = i + 1;
      while (end < text.size()) {
        if (text[end] == c) {
          if (end + 1 < text.size() && text[end + 1] == c) {
            end += 2;
            continue;
          }
          break;
        }
        ++end;
      }
      out += "%s";
      i = std::min(end + 1, text.size());
      continue;
    }
    if (IsDigit(c) && (i == 0 || !IsWordChar(text[i - 1]))) {
      std::size_t end = i;
      while (end < text.size() && (IsDigit(text[end]) || text[end] == '.')) ++end;
      if (end == text.size() || !IsWordChar(text[end])) {
        out += "%s";
        i = end;
        continue;
      }
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (!out.empty() && out.back() != ' ') out += ' ';
      ++i;
      continue;
    }
    out += c;
    ++i;
  }
  // (%s, %s, ...) -> (%s)
  std::string collapsed;
  std::size_t k = 0;
  while (k < out.size()) {
    if (out.compare(k, 3, "(%s") != 0) {
      collapsed += out[k++];
      continue;
    }
    std::size_t next = k + 3;
    while (next < out.size() && out[next] == ',') {
      std::size_t after = next + 1;
      while (after < out.size() && out[after] == ' ') ++after;
      if (out.compare(after, 2, "%s") != 0) break;
      next = after + 2;
    }
    collapsed += "(%s";
    k = next;
  }
  while (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
  return collapsed;
}

}  // namespace

std::string SpanGroup(std::string_view op, std::string_view description) {
  std::string group = IsOpFamily(op, "db")     ? NormaliseSql(description)
                      : IsOpFamily(op, "http") ? NormaliseUrl(description)
                                               : StarIds(description);
  if (group.size() > kMaxGroupName) {
    group.resize(kMaxGroupName - 3);
    // Do not leave half of a UTF-8 sequence before the dots.
    while (!group.empty() && (static_cast<unsigned char>(group.back()) & 0xC0) == 0x80)
      group.pop_back();
    if (!group.empty() && (static_cast<unsigned char>(group.back()) & 0x80) != 0) group.pop_back();
    group += "...";
  }
  return group;
}

}  // namespace perfgate::explain

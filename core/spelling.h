// Spelling help for messages: "did you mean 'p95'?" when a word is a plausible misspelling
// of one the program knows (config keys, metric names, enum values, commands).
#ifndef PERFGATE_CORE_SPELLING_H_
#define PERFGATE_CORE_SPELLING_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace perfgate {

// The Levenshtein distance between `a` and `b` (insertions, deletions, substitutions).
std::size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word` by edit distance if it is plausibly a misspelling of it
// (at most a third of the word's letters differ), else empty.
std::string ClosestMatch(std::string_view word, std::span<const std::string_view> candidates);

// The `count` candidates closest to `word` by edit distance, closest first (ties in the
// candidates' order), however far: for listing what there is instead.
std::vector<std::string> NearestMatches(std::string_view word,
                                        std::span<const std::string> candidates, std::size_t count);

// "; did you mean 'x'?" for the closest candidate, or "" when none is close.
std::string DidYouMean(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace perfgate

#endif  // PERFGATE_CORE_SPELLING_H_

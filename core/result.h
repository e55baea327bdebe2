// Result<T>: a value or an Error, perfgate's way of returning expected failures (bad
// input, bad config, unreachable data) without exceptions. Errors carry their full
// context (file:line, subject, cause, fix) in `message`; deep code never prints.
#ifndef PERFGATE_CORE_RESULT_H_
#define PERFGATE_CORE_RESULT_H_

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace perfgate {

// What went wrong, coarse enough to choose an exit code from.
enum class ErrorKind {
  kUsage,        // bad command line
  kConfig,       // thresholds.yaml is invalid
  kInput,        // a sample file is malformed
  kUnavailable,  // data could not be had (network, auth, rate limit, empty release)
  kInternal,     // a bug: should never reach a user
};

struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string message;
  int http_status = 0;     // the HTTP status that caused it, when one did (404, 429, ...)
  bool permanent = false;  // asking again cannot change it (an answer larger than allowed)

  bool IsNotFound() const { return http_status == 404; }
};

inline Error MakeError(ErrorKind kind, std::string message) {
  return Error{kind, std::move(message), 0, false};
}

// A value of type T or an Error. Check ok() before value().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(state_);
  }

 private:
  std::variant<T, Error> state_;
};

// The result of an operation that returns nothing but may fail.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace perfgate

#endif  // PERFGATE_CORE_RESULT_H_

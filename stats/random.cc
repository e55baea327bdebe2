#include "stats/random.h"

#include <cmath>

namespace perfgate::stats {

std::uint64_t DeriveSeed(std::uint64_t seed, std::uint64_t stream) {
  // splitmix64 (Steele, Lea & Flood 2014) over seed and stream: nearby inputs give
  // unrelated outputs, so stream seeds do not produce correlated mt19937_64 states.
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t StreamId(std::string_view name) {
  std::uint64_t hash = 0xCBF29CE484222325ULL;  // FNV-1a 64-bit offset basis and prime
  for (char c : name) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001B3ULL;
  }
  return hash;
}

double Random::Uniform() {
  // The top 53 bits, offset by half a step: values (k + 0.5) / 2^53, inside (0, 1).
  return (static_cast<double>(engine_() >> 11) + 0.5) * 0x1.0p-53;
}

std::uint64_t Random::Below(std::uint64_t n) {
  // Lemire (2019), "Fast random integer generation in an interval": unbiased.
  unsigned __int128 product = static_cast<unsigned __int128>(engine_()) * n;
  auto low = static_cast<std::uint64_t>(product);
  if (low < n) {
    const std::uint64_t threshold = -n % n;
    while (low < threshold) {
      product = static_cast<unsigned __int128>(engine_()) * n;
      low = static_cast<std::uint64_t>(product);
    }
  }
  return static_cast<std::uint64_t>(product >> 64);
}

double Random::Normal() {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return spare_normal_;
  }
  double u, v, s;
  do {
    u = 2 * Uniform() - 1;
    v = 2 * Uniform() - 1;
    s = u * u + v * v;
  } while (s >= 1 || s == 0);
  double factor = std::sqrt(-2 * std::log(s) / s);
  spare_normal_ = v * factor;
  has_spare_normal_ = true;
  return u * factor;
}

double Random::Gamma(double shape) {
  if (shape < 1) {
    // Gamma(a) = Gamma(a + 1) * U^(1/a) (Marsaglia & Tsang 2000, section 6).
    return Gamma(shape + 1) * std::pow(Uniform(), 1 / shape);
  }
  const double d = shape - 1.0 / 3;
  const double c = 1 / std::sqrt(9 * d);
  while (true) {
    double x, v;
    do {
      x = Normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const double u = Uniform();
    const double x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;  // the squeeze: accepts about 98 %
    if (std::log(u) < 0.5 * x2 + d * (1 - v + std::log(v))) return d * v;
  }
}

double Random::Beta(double a, double b) {
  if (a == 1) return -std::expm1(std::log(Uniform()) / b);  // 1 - U^(1/b), accurate near 0
  if (b == 1) return std::exp(std::log(Uniform()) / a);     // U^(1/a)
  const double x = Gamma(a);
  const double y = Gamma(b);
  return x / (x + y);
}

}  // namespace perfgate::stats

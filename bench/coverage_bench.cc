// Does a nominal 95 % interval cover the truth 95 % of the time? For log-normal and bimodal
// latencies, n in {50, 200, 1000, 10000}, p50/p95/p99, the percentile and BCa intervals of
// the bootstrap's exact law (what perfgate computes: no resamples), and the binomial
// intervals for an error rate of 1 %.
// Usage: coverage_bench [TRIALS=2000]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/normal.hpp>

#include "stats/binomial.h"
#include "stats/bootstrap_law.h"
#include "stats/interval.h"
#include "stats/random.h"

namespace {

using namespace perfgate::stats;

struct Distribution {
  const char* name;
  std::function<double(Random&)> draw;
  std::function<double(double)> cdf;
};

double LogNormalCdf(double x, double mu, double sigma) {
  return boost::math::cdf(boost::math::normal(mu, sigma), std::log(x));
}

// The true q-quantile by bisection on the CDF (in log space: latencies span decades).
double TrueQuantile(const Distribution& d, double q) {
  double lo = std::log(1e-3), hi = std::log(1e7);
  for (int i = 0; i < 200; ++i) {
    double mid = (lo + hi) / 2;
    (d.cdf(std::exp(mid)) < q ? lo : hi) = mid;
  }
  return std::exp((lo + hi) / 2);
}

}  // namespace

int main(int argc, char** argv) {
  const int trials = argc > 1 ? std::atoi(argv[1]) : 2000;
  const std::vector<Distribution> distributions = {
      {"log-normal(5.5, 0.7)", [](Random& r) { return std::exp(5.5 + 0.7 * r.Normal()); },
       [](double x) { return LogNormalCdf(x, 5.5, 0.7); }},
      {"bimodal 0.7 LN(4.5,0.3) + 0.3 LN(6.5,0.4)",
       [](Random& r) {
         return r.Uniform() < 0.7 ? std::exp(4.5 + 0.3 * r.Normal())
                                  : std::exp(6.5 + 0.4 * r.Normal());
       },
       [](double x) { return 0.7 * LogNormalCdf(x, 4.5, 0.3) + 0.3 * LogNormalCdf(x, 6.5, 0.4); }},
  };
  const double qs[] = {0.5, 0.95, 0.99};
  std::printf(
      "coverage of nominal 95 %% intervals from the exact bootstrap law, %d trials each "
      "(binomial 95 %% band for the share: about 94.0-96.0 %%)\n\n",
      trials);
  std::printf("%-44s %6s %5s %11s %11s\n", "distribution", "n", "q", "percentile", "bca");
  Random data(2024);
  for (const Distribution& d : distributions) {
    for (std::size_t n : {50u, 200u, 1000u, 10000u}) {
      int covered_percentile[3] = {0, 0, 0}, covered_bca[3] = {0, 0, 0};
      double truth[3];
      for (int k = 0; k < 3; ++k) truth[k] = TrueQuantile(d, qs[k]);
      for (int t = 0; t < trials; ++t) {
        std::vector<double> sample(n);
        for (double& v : sample) v = d.draw(data);
        std::sort(sample.begin(), sample.end());
        for (int k = 0; k < 3; ++k) {
          const std::vector<Atom> law =
              QuantileBootstrapLaw(sample, qs[k], QuantileMethod::kLinear);
          const double estimate = QuantileOfSorted(sample, qs[k]);
          covered_percentile[k] += LawInterval(law, 0.95).Contains(truth[k]);
          const double a = QuantileAcceleration(sample, qs[k], QuantileMethod::kLinear);
          covered_bca[k] += LawBcaInterval(law, estimate, a, 0.95).Contains(truth[k]);
        }
      }
      for (int k = 0; k < 3; ++k) {
        std::printf("%-44s %6zu %5.2f %10.1f%% %10.1f%%\n", d.name, n, qs[k],
                    100.0 * covered_percentile[k] / trials, 100.0 * covered_bca[k] / trials);
      }
    }
  }

  std::printf(
      "\nerror rate 1 %%: exact coverage of 95 %% binomial intervals (summed over the binomial)\n");
  std::printf("%6s %10s %10s %16s\n", "n", "wilson", "jeffreys", "clopper_pearson");
  for (std::uint64_t n : {200u, 1000u, 10000u}) {
    double coverage[3] = {0, 0, 0};
    boost::math::binomial_distribution<> binomial(static_cast<double>(n), 0.01);
    for (std::uint64_t x = 0; x <= n; ++x) {
      double p = boost::math::pdf(binomial, static_cast<double>(x));
      if (p < 1e-15) continue;
      int m = 0;
      for (BinomialMethod method :
           {BinomialMethod::kWilson, BinomialMethod::kJeffreys, BinomialMethod::kClopperPearson}) {
        coverage[m++] += BinomialInterval(x, n, 0.95, method).Contains(0.01) ? p : 0;
      }
    }
    std::printf("%6llu %9.1f%% %9.1f%% %15.1f%%\n", static_cast<unsigned long long>(n),
                100 * coverage[0], 100 * coverage[1], 100 * coverage[2]);
  }
  return 0;
}

#!/usr/bin/env python3
"""Writes examples/frontend/baseline.ndjson and candidate.ndjson: a storefront's page loads
from two releases, as Sentry's browser SDK reports them (transaction.op "pageload", Web
Vitals as measurements in Sentry's event shape, the user's id).

Page views follow Zipf's law over ten routes (the home page busiest, /about quietest).
Each page load's duration and vitals are log-normal around a route's own medians; CLS is
mostly near 0. The candidate is drawn from the same distributions except for three planted
problems:
  - /product/[id] ships an unoptimised hero image: its LCP median rises 45 % (p75 about
    2.3 s to about 3.3 s, past Google's good limit) and its page loads take longer (Apdex at
    3 s drops);
  - /search broke for some browsers: half its page views are gone (throughput -50 %);
  - nothing else changes, so the other routes must pass.

Seeded, so running it again writes the same files: python3 examples/frontend/generate.py
"""
import json
import math
import os
import random

ROUTES = ["/", "/products", "/product/[id]", "/cart", "/checkout", "/search", "/account",
          "/help", "/blog/[slug]", "/about"]
VIEWS = 3000  # page loads in a release's 24 hours, split by Zipf's law
# route: (duration median ms, LCP median ms, FCP median ms, TTFB median ms)
MEDIANS = {
    "/": (1500, 1500, 900, 260), "/products": (1900, 1700, 1000, 300),
    "/product/[id]": (2100, 1750, 1050, 320), "/cart": (1400, 1400, 850, 240),
    "/checkout": (1700, 1600, 950, 280), "/search": (1600, 1650, 1000, 330),
    "/account": (1500, 1500, 900, 250), "/help": (1200, 1300, 800, 220),
    "/blog/[slug]": (1800, 1800, 1100, 300), "/about": (1100, 1200, 750, 210),
}


def write(path, release, seed, day, candidate):
    rng = random.Random(seed)
    weights = [1 / (k + 1) for k in range(len(ROUTES))]
    total = sum(weights)
    loads = []
    for route, weight in zip(ROUTES, weights):
        count = round(VIEWS * weight / total)
        if candidate and route == "/search":
            count //= 2
        duration, lcp, fcp, ttfb = MEDIANS[route]
        if candidate and route == "/product/[id]":
            duration *= 1.45
            lcp *= 1.45
        for _ in range(count):
            loads.append({
                "transaction": route,
                "duration": rng.lognormvariate(math.log(duration), 0.40),
                "lcp": rng.lognormvariate(math.log(lcp), 0.40),
                "fcp": rng.lognormvariate(math.log(fcp), 0.35),
                "ttfb": rng.lognormvariate(math.log(ttfb), 0.45),
                "cls": rng.choice([0, 0, 0.01, 0.02, 0.04]) + rng.expovariate(40),
                "user": "u%04d" % rng.randrange(1500),
            })
    rng.shuffle(loads)
    with open(path, "w", encoding="utf-8") as out:
        for i, load in enumerate(loads):
            seconds = i * 86400 // len(loads)
            event = {
                "timestamp": "2026-11-%02dT%02d:%02d:%02dZ" % (
                    day, seconds // 3600, seconds // 60 % 60, seconds % 60),
                "transaction": load["transaction"],
                "transaction.op": "pageload",
                "duration_ms": round(load["duration"], 1),
                "measurements": {
                    "lcp": {"value": round(load["lcp"], 1), "unit": "millisecond"},
                    "fcp": {"value": round(load["fcp"], 1), "unit": "millisecond"},
                    "ttfb": {"value": round(load["ttfb"], 1), "unit": "millisecond"},
                    "cls": {"value": round(load["cls"], 4), "unit": ""},
                },
                "user.id": load["user"],
                "release": release,
                "environment": "production",
            }
            out.write(json.dumps(event, separators=(",", ":")) + "\n")


here = os.path.dirname(os.path.abspath(__file__))
write(os.path.join(here, "baseline.ndjson"), "web@2.3.0", 23, 10, False)
write(os.path.join(here, "candidate.ndjson"), "web@2.4.0", 24, 17, True)

#!/usr/bin/env python3
"""Writes examples/baseline.ndjson and examples/candidate.ndjson, perfgate's bundled
example: a web shop's transactions from two releases, as Sentry would report them.

Durations are log-normal (median and spread per endpoint, as latency usually is).
The candidate is drawn from the same distributions as the baseline except for two
planted problems:
  - POST /api/reports/export got slower: its p95 rises from about 5.9 s to about 9.1 s,
    over the 8000 ms limit;
  - POST /api/checkout fails far more often: about 4 % of transactions instead of 0.3 %.
GET /health has too few events (30) to judge, to show insufficient_data.

Seeded, so running it again writes the same files: python3 examples/generate.py
"""
import json
import math
import os
import random

# name: (events, median ms, log-sd, error rate)
BASELINE = {
    "GET /api/products": (2000, 120.0, 0.50, 0.002),
    "GET /api/search": (1500, 310.0, 0.60, 0.003),
    "GET /api/users/[id]": (1200, 85.0, 0.45, 0.001),
    "POST /api/checkout": (800, 650.0, 0.45, 0.003),
    "POST /api/reports/export": (600, 2400.0, 0.55, 0.002),
    "GET /health": (30, 3.0, 0.30, 0.0),
}
CANDIDATE = dict(BASELINE)
CANDIDATE["POST /api/reports/export"] = (600, 2800.0, 0.72, 0.002)
CANDIDATE["POST /api/checkout"] = (800, 650.0, 0.45, 0.04)

FAILED_STATUSES = ["internal_error", "deadline_exceeded", "unavailable", "aborted"]
OK_STATUSES = ["ok"] * 97 + ["cancelled", "unknown", "ok"]


def write(path, spec, release, seed, start_epoch):
    rng = random.Random(seed)
    events = []
    for name, (count, median, sigma, error_rate) in spec.items():
        for _ in range(count):
            duration = rng.lognormvariate(math.log(median), sigma)
            failed = rng.random() < error_rate
            status = rng.choice(FAILED_STATUSES) if failed else rng.choice(OK_STATUSES)
            events.append((name, round(duration, 3), status))
    rng.shuffle(events)
    with open(path, "w", encoding="utf-8") as out:
        for i, (name, duration, status) in enumerate(events):
            seconds = start_epoch + i * 7
            timestamp = "2026-11-%02dT%02d:%02d:%02dZ" % (
                1 + seconds // 86400 % 28, seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)
            out.write(json.dumps({
                "timestamp": timestamp, "transaction": name, "duration_ms": duration,
                "status": status, "release": release, "environment": "production",
            }, separators=(",", ":")) + "\n")


here = os.path.dirname(os.path.abspath(__file__))
write(os.path.join(here, "baseline.ndjson"), BASELINE, "shop@1.4.0", 14, 86400 * 9)
write(os.path.join(here, "candidate.ndjson"), CANDIDATE, "shop@1.5.0", 15, 86400 * 18)

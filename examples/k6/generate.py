#!/usr/bin/env python3
"""Writes examples/k6/: two k6 load-test runs of a shop's API, as k6 writes them, written
here in the shapes k6's documentation gives (no k6 needed):
  - baseline.json and candidate.json: `k6 run --out json=FILE` results, one JSON object per
    line: a {"type":"Metric"} line declaring each metric, then {"type":"Point"} samples of
    http_reqs, http_req_duration, http_req_waiting and http_req_failed per request, and of
    iterations, iteration_duration and a custom Trend, checkout_flow, per iteration;
  - summary-baseline.json and summary-candidate.json: the same runs' end-of-test summaries
    as `k6 run --summary-export FILE` writes them (trend stats, counts, and each threshold
    as true when it FAILED).
Each iteration browses the products, opens one, adds it to the cart and checks out. The
candidate is drawn like the baseline except that checkout got slower (median 450 ms to
650 ms: its p95 passes the script's 800 ms threshold) and fails a little more often.

Seeded, so running it again writes the same files: python3 examples/k6/generate.py
"""
import json
import math
import os
import random

# (method, url, name tag, median ms, log-sd, failure rate); the name tag groups the
# product pages' many URLs as k6 scripts do with `tags: {name: ...}`.
REQUESTS = [
    ("GET", "https://shop.test/api/products", None, 120.0, 0.35, 0.002),
    ("GET", "https://shop.test/api/products/{id}", "https://shop.test/api/products/{id}", 90.0,
     0.30, 0.002),
    ("POST", "https://shop.test/api/cart", None, 200.0, 0.35, 0.002),
    ("POST", "https://shop.test/api/checkout", None, 450.0, 0.30, 0.003),
]
ITERATIONS = 220
THRESHOLDS = {"http_req_duration": ["p(95)<800"], "http_req_failed": ["rate<0.01"]}


def line(kind, metric, data):
    return json.dumps({"type": kind, "data": data, "metric": metric}, separators=(",", ":"))


def declare(name, kind, contains):
    return line("Metric", name, {"name": name, "type": kind, "contains": contains,
                                 "thresholds": THRESHOLDS.get(name, []), "submetrics": None})


def point(metric, time_ns, value, tags):
    seconds, nanos = divmod(time_ns, 10**9)
    stamp = "2026-12-%02dT%02d:%02d:%02d.%09d+00:00" % (
        1 + seconds // 86400, seconds // 3600 % 24, seconds // 60 % 60, seconds % 60, nanos)
    return line("Point", metric, {"time": stamp, "value": value, "tags": tags})


def percentile(values, q):  # numpy's linear (type 7), as k6's trend stats are
    values = sorted(values)
    h = (len(values) - 1) * q
    lower = math.floor(h)
    return values[lower] + (h - lower) * (values[min(lower + 1, len(values) - 1)] - values[lower])


def trend_stats(values):
    return {"avg": sum(values) / len(values), "min": min(values),
            "med": percentile(values, 0.5), "max": max(values),
            "p(90)": percentile(values, 0.9), "p(95)": percentile(values, 0.95)}


def run(results_path, summary_path, seed, day, checkout_median, checkout_failures):
    rng = random.Random(seed)
    out = [declare("http_reqs", "counter", "default"),
           declare("http_req_duration", "trend", "time"),
           declare("http_req_waiting", "trend", "time"),
           declare("http_req_failed", "rate", "default"),
           declare("iterations", "counter", "default"),
           declare("iteration_duration", "trend", "time"),
           declare("checkout_flow", "trend", "time")]
    clock = (day - 1) * 86400 * 10**9 + 10 * 3600 * 10**9
    durations, failures, flows = [], 0, []
    for _ in range(ITERATIONS):
        start = clock
        for method, url, name, median, sigma, failure_rate in REQUESTS:
            if url.endswith("/checkout"):
                median, failure_rate = checkout_median, checkout_failures
            failed = rng.random() < failure_rate
            ms = rng.lognormvariate(math.log(median), sigma)
            tags = {"expected_response": "false" if failed else "true", "group": "",
                    "method": method, "name": name or url, "proto": "HTTP/1.1",
                    "scenario": "default", "status": "503" if failed else "200",
                    "url": url.replace("{id}", str(rng.randrange(1, 500)))}
            clock += int(ms * 1e6)
            out.append(point("http_reqs", clock, 1, tags))
            out.append(point("http_req_duration", clock, round(ms, 6), tags))
            out.append(point("http_req_waiting", clock, round(ms * 0.93, 6), tags))
            out.append(point("http_req_failed", clock, 1 if failed else 0, tags))
            durations.append(ms)
            failures += failed
            clock += int(rng.uniform(50, 300) * 1e6)  # think time
        flow = (clock - start) / 1e6
        flows.append(flow)
        tags = {"group": "", "scenario": "default"}
        out.append(point("iterations", clock, 1, tags))
        out.append(point("iteration_duration", clock, round(flow, 6), tags))
        out.append(point("checkout_flow", clock, round(flow, 6), tags))
    with open(results_path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    p95 = percentile(durations, 0.95)
    summary = {
        "root_group": {"name": "", "path": "", "id": "d41d8cd98f00b204e9800998ecf8427e",
                       "groups": {}, "checks": {}},
        "metrics": {
            "http_req_duration": dict(trend_stats(durations), thresholds={"p(95)<800": p95 >= 800}),
            "http_reqs": {"count": len(durations), "rate": len(durations) / ((clock - (day - 1) * 86400 * 10**9 - 10 * 3600 * 10**9) / 1e9)},
            "http_req_failed": {"passes": failures, "fails": len(durations) - failures,
                                "value": failures / len(durations),
                                "thresholds": {"rate<0.01": failures / len(durations) >= 0.01}},
            "checkout_flow": trend_stats(flows),
            "iterations": {"count": ITERATIONS},
        },
    }
    with open(summary_path, "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=4, sort_keys=True)
        f.write("\n")


here = os.path.dirname(os.path.abspath(__file__))
run(os.path.join(here, "baseline.json"), os.path.join(here, "summary-baseline.json"), 81, 1,
    450.0, 0.003)
run(os.path.join(here, "candidate.json"), os.path.join(here, "summary-candidate.json"), 82, 2,
    650.0, 0.008)

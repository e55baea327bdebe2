#!/usr/bin/env python3
"""Writes examples/traces/baseline.otlp.jsonl and examples/traces/candidate.otlp.jsonl:
OpenTelemetry traces of a document-analysis service (service.name "analyzer") from two
releases, as the OpenTelemetry Collector's file exporter writes them (one
ExportTraceServiceRequest per line). perfgate's README command (1) judges them.

POST /api/analyze is the pipeline of "why is my AI endpoint slow": fetch-document
(db.query), chunk-text (function), batch-embed (ai.embed), store-vectors (db.query),
generate-summary (ai.run), one after the other, with a usage log (http.client) sent in
parallel with the summary. Durations are log-normal per step.

The candidate is drawn like the baseline except for two planted problems:
  - batch-embed got slower (a larger embedding model): about 4.5x, so POST /api/analyze's
    p95 passes the 8000 ms limit and its p50 the 3000 ms one; the usage log also got slower, but it runs beside the
    summary and never delays the response, so it must not be blamed;
  - POST /api/feedback fails far more often (about 4 % instead of 0.2 %).
GET /health has too few requests (30) to judge.

It also writes examples/tokens/: the same pipeline recording what its AI calls cost
(OpenTelemetry's gen_ai.usage.input_tokens and output_tokens on the ai.embed and ai.run
spans), where the candidate's batch-embed sends every chunk twice: the input tokens per
request double (+100 %) while the durations barely move (+5 % on the embedding, which
batches them), a cost regression no latency rule sees.

Seeded, so running it again writes the same files: python3 examples/generate_traces.py
"""
import json
import math
import os
import random

# (op, span name, median ms, log-sd); the usage log runs beside the summary.
PIPELINE = [
    ("db.query", "fetch-document", 45.0, 0.35),
    ("function", "chunk-text", 60.0, 0.30),
    ("ai.embed", "batch-embed", 700.0, 0.35),
    ("db.query", "store-vectors", 55.0, 0.30),
    ("ai.run", "generate-summary", 1800.0, 0.40),
]
SLOWER_EMBED = ("ai.embed", "batch-embed", 3200.0, 0.45)
USAGE_LOG = ("http.client", "POST https://usage.internal/v1/events", 300.0, 0.30)

# name: (requests, steps as (op, span name, median, log-sd), error rate)
ENDPOINTS = {
    "GET /api/documents/{id}": (600, [("db.query", "SELECT * FROM documents WHERE id = $1",
                                       25.0, 0.40)], 0.002),
    "POST /api/search": (500, [("ai.embed", "embed-query", 90.0, 0.30),
                               ("db.query", "vector-search", 140.0, 0.45)], 0.002),
    "POST /api/feedback": (500, [("db.query", "INSERT INTO feedback VALUES ($1, $2)", 30.0,
                                  0.40)], 0.002),
    "GET /health": (30, [], 0.0),
}


def attr(key, value):
    return {"key": key, "value": {"stringValue": value}}


def int_attr(key, value):
    return {"key": key, "value": {"intValue": str(value)}}


def nanos(ms):
    return str(int(round(ms * 1e6)))


class Writer:
    def __init__(self, rng, start_ms, tokens=None):
        self.rng = rng
        self.clock_ms = start_ms
        self.spans = []
        # (random source, input tokens' factor on batch-embed): None records no tokens.
        self.tokens = tokens

    def hex_id(self, digits):
        return "%0*x" % (digits, self.rng.getrandbits(digits * 4))

    def span(self, trace, parent, op, name, start, end, kind=1, more=()):
        span_id = self.hex_id(16)
        self.spans.append({
            "traceId": trace, "spanId": span_id, "parentSpanId": parent, "name": name,
            "kind": kind, "startTimeUnixNano": nanos(start), "endTimeUnixNano": nanos(end),
            "attributes": [attr("sentry.op", op)] + list(more)})
        return span_id

    def request(self, route, steps, error_rate, usage_log=None):
        """One request: `steps` one after another inside a server span."""
        rng = self.rng
        trace = self.hex_id(32)
        start = self.clock_ms
        self.clock_ms += rng.expovariate(1 / 400.0)
        root_index = len(self.spans)
        method, path = route.split(" ")
        root = self.span(trace, "", "http.server", route, start, start, kind=2,
                         more=[attr("http.request.method", method), attr("http.route", path)])
        t = start + rng.lognormvariate(math.log(4.0), 0.3)  # middleware
        for op, name, median, sigma in steps:
            ms = rng.lognormvariate(math.log(median), sigma)
            if name == "generate-summary" and usage_log:
                log_op, log_name, log_median, log_sigma = usage_log
                log_ms = min(rng.lognormvariate(math.log(log_median), log_sigma), 0.9 * ms)
                self.span(trace, root, log_op, log_name, t + 1, t + 1 + log_ms, kind=3)
            self.span(trace, root, op, name, t, t + ms, kind=3 if op != "function" else 1,
                      more=self.usage(op, name))
            t += ms + rng.uniform(0.2, 2.0)
        end = t + rng.lognormvariate(math.log(6.0), 0.3)  # serialization
        self.spans[root_index]["endTimeUnixNano"] = nanos(end)
        if rng.random() < error_rate:
            self.spans[root_index]["status"] = {"code": 2, "message": "internal error"}


    def usage(self, op, name):
        """The token counts of an AI span, from a random source of their own (the traces
        example records none, and draws exactly as it did before tokens were added)."""
        if self.tokens is None or not op.startswith("ai."):
            return []
        rng, embed_factor = self.tokens
        if name == "batch-embed":
            chunks = rng.randint(8, 24)
            return [int_attr("gen_ai.usage.input_tokens", round(chunks * 480 * embed_factor))]
        if op == "ai.embed":  # a search query's embedding
            return [int_attr("gen_ai.usage.input_tokens", rng.randint(6, 40))]
        return [int_attr("gen_ai.usage.input_tokens", rng.randint(1800, 2600)),
                int_attr("gen_ai.usage.output_tokens", rng.randint(250, 450))]


def write(path, release, seed, start_ms, embed, usage_median, feedback_errors, tokens=None,
          endpoints=None, analyses=500):
    rng = random.Random(seed)
    work = [("POST /api/analyze", None)] * analyses
    for name, (count, _, _) in (ENDPOINTS if endpoints is None else endpoints).items():
        work += [(name, None)] * count
    rng.shuffle(work)
    writer = Writer(rng, start_ms, tokens)
    steps = [embed if step[1] == "batch-embed" else step for step in PIPELINE]
    usage = (USAGE_LOG[0], USAGE_LOG[1], usage_median, USAGE_LOG[3])
    for name, _ in work:
        if name == "POST /api/analyze":
            writer.request(name, steps, 0.004, usage)
        else:
            count, endpoint_steps, errors = ENDPOINTS[name]
            if name == "POST /api/feedback":
                errors = feedback_errors
            writer.request(name, endpoint_steps, errors)
    resource = {"attributes": [attr("service.name", "analyzer"),
                               attr("service.version", release),
                               attr("deployment.environment.name", "production")]}
    scope = {"name": "analyzer", "version": release}
    with open(path, "w", encoding="utf-8") as out:
        batch = 200  # spans per line, as the Collector batches them
        for i in range(0, len(writer.spans), batch):
            request = {"resourceSpans": [{"resource": resource, "scopeSpans": [
                {"scope": scope, "spans": writer.spans[i:i + batch]}]}]}
            out.write(json.dumps(request, separators=(",", ":")) + "\n")


here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "traces")
write(os.path.join(here, "baseline.otlp.jsonl"), "analyzer@1.4.0", 41,
      1_764_000_000_000.0, PIPELINE[2], 300.0, 0.002)
write(os.path.join(here, "candidate.otlp.jsonl"), "analyzer@1.5.0", 42,
      1_764_600_000_000.0, SLOWER_EMBED, 1200.0, 0.04)

# The token example: POST /api/analyze and the search endpoint, whose query embedding is
# unchanged; the candidate's batch-embed sends twice the tokens in 5 % more time.
TOKEN_ENDPOINTS = {"POST /api/search": (300,) + ENDPOINTS["POST /api/search"][1:]}
DOUBLED_EMBED = ("ai.embed", "batch-embed", 735.0, 0.35)
tokens = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tokens")
os.makedirs(tokens, exist_ok=True)
write(os.path.join(tokens, "baseline.otlp.jsonl"), "analyzer@1.6.0", 61, 1_765_000_000_000.0,
      PIPELINE[2], 300.0, 0.002, (random.Random(71), 1.0), TOKEN_ENDPOINTS, 300)
write(os.path.join(tokens, "candidate.otlp.jsonl"), "analyzer@1.7.0", 62, 1_765_600_000_000.0,
      DOUBLED_EMBED, 300.0, 0.002, (random.Random(72), 2.0), TOKEN_ENDPOINTS, 300)

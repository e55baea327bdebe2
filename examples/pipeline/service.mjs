// A document-analysis service, instrumented with the OpenTelemetry JavaScript SDK as an
// application would be: POST /api/analyze fetches the document, chunks it, embeds the chunks
// (one batch call), then summarizes with a model; a usage log is sent beside them, never
// awaited (a decoy: not on the response's critical path). Spans go by OTLP/HTTP protobuf to
// OTEL_EXPORTER_OTLP_ENDPOINT, which `perfgate record` sets.
//   PORT                       where to listen (default 8080)
//   SERVICE_VERSION            service.version of the spans (default 1.0.0)
//   SLOW_STEP, SLOW_FACTOR     make one step slower: fetch-document, chunk-text, batch-embed,
//                              summarize or usage-log, by the factor (default 1.5)
//   WARMUP                     serve this many requests first without tracing them (default
//                              20): a cold process (JIT, connection pools) is not the release
import { createServer } from "node:http";
import * as api from "@opentelemetry/api";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";

const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({
    "service.name": "analyzer",
    "service.version": process.env.SERVICE_VERSION || "1.0.0",
  }),
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],  // endpoint from the env
});
api.trace.setGlobalTracerProvider(provider);
const tracer = api.trace.getTracer("analyzer");

const slow = process.env.SLOW_STEP || "";
const factor = Number(process.env.SLOW_FACTOR || "1.5");
// Each step's typical time in ms, with a little jitter, as I/O-bound steps have.
const steps = { "fetch-document": 12, "chunk-text": 6, "batch-embed": 40, "summarize": 60,
                "usage-log": 25 };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const timeOf = (step) => steps[step] * (0.85 + 0.3 * Math.random()) * (step === slow ? factor : 1);

// One step, a child span of the request's context `parent` (null: not traced). The parent
// is passed explicitly: the SDK here registers no context manager.
async function step(parent, name, kind, attributes) {
  if (parent === null) return sleep(timeOf(name));
  const span = tracer.startSpan(name, { kind, attributes }, parent);
  await sleep(timeOf(name));
  span.end();
}

async function analyze(parent) {
  // The usage log is sent first and never awaited.
  const log = step(parent, "usage-log", api.SpanKind.CLIENT, { "http.request.method": "POST" });
  await step(parent, "fetch-document", api.SpanKind.CLIENT, { "db.system.name": "postgresql" });
  await step(parent, "chunk-text", api.SpanKind.INTERNAL, {});
  await step(parent, "batch-embed", api.SpanKind.CLIENT, { "gen_ai.operation.name": "embeddings" });
  await step(parent, "summarize", api.SpanKind.CLIENT, { "gen_ai.operation.name": "chat" });
  return log;
}

const warmup = Number(process.env.WARMUP || "20");
let served = 0;

const server = createServer((request, response) => {
  if (request.method !== "POST" || request.url !== "/api/analyze") {
    response.writeHead(404).end();
    return;
  }
  if (served++ < warmup) {
    analyze(null).then(() => response.writeHead(200).end('{"ok":true}'));
    return;
  }
  const span = tracer.startSpan("POST /api/analyze", {
    kind: api.SpanKind.SERVER,
    attributes: { "http.request.method": "POST", "http.route": "/api/analyze" },
  });
  analyze(api.trace.setSpan(api.context.active(), span)).then(() => {
    span.setAttribute("http.response.status_code", 200);
    response.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    span.end();
  });
});

server.listen(Number(process.env.PORT || 8080), "127.0.0.1");
// On SIGTERM: stop taking requests, send the last spans, exit.
process.on("SIGTERM", async () => {
  server.close();
  await provider.shutdown();
  process.exit(0);
});

#!/bin/sh
# The load driver: starts the service, sends REQUESTS (default 300) analyses, CONCURRENCY
# (default 8) at a time (the service leaves its first WARMUP, default 20, untraced), then
# stops the service so its SDK sends the last spans. Run it under
# `perfgate record -- ./load.sh`, which points the SDK at the recorder.
set -eu
cd "$(dirname "$0")"
port=${PORT:-8080}
PORT=$port node service.mjs &
service=$!
trap 'kill $service 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:$port/" && break  # 404 once it listens
  sleep 0.1
done
node -e '
  const [port, total, concurrency] = process.argv.slice(1).map(Number);
  let sent = 0;
  async function worker() {
    while (sent < total) {
      sent++;
      const answer = await fetch(`http://127.0.0.1:${port}/api/analyze`, { method: "POST" });
      if (!answer.ok) throw new Error(`status ${answer.status}`);
      await answer.text();
    }
  }
  Promise.all(Array.from({ length: concurrency }, worker)).then(() => console.error(`load: ${total} requests sent`));
' "$port" "${REQUESTS:-300}" "${CONCURRENCY:-8}"
kill -TERM $service
wait $service
trap - EXIT

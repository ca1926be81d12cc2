// A load generator in its own thread (so it does not share the server's event loop): `connections` keep-alive
// connections, each sending the next request of the list as soon as the previous answer arrived, for
// `seconds` (throughput) or once through the list (latency, usually with one connection).
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { port, requests, headers, connections, seconds } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
let next = 0;
let ok = 0;
let failed = 0;
const statuses = {};
const latencies = [];
const until = seconds ? Date.now() + seconds * 1000 : Infinity;

function send(r) {
  return new Promise((resolve) => {
    const body = r.body === undefined ? undefined : JSON.stringify(r.body);
    const t0 = process.hrtime.bigint();
    const req = http.request(
      { host: '127.0.0.1', port, method: r.method, path: r.path, agent, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) } },
      (res) => {
        res.resume();
        res.on('end', () => {
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
          if (res.statusCode >= 200 && res.statusCode < 300) ok++;
          else failed++;
          resolve();
        });
      },
    );
    req.on('error', () => {
      failed++;
      resolve();
    });
    if (body) req.write(body);
    req.end();
  });
}

async function loop() {
  for (;;) {
    if (Date.now() >= until) return;
    if (!seconds && next >= requests.length) return;
    const r = requests[next++ % requests.length];
    await send(r);
  }
}

const t0 = Date.now();
await Promise.all(Array.from({ length: connections }, loop));
const elapsed = (Date.now() - t0) / 1000;
latencies.sort((a, b) => a - b);
const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
agent.destroy();
parentPort.postMessage({ ok, failed, statuses, elapsed, perSecond: ok / elapsed, p50: q(0.5), p99: q(0.99), max: latencies.at(-1) ?? NaN });

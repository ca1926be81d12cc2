// Where a SAR PDF is rendered: small reports on the calling thread (a worker's start-up costs more than they do),
// large ones on a worker thread, at most MAX_WORKERS at once (further exports wait their turn), so a
// 5,000-transaction export neither blocks the event loop nor lets a burst of exports start a thread each.
import { Worker } from 'node:worker_threads';
import { renderSarPdf, type SarPdfInput } from './sar-pdf.js';

/** From this many transactions on, the PDF is rendered on a worker thread (~0.1 s of CPU on the calling thread below it). */
export const WORKER_FROM_TRANSACTIONS = 200;
const MAX_WORKERS = 2;

let running = 0;
const waiting: (() => void)[] = [];

async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_WORKERS) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/**
 * Starts the worker. Built, it is sar-pdf-worker.js next to this file; under tsx (tests, `npm run dev`) a worker does
 * not inherit tsx's loader, so it starts from a small ES module that registers tsx first (as screening's batch.ts).
 */
function startWorker(data: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./sar-pdf-worker.js', import.meta.url), { workerData: data });
  const tsx = import.meta.resolve('tsx/esm/api');
  const target = new URL('./sar-pdf-worker.ts', import.meta.url).href;
  const code = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(target)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), { workerData: data });
}

function inWorker(input: SarPdfInput): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const w = startWorker({ ...input, exportedAt: input.exportedAt.toISOString() });
    let settled = false;
    w.once('message', (m: { ok: true; bytes: Uint8Array } | { ok: false; message: string }) => {
      settled = true;
      if (m.ok) resolve(m.bytes);
      else reject(new Error(`SAR PDF rendering failed: ${m.message}`));
      void w.terminate();
    });
    w.once('error', (err) => {
      if (!settled) reject(err);
    });
    w.once('exit', (code) => {
      if (!settled) reject(new Error(`SAR PDF worker exited with code ${code}`));
    });
  });
}

/** Renders a SAR PDF: on this thread when small, else on a worker thread (at most two at once). */
export function renderSarPdfOffThread(input: SarPdfInput, opts: { workerFrom?: number } = {}): Promise<Uint8Array> {
  if (input.view.transactions.length < (opts.workerFrom ?? WORKER_FROM_TRANSACTIONS)) return renderSarPdf(input);
  return slot(() => inWorker(input));
}

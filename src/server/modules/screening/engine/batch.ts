// Batch screening: many queries against one set of lists, on worker threads. Used by `bulwark screen --batch`
// and the re-screening benchmark; the screening service can use it for a full re-screen after a list change.
//
// Each worker builds its own index from the same entities (an index is plain objects and typed arrays, but
// rebuilding takes about a second, cheaper than teaching structured clone its shape). Queries go out in chunks,
// results come back per chunk and are handed to the caller in input order.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

import type { ListEntity, ListSource, ScreeningMatch, ScreeningQuery, SearchOptions } from '../model.js';
import { buildScreeningIndex } from './screening-index.js';

export interface BatchOptions extends SearchOptions {
  /** Worker threads; default: the available cores. 0 or 1 screens on the calling thread. */
  workers?: number;
  /** Queries per message to a worker. */
  chunkSize?: number;
}

export type BatchLists = readonly { source: ListSource; entities: readonly ListEntity[] }[];

/** What a worker is started with. */
export interface BatchWorkerData {
  lists: BatchLists;
  opts: SearchOptions;
}

/** One chunk's answers: per query, its matches (or the error it raised, in plain words). */
export type ChunkResult = { id: number; results: (ScreeningMatch[] | { error: string })[] };

/** Screens one chunk with an index (shared by the worker and the in-thread path). */
export function screenChunk(index: ReturnType<typeof buildScreeningIndex>, queries: readonly ScreeningQuery[], opts: SearchOptions): ChunkResult['results'] {
  return queries.map((q) => {
    try {
      return index.search(q, opts);
    } catch (err) {
      return { error: (err as Error).message };
    }
  });
}

/**
 * Starts one worker. Built, the worker is batch-worker.js next to this file. Under tsx (tests, benchmarks,
 * `npm run dev`) this module is a .ts file and a worker does not inherit tsx's loader, so it starts from a
 * small ES module that registers tsx first and then imports batch-worker.ts.
 */
function startWorker(data: BatchWorkerData): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./batch-worker.js', import.meta.url), { workerData: data });
  const tsx = import.meta.resolve('tsx/esm/api');
  const target = new URL('./batch-worker.ts', import.meta.url).href;
  const code = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(target)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), { workerData: data });
}

/**
 * Screens every query against the lists and calls `onResult(i, matches)` in input order (i counts from 0).
 * Resolves with the number of queries screened. A query that throws yields `{ error }`, never a lost line.
 */
export async function screenBatch(
  lists: BatchLists,
  queries: Iterable<ScreeningQuery> | AsyncIterable<ScreeningQuery>,
  onResult: (i: number, result: ScreeningMatch[] | { error: string }) => void,
  opts: BatchOptions = {},
): Promise<number> {
  const { workers: wanted, chunkSize = 1000, ...searchOpts } = opts;
  const workerCount = Math.max(0, Math.min(wanted ?? availableParallelism(), 16));
  if (workerCount <= 1) {
    const index = buildScreeningIndex(lists);
    let i = 0;
    for await (const q of queries) onResult(i++, screenChunk(index, [q], searchOpts)[0]!);
    return i;
  }

  const data: BatchWorkerData = { lists, opts: searchOpts };
  const pool = Array.from({ length: workerCount }, () => startWorker(data));
  const idle: Worker[] = [];
  const pending = new Map<number, ChunkResult['results']>();
  const sizes = new Map<number, number>();
  let nextToEmit = 0;
  let emitted = 0;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const signal = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  for (const w of pool) {
    w.on('message', (m: ChunkResult | { ready: true }) => {
      if ('ready' in m) idle.push(w);
      else {
        pending.set(m.id, m.results);
        idle.push(w);
      }
      signal();
    });
    w.on('error', (err) => {
      failure ??= err;
      signal();
    });
  }
  const flush = () => {
    for (let r = pending.get(nextToEmit); r; r = pending.get(nextToEmit)) {
      pending.delete(nextToEmit);
      for (const res of r) onResult(emitted++, res);
      sizes.delete(nextToEmit);
      nextToEmit++;
    }
  };
  const waitForWorker = async (): Promise<Worker> => {
    for (;;) {
      if (failure) throw failure;
      flush();
      const w = idle.pop();
      if (w) return w;
      await new Promise<void>((res) => (wake = res));
    }
  };

  try {
    let chunk: ScreeningQuery[] = [];
    let id = 0;
    const send = async () => {
      const w = await waitForWorker();
      sizes.set(id, chunk.length);
      w.postMessage({ id: id++, queries: chunk });
      chunk = [];
    };
    for await (const q of queries) {
      chunk.push(q);
      if (chunk.length >= chunkSize) await send();
    }
    if (chunk.length > 0) await send();
    while (nextToEmit < id) {
      if (failure) throw failure;
      flush();
      if (nextToEmit < id) await new Promise<void>((res) => (wake = res));
    }
    return emitted;
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

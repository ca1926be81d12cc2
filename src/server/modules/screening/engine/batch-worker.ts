// A batch-screening worker (batch.ts): builds its own index once, then screens the chunks it is sent.
import { parentPort, workerData } from 'node:worker_threads';

import type { ScreeningQuery } from '../model.js';
import { screenChunk, type BatchWorkerData, type ChunkResult } from './batch.js';
import { buildScreeningIndex } from './screening-index.js';

const data = workerData as BatchWorkerData;
const index = buildScreeningIndex(data.lists);
parentPort!.on('message', (m: { id: number; queries: ScreeningQuery[] }) => {
  const reply: ChunkResult = { id: m.id, results: screenChunk(index, m.queries, data.opts) };
  parentPort!.postMessage(reply);
});
parentPort!.postMessage({ ready: true });

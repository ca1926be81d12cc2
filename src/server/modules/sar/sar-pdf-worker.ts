// Renders one SAR PDF off the main thread (sar-pdf-render.ts starts it for large reports): a 5,000-transaction
// report takes seconds of CPU, which must not stall every other request of the process.
import { parentPort, workerData } from 'node:worker_threads';
import { renderSarPdf, type SarPdfInput } from './sar-pdf.js';

const input = workerData as Omit<SarPdfInput, 'exportedAt'> & { exportedAt: string };
renderSarPdf({ ...input, exportedAt: new Date(input.exportedAt) }).then(
  (bytes) => parentPort!.postMessage({ ok: true, bytes }, [bytes.buffer as ArrayBuffer]),
  (err: unknown) => parentPort!.postMessage({ ok: false, message: (err as Error).message }),
);

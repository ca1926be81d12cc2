// Event ingestion from the trading engine (issue 6): the service, its webhook route and the NATS consumer.
export { createIngestService, DEFAULT_FUTURE_SKEW_MS, DEFAULT_LATE_TOLERANCE_MS, type IngestOutcome, type IngestService } from './ingest.service.js';
export { registerIngestRoutes } from './ingest.routes.js';
export { DEFAULT_DURABLE, DEFAULT_STREAM, DEFAULT_SUBJECT_PREFIX, startNatsIngestor, type NatsIngestor, type NatsIngestOptions } from './nats-consumer.js';

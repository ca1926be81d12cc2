// `bulwark serve`: configuration → buildApp → listen → graceful shutdown.
import pino from 'pino';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config/config.js';
import { loggerOptions } from './platform/http/logger.js';

const BAR = '='.repeat(78);

/** Starts the server and resolves once it listens; the returned function stops it. */
export async function serve(config: Config): Promise<{ url: string; stop: () => Promise<void> }> {
  const log = pino(loggerOptions(config.logLevel));
  const { app, container } = await buildApp(config, {
    log,
    startJobs: true,
    onMigration: (name) => log.info({ migration: name }, 'migration applied'),
  });
  if (container.keyFileCreated) {
    process.stderr.write(
      `\n${BAR}\n  A new master key file was created: ${config.keyFile} (mode 0600)\n` +
        `  WARNING: this local key file is for development and evaluation only. Production wants a KMS\n` +
        `  or an HSM key provider. Keep this file OUT of the data directory's backups, and back it up\n` +
        `  separately: without it nothing encrypted in ${config.dataDir} can ever be read again.\n${BAR}\n`,
    );
  }
  await app.listen({ host: config.host, port: config.port });
  const link = await container.staffAuth.issueBootstrapLinkIfNeeded();
  if (link) {
    process.stderr.write(
      `\n${BAR}\n  No administrator exists yet. Open this one-time link to create the first one\n` +
        `  (valid until ${link.expiresAt.toISOString()}, single use; a restart issues a new one):\n\n` +
        `    ${link.url}\n${BAR}\n\n`,
    );
  }
  const url = config.publicUrl;
  log.info({ url, database: container.db.kind }, 'Bulwark is listening');
  return {
    url,
    async stop() {
      await app.close();
    },
  };
}

/** Entry for `bulwark serve` with signal handling. */
export async function runServe(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`bulwark: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const { stop } = await serve(config);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`bulwark: ${signal} received, finishing requests and writing a final checkpoint…\n`);
    stop().then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(`bulwark: shutdown failed: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

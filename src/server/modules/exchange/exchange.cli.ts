// `bulwark exchange connect|status|sync|simulate`. The connection's secret is never a command-line argument
// (arguments are visible to every local user in the process list and stay in shell history): it is read from
// standard input or from a file (--secret-file).
import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../../config/config.js';
import type { Container } from '../../container.js';
import type { ActorContext } from '../../platform/http/request-context.js';
import { createSimulator, newSimulatorSecret } from './simulator.js';
import { emitWebhook, publishNats, SCENARIOS, scenarioEvents, type Scenario } from './simulator-events.js';

export interface ExchangeCliDeps {
  withContainer<T>(opts: object, fn: (c: Container) => Promise<T>): Promise<T>;
  cliActor(command: string): ActorContext;
  fail(message: string, code?: number): never;
}

const KEY_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const ACCOUNT_REF = /^[A-Za-z0-9._:-]{1,64}$/;

function readSecretFile(file: string, fail: ExchangeCliDeps['fail']): string {
  try {
    const st = statSync(file);
    if (st.size > 4096) fail(`${file}: a secret file is at most 4 KiB`);
    // A secret readable by other local users is not a secret.
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) fail(`${file}: readable by group or others; chmod 600 it first`);
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code) fail(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code}`);
    throw err;
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('exchange secret (input is not echoed when piped; end with Enter): ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (process.stdin.isTTY && text.includes('\n')) break;
    if (text.length > 4096) break;
  }
  return Buffer.concat(chunks).toString('utf8').trim();
}

/** Registers the `exchange` command group. */
export function registerExchangeCommands(program: Command, d: ExchangeCliDeps): void {
  const exchange = program.command('exchange').description('the read-only trading-engine connector and its simulator');

  exchange
    .command('connect')
    .description('set the exchange connection (URL and key id; the secret from standard input or --secret-file, never an argument)')
    .requiredOption('--url <url>', 'base URL of the exchange API, e.g. https://engine.example:8443')
    .requiredOption('--key-id <id>', 'the key id the exchange issued to Bulwark')
    .option('--secret-file <file>', 'read the shared secret from this file (mode 600) instead of standard input')
    .action(async (o: { url: string; keyId: string; secretFile?: string }) => {
      if (!KEY_ID.test(o.keyId)) d.fail('--key-id: 1 to 64 letters, digits, dots, dashes or underscores');
      const secret = o.secretFile ? readSecretFile(o.secretFile, d.fail) : await readStdin();
      if (secret.length < 32 || secret.length > 512) d.fail('the secret must be 32 to 512 characters');
      await d.withContainer({}, async (c) => {
        const s = await c.exchange.setConnection(d.cliActor('exchange.connect'), { baseUrl: o.url, keyId: o.keyId, secret }, 'cli:exchange.connect', { requireReason: false });
        process.stdout.write(`connected to ${s.baseUrl} as ${s.keyId} (the secret is stored encrypted and will not be shown again)\n`);
      });
    });

  exchange
    .command('status')
    .description('show the exchange connection (never the secret)')
    .action(async () => {
      await d.withContainer({ createKeyFile: false }, async (c) => {
        const s = await c.exchange.connection(d.cliActor('exchange.status'));
        process.stdout.write(s.configured ? `url ${s.baseUrl}\nkey id ${s.keyId}\nset ${s.configuredAt} by ${s.configuredBy}\n` : 'not connected\n');
      });
    });

  exchange
    .command('sync')
    .description("refresh one trader's exchange data (snapshots, security events, anti-phishing code)")
    .argument('<traderId>', 'the trader id')
    .action(async (traderId: string) => {
      await d.withContainer({ createKeyFile: false }, async (c) => {
        const r = await c.exchange.syncTrader(d.cliActor('exchange.sync'), traderId);
        process.stdout.write(`${r.sections} section(s) refreshed${r.failed.length ? `; failed: ${r.failed.join(', ')}` : ''}\n`);
        if (r.failed.length) process.exitCode = 1;
      });
    });

  exchange
    .command('simulate')
    .description('run the reference exchange simulator (synthetic data, same signed HTTP contract) in this process')
    .option('--port <port>', 'TCP port', (v) => Number(v), 4100)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--key-id <id>', 'the key id Bulwark signs with', 'bulwark-sim')
    .option('--secret-file <file>', 'the shared secret (mode 600); without it one is generated and printed once')
    .action(async (o: { port: number; host: string; keyId: string; secretFile?: string }) => {
      if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) d.fail('--port: 0 to 65535');
      if (!KEY_ID.test(o.keyId)) d.fail('--key-id: 1 to 64 letters, digits, dots, dashes or underscores');
      const generated = !o.secretFile;
      const secret = o.secretFile ? readSecretFile(o.secretFile, d.fail) : newSimulatorSecret();
      if (secret.length < 32) d.fail('the secret must be at least 32 characters');
      const sim = createSimulator({ keyId: o.keyId, secret });
      const url = await sim.listen(o.port, o.host);
      process.stdout.write(`exchange simulator listening on ${url} (key id ${o.keyId}); Ctrl-C stops it\n`);
      if (generated) {
        process.stdout.write(
          `\nshared secret (shown once, not stored anywhere): ${secret}\n\nconnect Bulwark to it with:\n  bulwark exchange connect --url ${url} --key-id ${o.keyId}\nand paste the secret when asked (or put it in a mode-600 file and add --secret-file FILE)\n`,
        );
      }
      const stop = () => void sim.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });

  exchange
    .command('events')
    .description("emit a scenario of the trading engine's events for an account to Bulwark (the signed webhook or NATS JetStream)")
    .requiredOption('--scenario <name>', `one of ${SCENARIOS.join(', ')}`)
    .requiredOption('--account <ref>', "the exchange account reference (a trader's account_ref)")
    .option('--via <path>', 'webhook or nats', 'webhook')
    .option('--url <url>', "Bulwark's base URL for the webhook (default PUBLIC_URL)")
    .option('--secret-file <file>', 'the webhook secret (mode 600); default EXCHANGE_WEBHOOK_SECRET')
    .option('--nats-url <url>', 'the NATS server (default NATS_URL)')
    .option('--count <n>', 'events of the normal scenario', (v) => Number(v), 20)
    .option('--threshold <usd>', 'the threshold the structuring and large scenarios play around', (v) => Number(v), 10_000)
    .option('--address <wallet>', 'the counterparty of sanctioned_counterparty (default: from the OFAC list in ../shared/data)')
    .option('--country <cc>', 'the country of high_risk_country', 'VE')
    .action(async (o: { scenario: string; account: string; via: string; url?: string; secretFile?: string; natsUrl?: string; count: number; threshold: number; address?: string; country: string }) => {
      const scenario = SCENARIOS.find((s) => s === o.scenario) as Scenario | undefined;
      if (!scenario) d.fail(`--scenario: one of ${SCENARIOS.join(', ')}`);
      if (!ACCOUNT_REF.test(o.account)) d.fail('--account: 1 to 64 letters, digits and . _ : -');
      if (o.via !== 'webhook' && o.via !== 'nats') d.fail('--via: webhook or nats');
      if (!Number.isInteger(o.count) || o.count < 1 || o.count > 100_000) d.fail('--count: 1 to 100000');
      if (!Number.isFinite(o.threshold) || o.threshold <= 0) d.fail('--threshold: a positive number of USD');
      if (!/^[A-Z]{2}$/.test(o.country)) d.fail('--country: ISO 3166-1 alpha-2, upper case');
      let cfg: Config;
      try {
        cfg = loadConfig();
      } catch (err) {
        if (err instanceof ConfigError) d.fail(err.message);
        throw err;
      }
      const events = scenarioEvents(scenario!, o.account, { count: o.count, thresholdUsd: o.threshold, country: o.country, ...(o.address ? { sanctionedAddress: o.address } : {}) });
      if (o.via === 'nats') {
        const url = o.natsUrl ?? cfg.natsUrl;
        if (!url) d.fail('--nats-url or NATS_URL is required for --via nats');
        const r = await publishNats(url, events);
        process.stdout.write(`${scenario}: ${r.published} event(s) published to NATS${r.duplicates ? ` (${r.duplicates} duplicate(s) dropped by the stream)` : ''}\n`);
        return;
      }
      const secret = o.secretFile ? readSecretFile(o.secretFile, d.fail) : cfg.exchangeWebhookSecret;
      if (!secret) d.fail('--secret-file or EXCHANGE_WEBHOOK_SECRET is required for --via webhook');
      const r = await emitWebhook(o.url ?? cfg.publicUrl, secret, events);
      process.stdout.write(`${scenario}: ${r.stored} stored, ${r.duplicate} duplicate, ${r.rejected} rejected, ${r.late} late\n`);
      for (const x of r.results.filter((x) => x.status === 'rejected')) process.stdout.write(`  rejected ${x.eventId ?? '(no id)'}: ${x.reason}${x.detail ? ` (${x.detail})` : ''}\n`);
      if (r.rejected) process.exitCode = 1;
    });
}

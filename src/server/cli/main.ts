// The `bulwark` command. Every command that changes data goes through the same audited services as the API.
import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import pino from 'pino';
import { ConfigError, loadConfig, type Config } from '../config/config.js';
import { createContainer, type Container, type ContainerOptions } from '../container.js';
import { verifyAuditTrail } from '../modules/audit/audit.service.js';
import { AnchorStore } from '../platform/audit/anchor-store.js';
import { verifyExportBundle } from '../platform/audit/bundle.js';
import { systemClock } from '../platform/clock.js';
import { openLocalFileProvider } from '../platform/crypto/keys/local-file-provider.js';
import { Vault } from '../platform/crypto/vault.js';
import { openDatabase } from '../platform/db/database.js';
import { lockDataDir } from '../platform/db/data-dir-lock.js';
import { migrateToLatest } from '../platform/db/migrate.js';
import { systemContext, type ActorContext } from '../platform/http/request-context.js';
import { runServe } from '../main.js';
import { progress } from './progress.js';
import { registerExchangeCommands } from '../modules/exchange/exchange.cli.js';
import { registerKycCommands } from '../modules/kyc/kyc.cli.js';
import { registerRulesCommands } from '../modules/monitoring/rules/rules.cli.js';
import { registerWithdrawalLimitsCommands } from '../modules/withdrawal-limits/withdrawal-limits.cli.js';
import { registerSarCommands } from '../modules/sar/sar.cli.js';
import { registerCasesCommands } from '../modules/cases/cases.cli.js';
import { registerConsentCommands } from '../modules/consent/consent.cli.js';
import { registerListsCommands } from '../modules/screening/lists/lists.cli.js';
import { registerScreenCommand } from '../modules/screening/screen.cli.js';
import { registerScreeningCommands } from '../modules/screening/screening.cli.js';

function config(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, 2);
    throw err;
  }
}

function fail(message: string, code = 1): never {
  process.stderr.write(`bulwark: ${message}\n`);
  process.exit(code);
}

/** The audit actor of a CLI command: the command and the operating-system user who ran it. */
function cliActor(command: string): ActorContext {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    /* no passwd entry */
  }
  return { ...systemContext(`cli:${command}`), actorName: `cli:${command} (os user ${user})` };
}

async function withContainer<T>(opts: ContainerOptions, fn: (c: Container) => Promise<T>): Promise<T> {
  const cfg = config();
  let c: Container;
  try {
    c = await createContainer(cfg, { log: pino({ level: 'warn' }, process.stderr), ...opts });
  } catch (err) {
    fail((err as Error).message);
  }
  try {
    return await fn(c);
  } finally {
    await c.close();
  }
}

/** `audit verify`: through the application (and audited), or without it when it refuses to start. */
async function verifyLog(cfg: Config, onProgress: (seq: number) => void) {
  let c: Container;
  try {
    c = await createContainer(cfg, { log: pino({ level: 'warn' }, process.stderr), createKeyFile: false });
  } catch (err) {
    // The application refuses to start when its anchors disagree with the database (a truncated log, an edited
    // checkpoint directory): exactly when verify must still run and name the first bad sequence number.
    process.stderr.write(`bulwark: ${(err as Error).message}\nbulwark: verifying from the database and the checkpoint directory alone\n`);
    try {
      return await verifyStandalone(cfg, onProgress);
    } catch {
      fail((err as Error).message);
    }
  }
  try {
    const r = await c.audit.verify(onProgress);
    await c.writer.record(cliActor('audit.verify'), { action: 'audit.verify', target: { type: 'audit_log', id: String(r.treeSize) } }, r.ok ? 'ok' : 'error', r.ok ? null : 'audit_log_tampered');
    return r;
  } finally {
    await c.close();
  }
}

/** `audit verify` without the application: the database, the key file and the checkpoint directory only. */
async function verifyStandalone(cfg: Config, onProgress: (seq: number) => void) {
  const unlock = cfg.databaseUrl ? () => undefined : lockDataDir(cfg.dataDir);
  const db = await openDatabase({ databaseUrl: cfg.databaseUrl, dataDir: cfg.dataDir });
  try {
    await db.useAppRole();
    const { provider } = await openLocalFileProvider(cfg.keyFile, { create: false });
    const vault = await Vault.open({ db: db.system, provider, clock: systemClock, origin: cfg.logOrigin });
    const anchors = new AnchorStore(cfg.checkpointDir);
    return await verifyAuditTrail({ db: db.system, anchors, origin: cfg.logOrigin, verifierKey: vault.verifierKey }, onProgress);
  } finally {
    await db.close();
    unlock();
  }
}

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 10_000_000) throw new InvalidArgumentError('a whole number from 1 to 10,000,000');
  return n;
};
const isoDate = (v: string) => {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new InvalidArgumentError('an ISO-8601 date or date-time');
  return d;
};

const program = new Command()
  .name('bulwark')
  .description('Bulwark: the secure back office for crypto exchanges. Configuration comes from the environment (see README).')
  .showHelpAfterError();

program
  .command('serve')
  .description('start the server (HTTP on loopback, or TLS / behind a trusted proxy)')
  .action(async () => {
    await runServe();
  });

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(async () => {
    const cfg = config();
    const unlock = cfg.databaseUrl ? () => undefined : lockDataDir(cfg.dataDir);
    const db = await openDatabase({ databaseUrl: cfg.databaseUrl, dataDir: cfg.dataDir });
    try {
      const applied = await migrateToLatest(db.system, (n) => process.stderr.write(`applied ${n}\n`));
      process.stdout.write(applied.length ? `${applied.length} migration(s) applied\n` : 'database is up to date\n');
    } finally {
      await db.close();
      unlock();
    }
  });

program
  .command('bootstrap')
  .description('print a new one-time link for creating the first administrator (only while none exists)')
  .action(async () => {
    await withContainer({}, async (c) => {
      const link = await c.staffAuth.issueBootstrapLinkIfNeeded();
      if (!link) throw new Error('an administrator already exists: staff are invited by an administrator');
      process.stdout.write(`${link.url}\nvalid until ${link.expiresAt.toISOString()}, single use; earlier links no longer work\n`);
    });
  });

const staffCmd = program.command('staff').description('staff accounts');

staffCmd
  .command('invite')
  .description('invite a staff member and print the one-time link (48 h, single use); also e-mailed when SMTP_URL is set')
  .requiredOption('--email <email>', "the new member's e-mail address")
  .requiredOption('--name <name>', 'display name')
  .requiredOption('--role <role>', 'a role (repeat for several)', (v: string, prev: string[] = []) => [...prev, v])
  .action(async (o: { email: string; name: string; role: string[] }) => {
    const email = o.email.trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) throw new Error('--email: not an e-mail address');
    const name = o.name.trim();
    if (!name || name.length > 120) throw new Error('--name: 1 to 120 characters');
    await withContainer({}, async (c) => {
      // An operator with access to the server: the documented break-glass path, so privileged roles are issued
      // directly (four eyes needs two people, and there may be only one administrator yet). Audited as the CLI.
      const r = await c.staff.invite(cliActor('staff.invite'), { id: null }, { email, displayName: name, roles: o.role }, { breakGlass: true });
      await c.email.idle();
      process.stdout.write(`${r.link}\nvalid until ${r.expiresAt.toISOString()}, single use; give it to ${email} over a trusted channel\n`);
    });
  });

const audit = program.command('audit').description('the tamper-evident audit log');

audit
  .command('verify')
  .description('walk the hash chain, the Merkle tree and the signed checkpoints; exit 1 naming the first bad sequence number')
  .option('--json', 'print the result as JSON')
  .action(async (o: { json?: boolean }) => {
    const bar = progress('verifying');
    const result = await verifyLog(config(), (seq) => bar.update(seq));
    bar.done(`${result.eventsChecked} events, ${result.checkpointsChecked} checkpoints`);
    if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else if (result.ok) {
      process.stdout.write(`OK: ${result.eventsChecked} events, tree size ${result.treeSize}, root ${result.rootHash}, ${result.checkpointsChecked} signed checkpoints verified\n`);
    } else {
      // A bad checkpoint (e.g. signed by another key) names no event: say so rather than print a placeholder.
      const where = result.firstBadSeq !== undefined ? `first bad sequence number ${result.firstBadSeq}: ` : '';
      process.stdout.write(`TAMPERED: ${where}${result.problem}\n`);
    }
    process.exitCode = result.ok ? 0 : 1;
  });

audit
  .command('export')
  .description('write a signed, offline-verifiable bundle of the audit events in a period')
  .option('--from <date>', 'start (ISO-8601)', isoDate)
  .option('--to <date>', 'end (ISO-8601)', isoDate)
  .requiredOption('--out <file>', 'output file')
  .action(async (o: { from?: Date; to?: Date; out: string }) => {
    await withContainer({ createKeyFile: false }, async (c) => {
      const bundle = await c.audit.exportBundle(cliActor('audit.export'), { from: o.from, to: o.to });
      writeFileSync(o.out, bundle, { mode: 0o600, flag: 'wx' });
      const parsed = JSON.parse(bundle) as { range: { fromSeq: number; toSeq: number } };
      process.stdout.write(`wrote ${o.out}: events ${parsed.range.fromSeq}..${parsed.range.toSeq}\n`);
    });
  });

audit
  .command('verify-export')
  .argument('<file>', 'bundle written by `bulwark audit export`')
  .description('verify an export offline (no database): chain, inclusion in the signed checkpoint, signature')
  .option('--verifier-key <key>', 'the verifier key obtained out of band (recommended)')
  .action(async (file: string, o: { verifierKey?: string }) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      fail(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const r = await verifyExportBundle(text, o.verifierKey ? { verifierKey: o.verifierKey } : {});
    if (r.ok) {
      process.stdout.write(
        `OK: events ${r.range?.fromSeq}..${r.range?.toSeq} of ${r.origin}, included in the signed checkpoint of size ${r.checkpoint?.size}` +
          (r.verifierKeySource === 'bundle' ? ' (verifier key taken from the file itself: compare it with the one you trust)' : '') +
          '\n',
      );
    } else {
      process.stdout.write(`INVALID: ${r.problem}${r.firstBadSeq ? ` (first bad sequence number ${r.firstBadSeq})` : ''}\n`);
      process.exitCode = 1;
    }
  });

const keys = program.command('keys').description('encryption keys');

keys
  .command('status')
  .description('key versions and how many values still use each')
  .option('--json', 'print JSON')
  .action(async (o: { json?: boolean }) => {
    await withContainer({ createKeyFile: false }, async (c) => {
      const s = await c.keys.status();
      if (o.json) return void process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
      process.stdout.write(`master key provider: ${s.provider}\n\nrings:\n`);
      for (const r of s.rings) process.stdout.write(`  ${r.purpose.padEnd(14)} v${r.version}  ${r.status.padEnd(8)} created ${r.createdAt}${r.retiredAt ? `, retired ${r.retiredAt}` : ''}\n`);
      process.stdout.write('\nfield-key usage:\n');
      for (const u of s.usage) process.stdout.write(`  v${u.version}: ${u.values} ring-encrypted values, ${u.subjectKeys} subject keys\n`);
      process.stdout.write(`\nsubject keys: ${s.subjectKeys.live} live, ${s.subjectKeys.destroyed} destroyed\n`);
    });
  });

keys
  .command('rotate')
  .description('add a field-key version, then re-wrap subject keys and re-encrypt values onto it (no downtime)')
  .action(async () => {
    await withContainer({ createKeyFile: false }, async (c) => {
      const v = await c.keys.addVersion(cliActor('keys.rotate'));
      process.stderr.write(`field key v${v} is active; new writes use it now\n`);
      const bar = progress('re-encrypting');
      const r = await c.keys.reencryptAll((p) => bar.update(p.done, p.total));
      bar.done(`${r.subjectKeys} subject keys re-wrapped, ${r.values} values re-encrypted`);
    });
  });

const demo = program.command('demo').description('synthetic data for demos and benchmarks');

demo
  .command('seed')
  .description('create synthetic traders through the encrypted, audited path')
  .option('--traders <n>', 'how many traders', positiveInt, 100)
  .action(async (o: { traders: number }) => {
    await withContainer({}, async (c) => {
      const bar = progress('seeding traders', o.traders);
      const made = await c.demo.seedTraders(cliActor('demo.seed'), o.traders, (n) => bar.update(n));
      bar.done(`${o.traders} synthetic traders created`);
      const consents = await c.consent.seedDemoForAccounts(cliActor('demo.seed'), made.map((t) => t.accountRef));
      process.stderr.write(`consent history for ${consents.traders} traders (${consents.events} events)\n`);
      // A few tickets with chat history for the first traders (support desk demo).
      const ids = await c.audited(cliActor('demo.seed'), { action: 'trader.lookup', target: { type: 'trader' } }, async (tx) => {
        const out: string[] = [];
        for (const t of made.slice(0, 8)) {
          const id = await c.traders.idByAccountRef(tx, t.accountRef);
          if (id) out.push(id);
        }
        return out;
      });
      const tickets = await c.support.seedDemo(cliActor('demo.seed'), ids);
      process.stderr.write(`${tickets} support tickets with chat history\n`);
    });
  });

registerConsentCommands(program, { withContainer, cliActor, fail });

registerListsCommands(program, { withContainer, cliActor, fail });

registerScreenCommand(program, { withContainer, cliActor, fail });

registerScreeningCommands(program, { withContainer, cliActor, fail });

registerExchangeCommands(program, { withContainer, cliActor, fail });

registerKycCommands(program, { withContainer, cliActor });

registerRulesCommands(program, { withContainer, cliActor, fail });

registerWithdrawalLimitsCommands(program, { withContainer, cliActor });

registerSarCommands(program, { withContainer, cliActor });

registerCasesCommands(program, { withContainer, cliActor });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Operators get one line, not a stack trace; LOG_LEVEL=debug shows the stack.
  process.stderr.write(`bulwark: ${(err as Error).message}\n`);
  if (process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace') process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
}

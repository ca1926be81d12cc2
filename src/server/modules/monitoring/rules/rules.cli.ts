// `bulwark rules list`, `bulwark rules validate FILE` (no database: the parser alone) and
// `bulwark rules backtest FILE|RULE_ID [--from ISO] [--to ISO]` (audited like the API's backtest).
// Exit 1 for an invalid rule or a failed backtest, with the problems on stderr.
import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { MAX_RULE_SOURCE_BYTES, type SourceFormat } from '../../../../contracts/monitoring-rules.js';
import type { Container } from '../../../container.js';
import { AppError } from '../../../platform/http/errors.js';
import type { ActorContext } from '../../../platform/http/request-context.js';
import { validateRuleSource } from './rule-parser.js';

export interface RulesCliDeps {
  withContainer<T>(opts: object, fn: (c: Container) => Promise<T>): Promise<T>;
  cliActor(command: string): ActorContext;
  fail(message: string, code?: number): never;
}

const out = (line: string) => process.stdout.write(`${line}\n`);

/** Reads a rule file (size-limited before reading); the format follows the extension (.json, else YAML). */
function readRule(path: string, fail: RulesCliDeps['fail']): { format: SourceFormat; source: string } {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    fail(`cannot read ${path}`);
  }
  if (size > MAX_RULE_SOURCE_BYTES) fail(`${path}: a rule file is at most ${MAX_RULE_SOURCE_BYTES / 1024} KiB`);
  return { format: /\.json$/i.test(path) ? 'json' : 'yaml', source: readFileSync(path, 'utf8') };
}

/** Registers the `rules` command group. */
export function registerRulesCommands(program: Command, d: RulesCliDeps): void {
  const rules = program.command('rules').description('transaction-monitoring rules: list, validate, backtest');

  rules
    .command('list')
    .description('every rule: id, severity, condition type, status, active and latest version')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      await d.withContainer({}, async (c) => {
        const r = await c.monitoring.list(d.cliActor('rules.list'));
        if (o.json) return out(JSON.stringify(r, null, 2));
        if (!r.sanctionsListsLoaded) process.stderr.write('note: no sanctions list loaded: the sanctioned-counterparty rule cannot fire\n');
        for (const x of r.rules) {
          const pending = x.latestState === 'pending_activation' ? `  v${x.latestVersion} waiting for approval` : x.latestState === 'draft' ? `  v${x.latestVersion} draft` : '';
          out(`${x.id.padEnd(34)} ${x.severity.padEnd(8)} ${x.conditionType.padEnd(24)} ${x.status.padEnd(8)} ${x.activeVersion ? `v${x.activeVersion}` : '—'}${pending}${x.pendingDeactivation ? '  deactivation waiting for approval' : ''}`);
        }
      });
    });

  rules
    .command('validate')
    .description('parse a rule file (YAML, or JSON by its .json extension) and print its problems by path')
    .argument('<file>', 'rule file')
    .action((file: string) => {
      const src = readRule(file, d.fail);
      const v = validateRuleSource(src.format, src.source);
      if (!v.valid) {
        for (const e of v.errors) process.stderr.write(`${file}: ${e.path}: ${e.message}\n`);
        process.exit(1);
      }
      out(`${file}: valid rule ${v.rule!.id} (${v.conditionTypes.join(', ')}), severity ${v.rule!.severity}`);
    });

  rules
    .command('backtest')
    .description('run a rule file or a stored rule (its latest version) over stored events: alerts it would have raised, traders, per day')
    .argument('<fileOrRuleId>', 'a rule file, or the id of a stored rule')
    .option('--version <n>', 'a stored version instead of the latest', (v) => Number(v))
    .option('--from <iso>', 'start (default: 90 days before --to)')
    .option('--to <iso>', 'end (default: now)')
    .option('--sample <n>', 'hits to show', (v) => Number(v), 10)
    .option('--json', 'machine-readable output')
    .action(async (target: string, o: { version?: number; from?: string; to?: string; sample: number; json?: boolean }) => {
      const isFile = /\.(ya?ml|json)$/i.test(target);
      const rule = isFile ? readRule(target, d.fail) : undefined;
      await d.withContainer({}, async (c) => {
        try {
          const r = await c.monitoring.backtest(d.cliActor('rules.backtest'), {
            ...(rule ? { rule } : { ruleId: target, ...(o.version ? { version: o.version } : {}) }),
            ...(o.from ? { from: new Date(o.from).toISOString() } : {}),
            ...(o.to ? { to: new Date(o.to).toISOString() } : {}),
            sampleSize: Math.max(0, Math.min(200, o.sample)),
          });
          if (o.json) return out(JSON.stringify(r, null, 2));
          out(`${r.ruleId}${r.version ? ` v${r.version}` : ' (unsaved)'}  ${r.from} → ${r.to}`);
          out(`${r.alerts} alert(s) for ${r.traders} trader(s) (${r.hits} hits before deduplication); ${r.eventsScanned} events scanned in ${(r.durationMs / 1000).toFixed(1)} s${r.truncated ? '  TRUNCATED at the time limit' : ''}`);
          for (const p of r.perDay) out(`  ${p.day}  ${p.alerts}`);
          for (const s of r.sample) out(`  ${s.eventAt}  ${s.traderId}  ${s.explanation}`);
        } catch (err) {
          if (err instanceof AppError) {
            const details = (err.opts.fieldErrors ?? []).map((e) => `\n  ${e.path}: ${e.message}`).join('');
            d.fail(`${err.publicMessage}${details}`);
          }
          throw err;
        }
      });
    });
}

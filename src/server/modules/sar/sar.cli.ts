// `bulwark sars list` and `bulwark sars overdue`: references, statuses, case references and deadlines — never the
// subject, the narrative or the transactions (those stay behind sar.read in the UI and the API).
import type { Command } from 'commander';
import type { SarSummary } from '../../../contracts/sar.js';
import { SAR_STATUSES } from '../../../contracts/sar.js';
import type { Container } from '../../container.js';
import type { ActorContext } from '../../platform/http/request-context.js';

export interface SarCliDeps {
  withContainer<T>(opts: object, fn: (c: Container) => Promise<T>): Promise<T>;
  cliActor(command: string): ActorContext;
}

function print(rows: SarSummary[], json: boolean): void {
  if (json) {
    const out = rows.map((r) => ({ reference: r.reference, caseReference: r.caseReference, status: r.status, detectedAt: r.detectedAt, dueAt: r.dueAt, overdue: r.overdue, daysLeft: r.daysLeft, filedAt: r.filedAt, fiuReference: r.fiuReference }));
    return void process.stdout.write(`${JSON.stringify(out)}\n`);
  }
  if (!rows.length) return void process.stdout.write('no reports\n');
  for (const r of rows) {
    const when = r.daysLeft === null ? (r.filedAt ? `filed ${r.filedAt.slice(0, 10)} (${r.fiuReference ?? ''})` : '') : r.overdue ? `OVERDUE by ${-r.daysLeft} day(s)` : `${r.daysLeft} day(s) left`;
    process.stdout.write(`${r.reference}  ${r.caseReference}  ${r.status.padEnd(16)}  due ${r.dueAt.slice(0, 10)}  ${when}\n`);
  }
}

/** Registers the `sars` command group. */
export function registerSarCommands(program: Command, d: SarCliDeps): void {
  const sars = program.command('sars').description('suspicious-activity reports: deadlines (no personal data is printed)');
  sars
    .command('list')
    .description('reports by deadline: reference, case, status, due date, days left')
    .option('--status <status>', `open (default), all, ${SAR_STATUSES.join(', ')}`, 'open')
    .option('--json', 'print JSON')
    .action(async (o: { status: string; json?: boolean }) => {
      const statuses = ['open', 'all', ...SAR_STATUSES];
      if (!statuses.includes(o.status)) throw new Error(`--status must be one of ${statuses.join(', ')}`);
      await d.withContainer({ createKeyFile: false }, async (c) => {
        print(await c.sar.deadlines(d.cliActor('sars.list'), { overdueOnly: false, status: o.status as 'open' }), Boolean(o.json));
      });
    });
  sars
    .command('overdue')
    .description('open reports past their filing deadline (exit 2 when there is any, for monitoring)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await d.withContainer({ createKeyFile: false }, async (c) => {
        const rows = await c.sar.deadlines(d.cliActor('sars.overdue'), { overdueOnly: true });
        print(rows, Boolean(o.json));
        if (rows.length) process.exitCode = 2;
      });
    });
}

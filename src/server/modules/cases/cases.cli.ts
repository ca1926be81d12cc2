// `bulwark alerts list` and `bulwark cases list`: counts by status, severity or queue, and the overdue cases. No
// personal data (no titles, reasons or account references): these are for an operator's dashboard or a cron mail.
import type { Command } from 'commander';
import type { Container } from '../../container.js';
import type { ActorContext } from '../../platform/http/request-context.js';

export interface CasesCliDeps {
  withContainer<T>(opts: object, fn: (c: Container) => Promise<T>): Promise<T>;
  cliActor(command: string): ActorContext;
}

/** Registers the `alerts` and `cases` command groups. */
export function registerCasesCommands(program: Command, d: CasesCliDeps): void {
  program
    .command('alerts')
    .description('transaction-monitoring alerts')
    .command('list')
    .description('alerts by status and severity (counts only)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await d.withContainer({ createKeyFile: false }, async (c) => {
        const rows = await c.alerts.counts(d.cliActor('alerts.list'));
        const counts = rows.map((r) => ({ status: r.status, severity: r.severity, count: Number(r.n) }));
        if (o.json) return void process.stdout.write(`${JSON.stringify({ alerts: counts })}\n`);
        if (!counts.length) return void process.stdout.write('no alerts\n');
        for (const r of counts) process.stdout.write(`${r.status.padEnd(10)} ${r.severity.padEnd(9)} ${String(r.count).padStart(8)}\n`);
      });
    });

  program
    .command('cases')
    .description('investigation cases')
    .command('list')
    .description('cases by status and queue, and how many are overdue (counts only)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await d.withContainer({ createKeyFile: false }, async (c) => {
        const r = await c.cases.counts(d.cliActor('cases.list'));
        const counts = r.byStatus.map((x) => ({ status: x.status, queue: x.queue, count: Number(x.n) }));
        if (o.json) return void process.stdout.write(`${JSON.stringify({ cases: counts, overdue: r.overdue })}\n`);
        if (!counts.length) process.stdout.write('no cases\n');
        for (const x of counts) process.stdout.write(`${x.status.padEnd(18)} ${x.queue.padEnd(10)} ${String(x.count).padStart(8)}\n`);
        process.stdout.write(`overdue (open past their SLA): ${r.overdue}\n`);
      });
    });
}

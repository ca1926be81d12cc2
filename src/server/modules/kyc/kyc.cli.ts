// `bulwark kyc refresh [--dry-run]`: the periodic-refresh job run by hand (the server runs it daily with its jobs).
import type { Command } from 'commander';
import type { Container } from '../../container.js';
import type { ActorContext } from '../../platform/http/request-context.js';

export interface KycCliDeps {
  withContainer<T>(opts: object, fn: (c: Container) => Promise<T>): Promise<T>;
  cliActor(command: string): ActorContext;
}

/** Registers the `kyc` command group. */
export function registerKycCommands(program: Command, d: KycCliDeps): void {
  const kyc = program.command('kyc').description('KYC/KYB cases');
  kyc
    .command('refresh')
    .description('open review tasks for traders whose periodic KYC review is due (1, 2 or 3 years by risk) and mark overdue ones expired')
    .option('--dry-run', 'count what would be opened and expired, write nothing')
    .option('--json', 'print JSON')
    .action(async (o: { dryRun?: boolean; json?: boolean }) => {
      await d.withContainer({ createKeyFile: false }, async (c) => {
        const r = await c.kyc.runRefresh(d.cliActor('kyc.refresh'), { dryRun: Boolean(o.dryRun) });
        if (o.json) return void process.stdout.write(`${JSON.stringify(r)}\n`);
        const [open, mark] = r.dryRun ? ['would open', 'would be marked'] : ['opened', 'marked'];
        process.stdout.write(`${open} ${r.opened} review task(s); ${r.expired} trader(s) ${mark} expired (review overdue)\n`);
      });
    });
}

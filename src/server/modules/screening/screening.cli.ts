// `bulwark screening rescreen`: re-screens every trader (their directors, UBOs and wallets) against the whole
// active list, as a list activation does against its delta; progress on stderr, the batch (the evidence that the
// check ran) on stdout. With no list loaded it says so and exits 1: nobody is ever screened as clear.
import type { Command } from 'commander';
import type { Container } from '../../container.js';
import { AppError } from '../../platform/http/errors.js';
import type { ActorContext } from '../../platform/http/request-context.js';

export interface ScreeningCliDeps {
  withContainer<T>(opts: object, fn: (c: Container) => Promise<T>): Promise<T>;
  cliActor(command: string): ActorContext;
  fail(message: string, code?: number): never;
}

/** Registers the `screening` command group. */
export function registerScreeningCommands(program: Command, d: ScreeningCliDeps): void {
  const screening = program.command('screening').description('screening of traders against the active lists');
  screening
    .command('rescreen')
    .description('re-screen every trader, director, UBO and wallet against the whole active list now')
    .option('--json', 'the batch as JSON')
    .action(async (opts: { json?: boolean }) => {
      await d.withContainer({}, async (c) => {
        const t0 = Date.now();
        let last = 0;
        const batch = await c.screening
          .rescreenAll(d.cliActor('screening.rescreen'), (p) => {
            if (p.traders - last >= 10_000) {
              last = p.traders;
              process.stderr.write(`screening: ${p.traders.toLocaleString('en')} traders, ${p.tradersWithHits} with candidates (${Math.round((Date.now() - t0) / 1000)} s)\n`);
            }
          })
          .catch((e: unknown) => d.fail(e instanceof AppError ? e.publicMessage : String(e)));
        if (opts.json) process.stdout.write(`${JSON.stringify(batch, null, 2)}\n`);
        else {
          process.stdout.write(
            `batch ${batch.id} ${batch.status}: ${batch.tradersScreened} traders, ${batch.subjectsScreened} subjects, ${batch.tradersWithHits} with candidates (review them under Screening); lists ${batch.listVersions.map((v) => `${v.source} v${v.version}`).join(', ') || 'none'}; ${batch.algorithmVersion}, threshold ${batch.threshold}\n`,
          );
        }
      });
    });
}

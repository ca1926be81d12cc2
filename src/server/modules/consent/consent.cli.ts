// `bulwark consent import FILE`: consent evidence from another system (CSV with the header
// account_ref,category,granted,source,wording_version,recorded_at). All or nothing: with any bad row, every
// problem is printed with its line number and nothing is written.
import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import type { Container } from '../../container.js';
import { AppError } from '../../platform/http/errors.js';
import type { ActorContext } from '../../platform/http/request-context.js';

const MAX_FILE_BYTES = 64 * 1024 * 1024;

export interface ConsentCliDeps {
  withContainer<T>(opts: object, fn: (c: Container) => Promise<T>): Promise<T>;
  cliActor(command: string): ActorContext;
  fail(message: string, code?: number): never;
}

/** Registers the `consent` command group. */
export function registerConsentCommands(program: Command, d: ConsentCliDeps): void {
  const consent = program.command('consent').description('trader consent (marketing e-mail, product news, research)');
  consent
    .command('import')
    .description('import consent evidence from a CSV file (account_ref,category,granted,source,wording_version,recorded_at); all rows or none')
    .argument('<file>', 'the CSV file')
    .action(async (file: string) => {
      let text: string;
      try {
        if (statSync(file).size > MAX_FILE_BYTES) d.fail(`${file} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB: split it`);
        text = readFileSync(file, 'utf8');
      } catch (err) {
        d.fail(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      await d.withContainer({ createKeyFile: false }, async (c) => {
        try {
          const r = await c.consent.importCsv(d.cliActor('consent.import'), text);
          process.stderr.write(`${r.imported} consent event(s) imported\n`);
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          for (const p of err.opts.fieldErrors ?? []) process.stderr.write(`${file}: ${p.path}: ${p.message}\n`);
          d.fail(err.publicMessage);
        }
      });
    });
}

// `bulwark withdrawal-limits list [--status S] [--limit N] [--json]`: recent withdrawal-limit requests for an
// operator — ids, state, asset and amounts only. No reasons, names or account references: nothing personal is
// decrypted, and the read is audited as the CLI's own `withdrawal_limit.list`.
import { InvalidArgumentError, type Command } from 'commander';
import { WITHDRAWAL_LIMIT_STATUSES, type WithdrawalLimitStatus } from '../../../contracts/withdrawal-limits.js';
import type { Container } from '../../container.js';
import type { ActorContext } from '../../platform/http/request-context.js';

export interface WithdrawalLimitsCliDeps {
  withContainer<T>(opts: object, fn: (c: Container) => Promise<T>): Promise<T>;
  cliActor(command: string): ActorContext;
}

const status = (v: string): WithdrawalLimitStatus => {
  if (!(WITHDRAWAL_LIMIT_STATUSES as readonly string[]).includes(v)) throw new InvalidArgumentError(`one of ${WITHDRAWAL_LIMIT_STATUSES.join(', ')}`);
  return v as WithdrawalLimitStatus;
};
const count = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError('a whole number from 1 to 1000');
  return n;
};
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** Registers the `withdrawal-limits` command group. */
export function registerWithdrawalLimitsCommands(program: Command, d: WithdrawalLimitsCliDeps): void {
  const wl = program.command('withdrawal-limits').description('withdrawal-limit requests (increases with four eyes, decreases)');
  wl.command('list')
    .description('recent requests, newest first: id, status, trader id, asset, current → requested, source (no personal data)')
    .option('--status <status>', `only this status (${WITHDRAWAL_LIMIT_STATUSES.join(', ')})`, status)
    .option('--limit <n>', 'at most this many (default 50)', count, 50)
    .option('--json', 'print JSON lines')
    .action(async (o: { status?: WithdrawalLimitStatus; limit: number; json?: boolean }) => {
      await d.withContainer({ createKeyFile: false }, async (c) => {
        const rows = await c.withdrawalLimits.listPlain(d.cliActor('withdrawal-limits.list'), { status: o.status, limit: o.limit });
        for (const r of rows) {
          const row = {
            id: r.id,
            status: r.status,
            traderId: r.trader_id,
            asset: r.asset,
            currentLimit: r.current_limit,
            requestedLimit: r.requested_limit,
            direction: r.direction,
            source: r.source,
            errorCode: r.error_code,
            createdAt: iso(r.created_at),
            decidedAt: iso(r.decided_at),
            appliedAt: iso(r.applied_at),
          };
          if (o.json) process.stdout.write(`${JSON.stringify(row)}\n`);
          else {
            const error = row.errorCode ? ` (${row.errorCode})` : '';
            process.stdout.write(`${row.id}  ${row.status.padEnd(8)}${error}  ${row.asset.padEnd(5)} ${row.currentLimit} → ${row.requestedLimit}  ${row.direction}  ${row.source}  trader ${row.traderId}  ${row.createdAt}\n`);
          }
        }
        if (!o.json) process.stderr.write(`${rows.length} request(s)\n`);
      });
    });
}

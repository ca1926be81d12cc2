// `bulwark withdrawal-limits list [--status S] [--limit N] [--json]`: recent withdrawal-limit requests for an
// operator — ids, state, asset and amounts only. No reasons, names or account references: nothing personal is
// decrypted, and the read is audited as the CLI's own `withdrawal_limit.list`.
// `bulwark withdrawal-limits trader-request --account REF --asset A --limit L --reason TEXT`: plays the exchange
// sending a trader's request (signed with EXCHANGE_WEBHOOK_SECRET) to a running Bulwark, for demos.
import { randomUUID } from 'node:crypto';
import { InvalidArgumentError, type Command } from 'commander';
import { InboundWithdrawalLimitRequest, WITHDRAWAL_LIMIT_STATUSES, type WithdrawalLimitStatus } from '../../../contracts/withdrawal-limits.js';
import { ConfigError, loadConfig } from '../../config/config.js';
import type { Container } from '../../container.js';
import type { ActorContext } from '../../platform/http/request-context.js';
import { sendTraderLimitRequest } from './withdrawal-limits.sender.js';

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

  wl.command('trader-request')
    .description("send a trader's request for a higher limit as the exchange would (signed with EXCHANGE_WEBHOOK_SECRET) to a running Bulwark")
    .requiredOption('--account <ref>', "the trader's account reference at the exchange")
    .requiredOption('--asset <code>', 'the asset, e.g. BTC')
    .requiredOption('--limit <amount>', 'the daily limit asked for')
    .requiredOption('--reason <text>', "the trader's reason (at least 5 characters)")
    .option('--request-id <id>', "the exchange's request id (default: a new one; the same id is answered the same)")
    .option('--url <url>', "Bulwark's base URL (default PUBLIC_URL)")
    .action(async (o: { account: string; asset: string; limit: string; reason: string; requestId?: string; url?: string }) => {
      const cfg = (() => {
        try {
          return loadConfig();
        } catch (err) {
          if (err instanceof ConfigError) throw new Error(err.message, { cause: err });
          throw err;
        }
      })();
      if (!cfg.exchangeWebhookSecret) throw new Error('EXCHANGE_WEBHOOK_SECRET is not set');
      const requestId = o.requestId ?? `cli-${randomUUID()}`;
      const body = InboundWithdrawalLimitRequest.safeParse({ requestId, accountRef: o.account, asset: o.asset, dailyLimit: o.limit, reason: o.reason });
      if (!body.success) throw new Error(`invalid request: ${body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const r = await sendTraderLimitRequest(o.url ?? cfg.publicUrl, cfg.exchangeWebhookSecret, body.data);
      process.stdout.write(`request ${r.id}: ${r.status}\n`);
    });
}

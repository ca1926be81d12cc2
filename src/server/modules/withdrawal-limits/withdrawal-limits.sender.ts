// The exchange's side of a trader's withdrawal-limit request: signs the body (X-Bulwark-Timestamp and
// X-Bulwark-Signature over "<timestamp>.<raw body>") and posts it to Bulwark's inbound endpoint. What a real exchange
// implements; used by `bulwark withdrawal-limits trader-request` (demos) and the tests.
import { randomUUID } from 'node:crypto';
import { InboundWithdrawalLimitAnswer, type InboundWithdrawalLimitRequest } from '../../../contracts/withdrawal-limits.js';
import { signInbound, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../support/index.js';

export const INBOUND_PATH = '/api/v1/exchange/inbound/withdrawal-limit-requests';

/** Sends one trader request (a fresh request id unless given); resolves with Bulwark's answer or rejects with its status and problem code. */
export async function sendTraderLimitRequest(
  baseUrl: string,
  secret: string,
  body: Omit<InboundWithdrawalLimitRequest, 'requestId'> & { requestId?: string },
  o: { now?: () => number } = {},
): Promise<InboundWithdrawalLimitAnswer> {
  const raw = JSON.stringify({ requestId: body.requestId ?? `sim-${randomUUID()}`, accountRef: body.accountRef, asset: body.asset, dailyLimit: body.dailyLimit, reason: body.reason });
  const ts = Math.floor((o.now?.() ?? Date.now()) / 1000);
  const res = await fetch(new URL(INBOUND_PATH, baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', [TIMESTAMP_HEADER]: String(ts), [SIGNATURE_HEADER]: signInbound(secret, ts, raw) },
    body: raw,
  });
  const json = (await res.json().catch(() => null)) as { code?: string } | null;
  if (res.status !== 202) throw new Error(`Bulwark answered ${res.status}${json?.code ? ` ${json.code}` : ''}`);
  const parsed = InboundWithdrawalLimitAnswer.safeParse(json);
  if (!parsed.success) throw new Error('Bulwark answered outside the contract');
  return parsed.data;
}

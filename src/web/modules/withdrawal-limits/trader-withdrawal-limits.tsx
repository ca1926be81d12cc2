// The trader profile's withdrawal-limit panel: the daily limits at the exchange now, a request for a higher limit
// (withdrawal_limit.request: support seniors and compliance; a compliance senior approves it on the Withdrawal
// limits page), a decrease applied at once (withdrawal_limit.decrease: compliance, with a risk reason), and the
// trader's recent requests. Rendered only for members holding one of those permissions.
import { Fragment, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { isApiError } from '../../api.js';
import { FormField } from '../../components/form-field.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { useSignedIn } from '../auth/require-session.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { useCan } from '../roles/roles.api.js';
import { WithdrawalLimitTable } from './withdrawal-limit-table.js';
import { useChangeLimit, useTraderWithdrawalLimits } from './withdrawal-limits.api.js';

const EXCHANGE_ERRORS: Record<string, string> = {
  exchange_not_connected: 'The exchange is not connected.',
  exchange_unavailable: 'The exchange is unavailable right now.',
  exchange_rejected: 'The exchange refused the request.',
  not_found: 'The exchange does not know this account.',
};

export function TraderWithdrawalLimits({ traderId }: { traderId: string }) {
  const canRequest = useCan('withdrawal_limit.request');
  const canDecrease = useCan('withdrawal_limit.decrease');
  const canDecide = useCan('withdrawal_limit.approve');
  const me = useSignedIn();
  const data = useTraderWithdrawalLimits(traderId, canRequest);
  if (!canRequest) return null;
  const assets = data.data?.limits.map((l) => l.asset) ?? [];
  return (
    <section className="panel" aria-labelledby="trader-withdrawal-limits-title" data-testid="trader-withdrawal-limits">
      <div className="panel-head">
        <h2 id="trader-withdrawal-limits-title" className="panel-title">
          Withdrawal limits
        </h2>
        <Link className="button button-small" to="/withdrawal-limits">
          All requests
        </Link>
      </div>
      {!data.data ? (
        <QueryFallback query={data} />
      ) : (
        <>
          {data.data.exchangeError ? (
            <p className="muted" role="status">
              Current limits unknown: {EXCHANGE_ERRORS[data.data.exchangeError] ?? data.data.exchangeError}
            </p>
          ) : (
            <dl className="facts" data-testid="current-limits">
              {data.data.limits.map((l) => (
                <Fragment key={l.asset}>
                  <dt className="mono">{l.asset}</dt>
                  <dd className="mono" data-asset={l.asset}>
                    {l.dailyLimit} / day
                  </dd>
                </Fragment>
              ))}
            </dl>
          )}
          <div className="form-grid">
            <ChangeForm traderId={traderId} kind="request" assets={assets} />
            {canDecrease ? <ChangeForm traderId={traderId} kind="decrease" assets={assets} /> : null}
          </div>
          <h3 className="subsection-title">Recent requests</h3>
          <WithdrawalLimitTable requests={data.data.requests} me={me.staffId} canDecide={canDecide} showTrader={false} />
        </>
      )}
    </section>
  );
}

const COPY = {
  request: {
    title: 'Request a higher limit',
    hint: 'Set at the exchange only once a compliance senior approves it.',
    button: 'Request increase',
    busy: 'Requesting…',
    reasonHint: 'Why the trader needs it (ticket, source of funds). Kept encrypted; shown to compliance.',
  },
  decrease: {
    title: 'Decrease now',
    hint: 'Applied at the exchange at once. Only below the current limit: raising needs four eyes.',
    button: 'Decrease now',
    busy: 'Decreasing…',
    reasonHint: 'The risk reason. Kept encrypted; not shown to support.',
  },
} as const;

function ChangeForm({ traderId, kind, assets }: { traderId: string; kind: 'request' | 'decrease'; assets: string[] }) {
  const change = useChangeLimit(traderId, kind);
  const [done, setDone] = useState<string | null>(null);
  const [reasonError, setReasonError] = useState<string | undefined>();
  const copy = COPY[kind];

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const reason = String(f.get('reason') ?? '').trim();
    if (reason.length < 5) {
      setReasonError('Give a reason (at least 5 characters).');
      return;
    }
    setReasonError(undefined);
    setDone(null);
    change.mutate(
      { asset: String(f.get('asset') ?? ''), dailyLimit: String(f.get('dailyLimit') ?? '').trim(), reason },
      {
        onSuccess: (r) => {
          setDone(kind === 'request' ? `Requested: ${r.asset} ${r.currentLimit} → ${r.requestedLimit}, waiting for a compliance senior.` : `Applied: ${r.asset} is now ${r.requestedLimit} / day.`);
          form.reset();
        },
      },
    );
  };

  return (
    <form className="form" onSubmit={onSubmit} aria-label={copy.title} data-testid={`withdrawal-limit-${kind}-form`}>
      <h3 className="subsection-title">{copy.title}</h3>
      <p className="field-hint">{copy.hint}</p>
      <label className="field">
        <span className="field-label">Asset</span>
        <select className="input" name="asset" required>
          {assets.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </label>
      <FormField label="New daily limit" name="dailyLimit" inputMode="decimal" required pattern="\d{1,18}(\.\d{1,8})?" placeholder="5" />
      <FormField label="Reason" name="reason" required maxLength={1000} error={reasonError} hint={copy.reasonHint} />
      <button type="submit" className={kind === 'request' ? 'button button-primary' : 'button'} disabled={change.isPending || assets.length === 0}>
        {change.isPending ? copy.busy : copy.button}
      </button>
      {isApiError(change.error) ? <ProblemAlert error={change.error} /> : null}
      {done ? (
        <p className="alert alert-success" role="status" data-testid={`withdrawal-limit-${kind}-done`}>
          {done}
        </p>
      ) : null}
    </form>
  );
}

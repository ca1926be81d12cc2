// One exchange section of a trader's profile: a titled panel with a table, a visible "stale since …" badge when
// the exchange is down and this is its last good answer, a clear "exchange not connected" state, and (for
// members who may contain incidents) freeze / unfreeze / end sessions / revoke-key buttons behind a reason
// dialog. The server masks per role and enforces everything; hiding a button here is never the guard.
import { useState, type ReactNode } from 'react';
import { isApiError } from '../../api.js';
import { formatUtc } from '../../components/format.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import type { AnySectionAnswer, ExchangeSection as Section } from '../../../contracts/exchange.js';
import { useCan } from '../roles/roles.api.js';
import { ReasonDialog } from '../staff/reason-dialog.js';
import { useContainment, useExchangeSection, type ContainmentAction } from './exchange.api.js';

const TITLES: Record<Section, string> = {
  security: 'Security (exchange)',
  apiKeys: 'API keys',
  balances: 'Balances',
  orders: 'Open orders',
  trades: 'Recent trades',
  transfers: 'Deposits and withdrawals',
};

// Columns per section: [field, header]. Fields the member may not see are simply absent from the rows.
const COLUMNS: Record<Section, [string, string][]> = {
  balances: [['asset', 'Asset'], ['available', 'Available'], ['locked', 'Locked']],
  orders: [['createdAt', 'Placed'], ['market', 'Market'], ['side', 'Side'], ['type', 'Type'], ['price', 'Price'], ['quantity', 'Quantity'], ['filled', 'Filled'], ['status', 'Status']],
  trades: [['executedAt', 'Executed'], ['market', 'Market'], ['side', 'Side'], ['price', 'Price'], ['quantity', 'Quantity'], ['fee', 'Fee'], ['feeAsset', 'Fee asset']],
  transfers: [['at', 'Time'], ['direction', 'Direction'], ['asset', 'Asset'], ['amount', 'Amount'], ['network', 'Network'], ['address', 'Address'], ['status', 'Status']],
  apiKeys: [['label', 'Label'], ['keyId', 'Key id'], ['last4', 'Ends in'], ['permissions', 'Permissions'], ['ipWhitelist', 'IP whitelist'], ['createdAt', 'Created'], ['lastUsedAt', 'Last used']],
  security: [['occurredAt', 'Time'], ['kind', 'Event'], ['ip', 'IP'], ['country', 'Country'], ['detail', 'Detail']],
};

const TIME_FIELDS = new Set(['createdAt', 'executedAt', 'at', 'occurredAt', 'lastUsedAt', 'addedAt']);

function cell(field: string, v: unknown): ReactNode {
  if (v === undefined) return <span className="muted">hidden</span>;
  if (v === null) return <span className="muted">—</span>;
  if (Array.isArray(v)) return v.length ? v.join(', ') : <span className="muted">none</span>;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (TIME_FIELDS.has(field) && typeof v === 'string') return <span className="mono nowrap">{formatUtc(v)}</span>;
  return String(v);
}

/** The exchange section `section` of trader `traderId` (see the file comment). */
export function ExchangeSection({ traderId, section, canContain }: { traderId: string; section: Section; canContain?: boolean }) {
  const canContainByGrant = useCan('incident.manage');
  // The server decides (incident.manage, step-up, reason); this only spares a member buttons that would be refused.
  const mayContain = canContain ?? canContainByGrant;
  const q = useExchangeSection(traderId, section);
  const titleId = `exchange-${section}-${traderId}`;
  return (
    <section className="panel" aria-labelledby={titleId} data-testid={`exchange-${section}`}>
      <div className="panel-head">
        <h2 id={titleId} className="panel-title">
          {TITLES[section]}
        </h2>
        {q.data ? <Freshness answer={q.data} /> : null}
      </div>
      {q.error ? <SectionProblem error={q.error} /> : null}
      {!q.data && !q.error ? (
        <p className="muted" role="status">
          Loading from the exchange…
        </p>
      ) : null}
      {q.data && section === 'security' && 'settings' in q.data ? <SecuritySettings settings={q.data.settings} /> : null}
      {q.data ? <Rows traderId={traderId} section={section} answer={q.data} mayContain={mayContain} /> : null}
      {mayContain && section === 'security' && q.data && 'settings' in q.data ? <AccountActions traderId={traderId} frozen={q.data.settings.frozen} /> : null}
    </section>
  );
}

function Freshness({ answer }: { answer: AnySectionAnswer }) {
  return answer.stale ? (
    <span className="badge badge-warning" data-testid="stale-badge" title="The exchange is not answering: this is its last good answer">
      stale since {formatUtc(answer.fetchedAt)}
    </span>
  ) : (
    <span className="muted small">as of {formatUtc(answer.fetchedAt)}</span>
  );
}

function SectionProblem({ error }: { error: unknown }) {
  if (isApiError(error) && error.code === 'exchange_not_connected') {
    return (
      <div className="alert alert-info" data-testid="exchange-not-connected">
        <p className="alert-title">Exchange not connected</p>
        <p className="alert-detail">An administrator connects the trading engine under Settings → Exchange connection.</p>
      </div>
    );
  }
  if (isApiError(error) && error.code === 'exchange_unavailable') {
    return (
      <div className="alert alert-warning" data-testid="exchange-unavailable">
        <p className="alert-title">Exchange unavailable</p>
        <p className="alert-detail">The exchange is not answering and there is no earlier answer to show. Try again later.</p>
      </div>
    );
  }
  return <ProblemAlert error={isApiError(error) ? error : null} />;
}

function SecuritySettings({ settings }: { settings: Extract<AnySectionAnswer, { settings: unknown }>['settings'] }) {
  return (
    <dl className="facts facts-inline" data-testid="security-settings">
      <dt>2FA</dt>
      <dd>{cell('twoFactorEnabled', settings.twoFactorEnabled)}</dd>
      <dt>Anti-phishing code set</dt>
      <dd>{cell('antiPhishingCodeSet', settings.antiPhishingCodeSet)}</dd>
      <dt>Withdrawal whitelist</dt>
      <dd>{settings.whitelist === undefined ? cell('whitelist', undefined) : settings.whitelist.length ? settings.whitelist.map((w) => `${w.asset} ${w.address} (${w.label})`).join('; ') : 'none'}</dd>
      <dt>Frozen at the exchange</dt>
      <dd data-testid="frozen">{cell('frozen', settings.frozen)}</dd>
    </dl>
  );
}

function Rows({ traderId, section, answer, mayContain }: { traderId: string; section: Section; answer: AnySectionAnswer; mayContain: boolean }) {
  const cols = COLUMNS[section];
  const rows = answer.rows as Record<string, unknown>[];
  const revoke = mayContain && section === 'apiKeys';
  if (rows.length === 0) return <p className="muted">Nothing reported.</p>;
  return (
    <div className="table-scroll">
      <table className="table">
        <thead>
          <tr>
            {cols.map(([f, h]) => (
              <th key={f} scope="col">
                {h}
              </th>
            ))}
            {revoke ? <th scope="col">Action</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              {cols.map(([f]) => (
                <td key={f}>{cell(f, r[f])}</td>
              ))}
              {revoke && typeof r.keyId === 'string' ? (
                <td>
                  <ContainButton traderId={traderId} action={{ revoke: r.keyId }} label="Revoke" title={`Revoke API key “${String(r.label ?? r.keyId)}”?`} />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AccountActions({ traderId, frozen }: { traderId: string; frozen: boolean | undefined }) {
  return (
    <div className="panel-head-actions" data-testid="containment">
      {frozen ? (
        <ContainButton traderId={traderId} action="unfreeze" label="Unfreeze account" title="Unfreeze the account at the exchange?" />
      ) : (
        <ContainButton traderId={traderId} action="freeze" label="Freeze account" title="Freeze the account at the exchange?" danger />
      )}
      <ContainButton traderId={traderId} action="end-sessions" label="End sessions" title="End every session of this account at the exchange?" />
    </div>
  );
}

function ContainButton({ traderId, action, label, title, danger }: { traderId: string; action: ContainmentAction; label: string; title: string; danger?: boolean }) {
  const [open, setOpen] = useState(false);
  const m = useContainment(traderId);
  return (
    <>
      <button
        type="button"
        className={danger ? 'button button-danger button-small' : 'button button-small'}
        onClick={() => {
          m.reset();
          setOpen(true);
        }}
      >
        {label}
      </button>
      <ReasonDialog
        open={open}
        title={title}
        confirmLabel={label}
        required
        busy={m.isPending}
        error={m.error}
        onCancel={() => setOpen(false)}
        onConfirm={(reason) => m.mutate({ action, reason }, { onSuccess: () => setOpen(false) })}
      >
        <p>This acts on the trader’s account at the exchange now. It is recorded in the audit log with your reason, and needs a fresh confirmation with your second factor.</p>
      </ReasonDialog>
    </>
  );
}

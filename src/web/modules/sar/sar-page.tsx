// /sars/:id — the SAR editor: the subject snapshot (read-only, as drafted), the activity summary, narrative, reason
// for suspicion, action and indicators (editable while open; saving a report that is ready sends it back to draft),
// the transactions, the deadline countdown, the downloads (goAML XML, PDF: each audited), filing with the FIU's
// reference (sar.file, step-up, not by the drafter or the reviewer), withdrawal, and the history.
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { MAX_NARRATIVE, MAX_SHORT_TEXT, type SarView } from '../../../contracts/sar.js';
import { isApiError } from '../../api.js';
import { formatUtc } from '../../components/format.js';
import { usePageTitle } from '../../components/page-title.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { goamlUrl, pdfUrl, useSar, useSarAccess, useSarActions, useSarSettings } from './sar.api.js';
import { Deadline, SarStatusBadge } from './sar-labels.js';

const errorOf = (e: unknown) => (isApiError(e) ? e : null);

const HISTORY_LABELS: Record<string, string> = {
  created: 'Drafted',
  edited: 'Edited',
  ready: 'Marked ready for review',
  reopened: 'Back to draft (edited after review)',
  exported_goaml: 'goAML XML downloaded',
  exported_pdf: 'PDF downloaded',
  filed: 'Filed with the FIU',
  withdrawn: 'Withdrawn',
};

function Subjects({ v }: { v: SarView }) {
  return (
    <section className="panel" aria-labelledby="sar-subjects-title">
      <h2 id="sar-subjects-title" className="panel-title">
        Subjects <span className="muted">(snapshot taken when the report was drafted)</span>
      </h2>
      {v.subjects.map((s) => (
        <dl className="facts" key={s.traderId} data-testid="sar-subject">
          <dt>Account</dt>
          <dd className="mono">
            <Link to={`/traders/${s.traderId}`}>{s.accountRef}</Link> ({s.kind})
          </dd>
          {s.erased ? (
            <>
              <dt>Personal data</dt>
              <dd className="muted">erased before the report was drafted</dd>
            </>
          ) : (
            <>
              <dt>Name</dt>
              <dd>{s.legalName}</dd>
              <dt>Date of birth</dt>
              <dd>{s.dateOfBirth ?? '—'}</dd>
              <dt>Country</dt>
              <dd>{s.country}</dd>
              {s.wallets.length ? (
                <>
                  <dt>Wallets</dt>
                  <dd className="mono">
                    {s.wallets.map((w) => (
                      <div key={`${w.chain}:${w.address}`}>
                        {w.chain}: {w.address}
                      </div>
                    ))}
                  </dd>
                </>
              ) : null}
              {s.persons.map((p, i) => (
                <span key={i} style={{ display: 'contents' }}>
                  <dt>{p.role === 'ubo' ? 'UBO' : 'Director'}</dt>
                  <dd>
                    {p.name}
                    {p.dateOfBirth ? `, born ${p.dateOfBirth}` : ''}
                    {p.nationality ? `, ${p.nationality}` : ''}
                    {p.ownershipPct ? `, ${p.ownershipPct} %` : ''}
                  </dd>
                </span>
              ))}
            </>
          )}
        </dl>
      ))}
    </section>
  );
}

function Editor({ v, act }: { v: SarView; act: ReturnType<typeof useSarActions> }) {
  const [narrative, setNarrative] = useState(v.narrative);
  const [reason, setReason] = useState(v.reasonForSuspicion);
  const [action, setAction] = useState(v.action);
  const [indicators, setIndicators] = useState(v.indicators.join(', '));
  // A newer version from the server (someone else's save, or ours) replaces the form's content.
  useEffect(() => {
    setNarrative(v.narrative);
    setReason(v.reasonForSuspicion);
    setAction(v.action);
    setIndicators(v.indicators.join(', '));
  }, [v.version, v.narrative, v.reasonForSuspicion, v.action, v.indicators]);
  const dirty = narrative !== v.narrative || reason !== v.reasonForSuspicion || action !== v.action || indicators !== v.indicators.join(', ');
  const onSave = (e: FormEvent) => {
    e.preventDefault();
    act.save.mutate({
      version: v.version,
      narrative,
      reasonForSuspicion: reason,
      action,
      indicators: indicators
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    });
  };
  const ro = !v.can.edit;
  return (
    <section className="panel" aria-labelledby="sar-text-title">
      <h2 id="sar-text-title" className="panel-title">
        Report
      </h2>
      <form className="form" onSubmit={onSave} aria-label="Edit the report">
        <label className="field">
          <span className="field-label">Reason for suspicion</span>
          <textarea className="input textarea" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={MAX_SHORT_TEXT} readOnly={ro} />
        </label>
        <label className="field">
          <span className="field-label">Narrative</span>
          <textarea className="input textarea" rows={10} value={narrative} onChange={(e) => setNarrative(e.target.value)} maxLength={MAX_NARRATIVE} readOnly={ro} />
        </label>
        <label className="field">
          <span className="field-label">Action taken</span>
          <textarea className="input textarea" value={action} onChange={(e) => setAction(e.target.value)} maxLength={MAX_SHORT_TEXT} readOnly={ro} />
        </label>
        <label className="field">
          <span className="field-label">Indicators (FIU codes, comma-separated)</span>
          <input className="input mono" value={indicators} onChange={(e) => setIndicators(e.target.value)} readOnly={ro} />
        </label>
        <ProblemAlert error={errorOf(act.save.error) ?? errorOf(act.ready.error)} />
        {v.can.edit ? (
          <div className="actions">
            <button type="submit" className="button" disabled={!dirty || act.save.isPending}>
              Save
            </button>
            {v.can.markReady ? (
              <button type="button" className="button button-primary" disabled={dirty || act.ready.isPending} onClick={() => act.ready.mutate(v.version)} title={dirty ? 'Save first' : undefined}>
                Mark ready for review
              </button>
            ) : null}
          </div>
        ) : null}
        {v.sar.status === 'ready_for_review' && v.can.edit ? <p className="muted">Saving a change sends the report back to draft: it must be reviewed again.</p> : null}
      </form>
    </section>
  );
}

function Filing({ v, act }: { v: SarView; act: ReturnType<typeof useSarActions> }) {
  const [fiuReference, setFiuReference] = useState('');
  const [withdrawReason, setWithdrawReason] = useState('');
  if (!v.can.file && !v.can.withdraw) return null;
  return (
    <section className="panel" aria-labelledby="sar-file-title">
      <h2 id="sar-file-title" className="panel-title">
        Filing
      </h2>
      {v.can.file ? (
        <form
          className="form"
          aria-label="File the report"
          onSubmit={(e) => {
            e.preventDefault();
            act.file.mutate({ version: v.version, fiuReference: fiuReference.trim() });
          }}
        >
          <p className="muted">Submit the goAML file to the FIU first, then record the acknowledgement number it gave you.</p>
          <label className="field">
            <span className="field-label">FIU reference</span>
            <input className="input mono" value={fiuReference} onChange={(e) => setFiuReference(e.target.value)} maxLength={64} pattern="[A-Za-z0-9][A-Za-z0-9/._\-]*" required />
          </label>
          <ProblemAlert error={errorOf(act.file.error)} />
          <div className="actions">
            <button type="submit" className="button button-primary" disabled={act.file.isPending}>
              Record as filed
            </button>
          </div>
        </form>
      ) : v.sar.status === 'ready_for_review' ? (
        <p className="muted">Another member with the filing permission files this report (you drafted it or marked it ready).</p>
      ) : null}
      {v.can.withdraw ? (
        <details>
          <summary>Withdraw the report</summary>
          <form
            className="form"
            aria-label="Withdraw the report"
            onSubmit={(e) => {
              e.preventDefault();
              act.withdraw.mutate({ version: v.version, reason: withdrawReason });
            }}
          >
            <label className="field">
              <span className="field-label">Reason (stored encrypted)</span>
              <textarea className="input textarea" value={withdrawReason} onChange={(e) => setWithdrawReason(e.target.value)} minLength={5} maxLength={MAX_SHORT_TEXT} required />
            </label>
            <ProblemAlert error={errorOf(act.withdraw.error)} />
            <div className="actions">
              <button type="submit" className="button" disabled={act.withdraw.isPending}>
                Withdraw
              </button>
            </div>
          </form>
        </details>
      ) : null}
    </section>
  );
}

function Transactions({ v }: { v: SarView }) {
  return (
    <section className="panel" aria-labelledby="sar-tx-title">
      <h2 id="sar-tx-title" className="panel-title">
        Transactions ({v.transactions.length})
      </h2>
      <div className="table-scroll">
        <table className="table table-dense" data-testid="sar-transactions">
          <thead>
            <tr>
              <th scope="col">Date (UTC)</th>
              <th scope="col">Account</th>
              <th scope="col">Type</th>
              <th scope="col">Amount</th>
              <th scope="col">USD</th>
              <th scope="col">Counterparty</th>
              <th scope="col">Chain / tx hash</th>
            </tr>
          </thead>
          <tbody>
            {v.transactions.length === 0 ? (
              <tr>
                <td colSpan={7} className="table-empty">
                  No transactions linked to the case.
                </td>
              </tr>
            ) : (
              v.transactions.map((t) => (
                <tr key={t.eventId}>
                  <td className="nowrap">{formatUtc(t.occurredAt)}</td>
                  <td className="mono">{t.accountRef}</td>
                  <td>
                    {t.type} {t.type === 'trade' ? t.detail : t.direction}
                  </td>
                  <td className="mono nowrap">
                    {t.amount ?? '—'} {t.asset}
                  </td>
                  <td className="mono">{t.amountUsd === null ? '—' : t.amountUsd.toFixed(2)}</td>
                  <td className="mono">{t.counterparty ?? '—'}</td>
                  <td className="mono">{[t.chain, t.txHash].filter(Boolean).join(' · ') || '—'}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function SarPage() {
  const { id = '' } = useParams();
  const access = useSarAccess();
  // No request at all without sar.read (tipping-off): the page does not even ask whether the report exists.
  const sar = useSar(id, access.read);
  const act = useSarActions(id);
  const settings = useSarSettings(access.read);
  usePageTitle(sar.data ? sar.data.sar.reference : 'Suspicious-activity report');
  if (access.known && !access.read) return <p className="muted">Your roles do not include this page.</p>;
  if (!sar.data) return <QueryFallback query={sar} />;
  const v = sar.data;
  return (
    <div className="page-wide">
      <div className="page-header">
        <h1 className="page-title">
          <span className="mono">{v.sar.reference}</span> <SarStatusBadge status={v.sar.status} />
        </h1>
        <div className="actions">
          {v.can.export && settings.data?.configured ? (
            <a className="button" href={goamlUrl(v.sar.id)} download>
              Download goAML XML
            </a>
          ) : v.can.export && settings.data ? (
            <Link className="button" to="/sars/settings" title="The reporting entity's FIU registration is not configured yet">
              Configure goAML export
            </Link>
          ) : null}
          <a className="button" href={pdfUrl(v.sar.id)} download>
            Download PDF
          </a>
          <Link className="button" to="/sars">
            All reports
          </Link>
        </div>
      </div>
      <p className="alert alert-warning" role="note">
        Confidential: the existence of this report must never be disclosed to the subject or to trader-facing staff.
      </p>
      <section className="panel" aria-labelledby="sar-summary-title">
        <h2 id="sar-summary-title" className="panel-title">
          Summary
        </h2>
        <dl className="facts">
          <dt>Case</dt>
          <dd className="mono">
            <Link to={`/cases/${v.sar.caseId}`}>{v.sar.caseReference}</Link>
          </dd>
          <dt>Detected</dt>
          <dd>{formatUtc(v.sar.detectedAt)} UTC</dd>
          <dt>Filing deadline</dt>
          <dd data-testid="sar-deadline">
            <Deadline dueAt={v.sar.dueAt} daysLeft={v.sar.daysLeft} overdue={v.sar.overdue} />
          </dd>
          <dt>Drafted by</dt>
          <dd>{v.createdByName ?? '—'}</dd>
          {v.readyByName ? (
            <>
              <dt>Marked ready by</dt>
              <dd>{v.readyByName}</dd>
            </>
          ) : null}
          {v.sar.filedAt ? (
            <>
              <dt>Filed</dt>
              <dd>
                {formatUtc(v.sar.filedAt)} UTC by {v.filedByName ?? '—'}, FIU reference <span className="mono">{v.sar.fiuReference}</span>
              </dd>
            </>
          ) : null}
        </dl>
        <h3 className="subsection-title">Activity summary</h3>
        <p data-testid="sar-activity">{v.activity.text}</p>
      </section>
      <Editor v={v} act={act} />
      <Filing v={v} act={act} />
      <Subjects v={v} />
      <Transactions v={v} />
      <section className="panel" aria-labelledby="sar-history-title">
        <h2 id="sar-history-title" className="panel-title">
          History
        </h2>
        <ol className="plain-list">
          {v.history.map((h, i) => (
            <li key={i}>
              <span className="nowrap">{formatUtc(h.at)} UTC</span> — {HISTORY_LABELS[h.kind] ?? h.kind}
              {h.fields.length ? ` (${h.fields.join(', ')})` : ''} by {h.actorName ?? 'Bulwark'}
              {h.reason ? `: ${h.reason}` : ''}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

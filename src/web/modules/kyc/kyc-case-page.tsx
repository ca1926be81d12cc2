// /kyc/cases/:id — the review screen: state, risk, SLA and assignee; what is missing; the documents with the
// watermarked viewer (the server renders each document into a PDF stamped with the viewer's name and the time;
// roles without kyc.document.read see the list only); uploads; the questionnaire; the risk rating with every
// factor and its points; the EDD checklist; the provider's result; the decision with a reason; the history.
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ACTIVITIES, DOCUMENT_TYPES, PRODUCTS, VOLUME_BANDS, type CaseView, type KycProfile } from '../../../contracts/kyc.js';
import { isApiError, type ApiError } from '../../api.js';
import { formatBytes, formatUtc } from '../../components/format.js';
import { usePageTitle } from '../../components/page-title.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { useMe } from '../auth/session.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { DOC_LABELS, RiskBadge, SlaCell, StateBadge } from './kyc-labels.js';
import { useCase, useCaseAction, viewUrl } from './kyc.api.js';

const errorOf = (e: unknown): ApiError | null => (isApiError(e) ? e : null);

export function KycCasePage() {
  const { id = '' } = useParams();
  const c = useCase(id);
  usePageTitle(c.data ? `${c.data.case.accountRef} · KYC` : 'KYC');
  if (!c.data) {
    return (
      <div className="page-wide">
        <QueryFallback query={c} />
      </div>
    );
  }
  return <CaseDetail view={c.data} />;
}

function CaseDetail({ view }: { view: CaseView }) {
  const c = view.case;
  const act = useCaseAction(c.id);
  const busy = act.take.isPending || act.submit.isPending || act.assign.isPending;
  const me = useMe().data?.staffId;
  const open = c.state !== 'approved' && c.state !== 'rejected';
  return (
    <div className="page-wide" data-testid="kyc-case">
      <p className="breadcrumb">
        <Link to="/kyc">KYC</Link> / {c.accountRef}
      </p>
      <div className="page-header">
        <h1 className="page-title">
          {c.kind === 'business' ? 'KYB' : 'KYC'} case · <span className="mono">{c.accountRef}</span>
        </h1>
        <span data-testid="case-state">
          <StateBadge state={c.state} />
        </span>
      </div>
      <section className="panel" aria-label="Case">
        <dl className="facts facts-inline">
          <dt>Purpose</dt>
          <dd>{c.purpose === 'refresh' ? 'periodic refresh' : c.purpose}</dd>
          <dt>Risk</dt>
          <dd>
            <RiskBadge risk={c.risk} />
          </dd>
          <dt>Priority</dt>
          <dd>{c.priority}</dd>
          <dt>Due (UTC)</dt>
          <dd>
            <SlaCell c={c} />
          </dd>
          <dt>Assignee</dt>
          <dd data-testid="assignee">{c.assigneeName ?? 'unassigned'}</dd>
          {view.nextReviewAt ? (
            <>
              <dt>Next review</dt>
              <dd>{formatUtc(view.nextReviewAt)}</dd>
            </>
          ) : null}
        </dl>
        <p className="small">
          <Link to={`/traders/${c.traderId}`}>Trader profile</Link>{' '}
          {view.can.review && c.state === 'submitted' ? (
            <button type="button" className="button button-primary button-small" disabled={busy} onClick={() => act.take.mutate()}>
              Take for review
            </button>
          ) : null}{' '}
          {view.can.submit ? (
            <button type="button" className="button button-primary button-small" disabled={busy} onClick={() => act.submit.mutate()}>
              Submit for review
            </button>
          ) : null}{' '}
          {view.can.review && open && c.state !== 'submitted' && me && c.assigneeId !== me ? (
            <button type="button" className="button button-small" disabled={busy} onClick={() => act.assign.mutate(me)}>
              Assign to me
            </button>
          ) : null}{' '}
          {view.can.review && open && c.assigneeId ? (
            <button type="button" className="button button-small" disabled={busy} onClick={() => act.assign.mutate(null)}>
              Unassign
            </button>
          ) : null}
        </p>
        <ProblemAlert error={errorOf(act.take.error) ?? errorOf(act.submit.error) ?? errorOf(act.assign.error)} />
        {view.missing.length ? (
          <div className="alert alert-warning" role="status">
            <p className="alert-title">Still missing</p>
            <ul className="small">
              {view.missing.map((m) => (
                <li key={m}>{DOC_LABELS[m] ?? m.replace(/_/g, ' ')}</li>
              ))}
            </ul>
          </div>
        ) : null}
      </section>
      {view.persons.length ? <Persons view={view} /> : null}
      <Documents view={view} />
      <Questionnaire view={view} />
      <RiskPanel view={view} />
      {view.edd.required ? <EddPanel view={view} /> : null}
      {view.provider ? <ProviderPanel view={view} /> : null}
      {view.can.decide || view.pendingApprovalId ? <DecisionPanel view={view} /> : null}
      <History view={view} />
    </div>
  );
}

function Persons({ view }: { view: CaseView }) {
  return (
    <section className="panel" aria-labelledby="persons-title">
      <h2 id="persons-title" className="panel-title">
        Directors and ultimate beneficial owners
      </h2>
      <p className="small muted">Names are on the trader profile (identity fields, per your roles). Each owner of 25 % or more needs a UBO declaration.</p>
      <table className="table table-dense" data-testid="kyc-persons">
        <thead>
          <tr>
            <th scope="col">Person</th>
            <th scope="col">Role</th>
            <th scope="col">Ownership</th>
            <th scope="col">Declaration on file</th>
          </tr>
        </thead>
        <tbody>
          {view.persons.map((p, i) => (
            <tr key={p.id}>
              <td>{i + 1}</td>
              <td>{p.role === 'ubo' ? 'UBO' : 'director'}</td>
              <td>{p.ownershipPct === null ? '—' : `${p.ownershipPct} %`}</td>
              <td>{p.declared ? 'yes' : p.role === 'ubo' && (p.ownershipPct ?? 0) >= 25 ? <span className="badge badge-warning">missing</span> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Documents({ view }: { view: CaseView }) {
  const c = view.case;
  const [shown, setShown] = useState<string | null>(null);
  const act = useCaseAction(c.id);
  const canUpload = view.can.submit || (view.can.review && c.state === 'in_review' && view.edd.required);
  const onUpload = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    act.upload.mutate(new FormData(form), { onSuccess: () => form.reset() });
  };
  const uploadTypes = view.can.submit ? DOCUMENT_TYPES : (['source_of_funds', 'source_of_wealth'] as const);
  return (
    <section className="panel" aria-labelledby="docs-title">
      <h2 id="docs-title" className="panel-title">
        Documents
      </h2>
      {!view.can.viewDocuments ? <p className="small muted">Your roles list documents but cannot open them.</p> : null}
      <div className="table-scroll">
        <table className="table table-dense" data-testid="kyc-documents">
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">File</th>
              <th scope="col">Size</th>
              <th scope="col">Metadata removed</th>
              <th scope="col">Uploaded (UTC)</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {view.documents.length === 0 ? (
              <tr>
                <td colSpan={6} className="table-empty">
                  No documents yet.
                </td>
              </tr>
            ) : (
              view.documents.map((d) => (
                <tr key={d.id} data-document={d.id}>
                  <td>{DOC_LABELS[d.type] ?? d.type}</td>
                  <td>{d.filename}</td>
                  <td className="nowrap">
                    {formatBytes(d.size)}
                    {d.contentType === 'application/pdf' ? `, ${d.pages} p.` : ''}
                  </td>
                  <td className="small">{d.stripped.length ? d.stripped.join(', ') : 'none found'}</td>
                  <td className="nowrap">{formatUtc(d.createdAt)}</td>
                  <td>
                    {view.can.viewDocuments ? (
                      <button type="button" className="button button-small" onClick={() => setShown(d.id)} aria-pressed={shown === d.id}>
                        View
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      {shown && view.can.viewDocuments ? (
        <div>
          <p className="small muted">Watermarked with your name and the time; every view is recorded in the audit log.</p>
          <iframe title="Document viewer" data-testid="kyc-viewer" src={viewUrl(c.id, shown)} style={{ width: '100%', height: '70vh', border: '1px solid var(--c-border)' }} />
        </div>
      ) : null}
      {canUpload ? (
        <form className="inline-form" onSubmit={onUpload} aria-label="Upload documents">
          <label className="field">
            <span className="field-label">Document type</span>
            <select className="input" name="type" defaultValue={uploadTypes[0]}>
              {uploadTypes.map((t) => (
                <option key={t} value={t}>
                  {DOC_LABELS[t]}
                </option>
              ))}
            </select>
          </label>
          {view.persons.length ? (
            <label className="field">
              <span className="field-label">About (director or UBO)</span>
              <select className="input" name="personId" defaultValue="">
                <option value="">The business itself</option>
                {view.persons.map((p, i) => (
                  <option key={p.id} value={p.id}>
                    {p.role === 'ubo' ? `UBO ${i + 1} (${p.ownershipPct ?? '?'} %)` : `Director ${i + 1}`}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <label className="field">
            <span className="field-label">Files (JPEG, PNG or PDF; up to 5, 10 MB each)</span>
            <input className="input" type="file" name="file" multiple accept=".jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf" required />
          </label>
          <button type="submit" className="button button-primary" disabled={act.upload.isPending}>
            Upload
          </button>
        </form>
      ) : null}
      {act.upload.isSuccess ? (
        <p className="small" role="status">
          Uploaded. Metadata removed: {act.upload.data.documents.flatMap((d) => d.stripped).join(', ') || 'none found'}.
        </p>
      ) : null}
      <ProblemAlert error={errorOf(act.upload.error)} />
    </section>
  );
}

function Questionnaire({ view }: { view: CaseView }) {
  const act = useCaseAction(view.case.id);
  const p = view.profile;
  if (!view.can.submit) {
    return (
      <section className="panel" aria-labelledby="q-title">
        <h2 id="q-title" className="panel-title">
          Questionnaire
        </h2>
        {p ? (
          <dl className="facts facts-inline">
            <dt>{view.case.kind === 'business' ? 'Business activity' : 'Occupation'}</dt>
            <dd>{p.activity.replace(/_/g, ' ')}</dd>
            <dt>Expected monthly volume (EUR)</dt>
            <dd>{p.expectedMonthlyVolume.replace(/_/g, ' ')}</dd>
            <dt>Products</dt>
            <dd>{p.products.join(', ') || '—'}</dd>
          </dl>
        ) : (
          <p className="muted">Not filled in.</p>
        )}
      </section>
    );
  }
  const onSave = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    act.profile.mutate({
      activity: String(f.get('activity')) as KycProfile['activity'],
      expectedMonthlyVolume: String(f.get('expectedMonthlyVolume')) as KycProfile['expectedMonthlyVolume'],
      products: f.getAll('products').map(String) as KycProfile['products'],
    });
  };
  return (
    <section className="panel" aria-labelledby="q-title">
      <h2 id="q-title" className="panel-title">
        Questionnaire
      </h2>
      <form className="inline-form" onSubmit={onSave} aria-label="Questionnaire">
        <label className="field">
          <span className="field-label">{view.case.kind === 'business' ? 'Business activity' : 'Occupation'}</span>
          <select className="input" name="activity" defaultValue={p?.activity ?? 'employee'}>
            {ACTIVITIES.map((a) => (
              <option key={a} value={a}>
                {a.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Expected monthly volume (EUR)</span>
          <select className="input" name="expectedMonthlyVolume" defaultValue={p?.expectedMonthlyVolume ?? 'under_10k'}>
            {VOLUME_BANDS.map((v) => (
              <option key={v} value={v}>
                {v.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="field checkbox-list">
          <legend className="field-label">Products</legend>
          {PRODUCTS.map((x) => (
            <label key={x}>
              <input type="checkbox" name="products" value={x} defaultChecked={p?.products.includes(x) ?? x === 'spot'} /> {x.replace(/_/g, ' ')}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="button" disabled={act.profile.isPending}>
          Save questionnaire
        </button>
      </form>
      {act.profile.isSuccess ? (
        <p className="small" role="status">
          Saved.
        </p>
      ) : null}
      <ProblemAlert error={errorOf(act.profile.error)} />
    </section>
  );
}

function RiskPanel({ view }: { view: CaseView }) {
  const r = view.risk;
  return (
    <section className="panel" aria-labelledby="risk-title">
      <h2 id="risk-title" className="panel-title">
        Risk rating
      </h2>
      {!r ? (
        <p className="muted">Rated when the case is submitted.</p>
      ) : (
        <>
          <p>
            <RiskBadge risk={r.level} /> {r.points} points · rated {formatUtc(r.ratedAt)} UTC · screening:{' '}
            <strong>{r.screening === 'clear' ? 'clear' : r.screening === 'hits' ? 'hits' : 'NOT screened'}</strong>
          </p>
          {r.screening === 'no_lists' || r.screening === 'unavailable' ? (
            <p className="alert alert-warning small" role="status">
              The trader was not screened ({r.screening === 'no_lists' ? 'no sanctions or PEP lists are loaded' : 'screening is not available'}); the rating does not treat them as clear.
            </p>
          ) : null}
          <table className="table table-dense" data-testid="risk-factors">
            <thead>
              <tr>
                <th scope="col">Factor</th>
                <th scope="col">Value</th>
                <th scope="col">Points</th>
                <th scope="col">Floor</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {r.factors.map((f, i) => (
                <tr key={i}>
                  <td>{f.factor}</td>
                  <td className="mono">{f.value}</td>
                  <td>{f.points}</td>
                  <td>{f.floor ?? '—'}</td>
                  <td className="small">{f.note}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

const EDD_LABELS: Record<string, string> = { source_of_funds: 'Source of funds', source_of_wealth: 'Source of wealth', senior_signoff: 'Senior sign-off (four eyes)' };

function EddPanel({ view }: { view: CaseView }) {
  const act = useCaseAction(view.case.id);
  const open = view.case.state !== 'approved' && view.case.state !== 'rejected';
  return (
    <section className="panel" aria-labelledby="edd-title">
      <h2 id="edd-title" className="panel-title">
        Enhanced due diligence
      </h2>
      <ul className="small" data-testid="edd">
        {view.edd.items.map((i) => (
          <li key={i.item}>
            {i.done ? '☑' : '☐'} {EDD_LABELS[i.item]}
            {i.item !== 'senior_signoff' ? ` · ${i.evidence} document(s)` : ''}
            {i.done && i.byName ? ` · by ${i.byName}${i.at ? `, ${formatUtc(i.at)} UTC` : ''}` : ''}{' '}
            {i.item !== 'senior_signoff' && view.can.review && open ? (
              <button type="button" className="button button-small" onClick={() => act.edd.mutate({ item: i.item as 'source_of_funds', done: !i.done })}>
                {i.done ? 'Untick' : 'Mark checked'}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      <p className="small muted">Senior sign-off is given by a member holding “approve high-risk KYC” deciding the approval request.</p>
      <ProblemAlert error={errorOf(act.edd.error)} />
    </section>
  );
}

function ProviderPanel({ view }: { view: CaseView }) {
  const p = view.provider!;
  return (
    <section className="panel" aria-labelledby="prov-title">
      <h2 id="prov-title" className="panel-title">
        Verification provider
      </h2>
      <dl className="facts facts-inline">
        <dt>Answer</dt>
        <dd>
          <span className={p.answer === 'green' ? 'badge badge-ok' : p.answer === 'red' ? 'badge badge-error' : 'badge badge-neutral'}>{p.answer}</span>
        </dd>
        <dt>Document</dt>
        <dd>{p.document}</dd>
        <dt>Liveness</dt>
        <dd>{p.liveness}</dd>
        <dt>Face match</dt>
        <dd>{p.faceMatch}</dd>
        <dt>Labels</dt>
        <dd>{p.rejectLabels.join(', ') || '—'}</dd>
        <dt>Reference</dt>
        <dd className="mono">{p.reference}</dd>
      </dl>
      <p className="small muted">The provider's result is evidence; the decision is always a reviewer's.</p>
    </section>
  );
}

function DecisionPanel({ view }: { view: CaseView }) {
  const act = useCaseAction(view.case.id);
  const [reason, setReason] = useState('');
  const decide = (decision: 'approve' | 'reject' | 'more_info') => act.decide.mutate({ decision, reason });
  const result = act.decide.data;
  return (
    <section className="panel" aria-labelledby="decision-title">
      <h2 id="decision-title" className="panel-title">
        Decision
      </h2>
      {view.pendingApprovalId ? (
        <p className="alert alert-info" role="status">
          Senior sign-off pending: the approval request is in <Link to="/staff/approvals">Approvals</Link>.
        </p>
      ) : null}
      {view.can.decide ? (
        <form onSubmit={(e) => e.preventDefault()} aria-label="Decision">
          <label className="field">
            <span className="field-label">Reason (recorded, encrypted, in the case history)</span>
            <textarea className="input textarea" name="reason" rows={3} value={reason} onChange={(e) => setReason(e.target.value)} required minLength={5} />
          </label>
          <div className="actions">
            <button type="button" className="button button-primary" disabled={act.decide.isPending || reason.trim().length < 5} onClick={() => decide('approve')}>
              Approve
            </button>
            <button type="button" className="button" disabled={act.decide.isPending || reason.trim().length < 5} onClick={() => decide('more_info')}>
              Ask for more information
            </button>
            <button type="button" className="button" disabled={act.decide.isPending || reason.trim().length < 5} onClick={() => decide('reject')}>
              Reject
            </button>
          </div>
        </form>
      ) : null}
      {result?.approvalRequestId ? (
        <p className="alert alert-info" role="status">
          High risk: your approval was sent for senior sign-off (four eyes).
        </p>
      ) : null}
      <ProblemAlert error={errorOf(act.decide.error)} />
    </section>
  );
}

function History({ view }: { view: CaseView }) {
  return (
    <section className="panel" aria-labelledby="hist-title">
      <h2 id="hist-title" className="panel-title">
        History
      </h2>
      <ol className="small" data-testid="kyc-history">
        {view.history.map((h, i) => (
          <li key={i}>
            {formatUtc(h.at)} UTC · {h.kind.replace(/_/g, ' ')}
            {h.toState ? ` → ${h.toState.replace(/_/g, ' ')}` : ''}
            {h.actorName ? ` · ${h.actorName}` : ''}
            {h.reason ? <span> · “{h.reason}”</span> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

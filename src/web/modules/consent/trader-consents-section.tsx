// The Consents section of a trader's profile: the current state per category, the full history (time, source,
// wording version, who recorded it), and — for members holding consent.manage, as the server says — a dialog
// to record a change the trader asked for (support is the source; a wording version and a reason are required).
import { useState } from 'react';
import { CONSENT_CATEGORIES, CONSENT_CATEGORY_LABELS, type ConsentCategory, type ConsentState } from '../../../contracts/consent.js';
import { isApiError } from '../../api.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { FormField } from '../../components/form-field.js';
import { formatUtc } from '../../components/format.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { useRecordConsent, useTraderConsents } from './consent.api.js';
import { QueryFallback } from './query-fallback.js';

const STATE_LABEL: Record<ConsentState, string> = { granted: 'Granted', withdrawn: 'Withdrawn', not_asked: 'Never asked' };
const STATE_BADGE: Record<ConsentState, string> = { granted: 'badge badge-ok', withdrawn: 'badge badge-denied', not_asked: 'badge badge-neutral' };
const SOURCE_LABEL: Record<string, string> = {
  signup: 'Sign-up',
  settings: 'Trader’s settings',
  support: 'Support, on request',
  unsubscribe_link: 'Unsubscribe link',
  import: 'Import',
};

export function TraderConsentsSection({ traderId }: { traderId: string }) {
  const consents = useTraderConsents(traderId);
  const [open, setOpen] = useState(false);

  return (
    <section className="panel" aria-labelledby="consents-title" data-testid="trader-consents">
      <div className="panel-head">
        <h2 id="consents-title" className="panel-title">
          Consents
        </h2>
        {consents.data?.canManage ? (
          <button type="button" className="button button-small" onClick={() => setOpen(true)}>
            Record change…
          </button>
        ) : null}
      </div>
      {!consents.data ? (
        <QueryFallback query={consents} />
      ) : (
        <>
          <table className="table table-dense">
            <caption className="visually-hidden">Current consent per category</caption>
            <thead>
              <tr>
                <th scope="col">Category</th>
                <th scope="col">State</th>
                <th scope="col">Wording</th>
                <th scope="col">Since (UTC)</th>
              </tr>
            </thead>
            <tbody>
              {consents.data.current.map((c) => (
                <tr key={c.category} data-category={c.category}>
                  <td>{CONSENT_CATEGORY_LABELS[c.category]}</td>
                  <td>
                    <span className={STATE_BADGE[c.state]}>{STATE_LABEL[c.state]}</span>
                  </td>
                  <td className="mono">{c.wordingVersion ?? '—'}</td>
                  <td className="small nowrap">{c.updatedAt ? formatUtc(c.updatedAt) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3 className="subsection-title">History</h3>
          <div className="table-scroll">
            <table className="table table-dense">
              <caption className="visually-hidden">Every consent answer recorded, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Time (UTC)</th>
                  <th scope="col">Category</th>
                  <th scope="col">Answer</th>
                  <th scope="col">Source</th>
                  <th scope="col">Wording</th>
                  <th scope="col">Recorded by</th>
                </tr>
              </thead>
              <tbody>
                {consents.data.history.length === 0 ? (
                  <tr>
                    <td colSpan={6} className="table-empty">
                      No consent answer recorded yet.
                    </td>
                  </tr>
                ) : (
                  consents.data.history.map((h) => (
                    <tr key={h.id}>
                      <td className="small nowrap">{formatUtc(h.recordedAt)}</td>
                      <td>{CONSENT_CATEGORY_LABELS[h.category]}</td>
                      <td>{h.granted ? 'Granted' : 'Withdrawn'}</td>
                      <td>{SOURCE_LABEL[h.source] ?? h.source}</td>
                      <td className="mono">{h.wordingVersion}</td>
                      <td>{h.recordedBy}</td>
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          </div>
        </>
      )}
      <RecordConsentDialog traderId={traderId} open={open} onClose={() => setOpen(false)} />
    </section>
  );
}

function RecordConsentDialog({ traderId, open, onClose }: { traderId: string; open: boolean; onClose: () => void }) {
  const record = useRecordConsent(traderId);
  const [category, setCategory] = useState<ConsentCategory>('marketing_email');
  const [granted, setGranted] = useState(false);
  const [wordingVersion, setWordingVersion] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});

  const close = () => {
    record.reset();
    setErrors({});
    setWordingVersion('');
    setReason('');
    onClose();
  };
  const submit = () => {
    const errs: Record<string, string | undefined> = {};
    if (!/^[A-Za-z0-9._-]{1,40}$/.test(wordingVersion.trim())) errs.wordingVersion = 'The version of the wording the trader agreed to or refused (letters, digits, . _ -).';
    if (reason.trim().length < 5) errs.reason = 'Give a reason of at least 5 characters.';
    setErrors(errs);
    if (Object.values(errs).some(Boolean)) return;
    record.mutate(
      { category, granted, wordingVersion: wordingVersion.trim(), reason: reason.trim() },
      {
        onSuccess: close,
        onError: (err) => {
          if (isApiError(err)) setErrors(err.fieldErrors());
        },
      },
    );
  };

  return (
    <ConfirmDialog
      open={open}
      title="Record a consent change"
      confirmLabel="Record"
      busyLabel="Recording…"
      busy={record.isPending}
      onConfirm={submit}
      onCancel={close}
      footer={<ProblemAlert error={isApiError(record.error) ? record.error : null} />}
    >
      <p className="small muted">Only what the trader asked for, in their words. The change is recorded with you as its author and your reason.</p>
      <div className="field">
        <label className="field-label" htmlFor="consent-category">
          Category
        </label>
        <select id="consent-category" className="input" value={category} onChange={(e) => setCategory(e.target.value as ConsentCategory)}>
          {CONSENT_CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {CONSENT_CATEGORY_LABELS[c]}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="field">
        <legend className="field-label">Answer</legend>
        <label>
          <input type="radio" name="granted" checked={granted} onChange={() => setGranted(true)} /> Grants consent
        </label>{' '}
        <label>
          <input type="radio" name="granted" checked={!granted} onChange={() => setGranted(false)} /> Withdraws consent
        </label>
      </fieldset>
      <FormField label="Wording version" name="wordingVersion" maxLength={40} value={wordingVersion} onChange={(e) => setWordingVersion(e.target.value)} error={errors.wordingVersion} />
      <FormField label="Reason (recorded in the audit log)" name="reason" maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} error={errors.reason} />
    </ConfirmDialog>
  );
}

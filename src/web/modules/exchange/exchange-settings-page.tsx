// /settings/exchange — the trading-engine connection: status (URL, key id, when and by whom, breaker) and the form
// that sets it. The secret is write-only: the server never sends it back, and the field is always empty.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { isApiError } from '../../api.js';
import { FormField } from '../../components/form-field.js';
import { formatUtc } from '../../components/format.js';
import { usePageTitle } from '../../components/page-title.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { ForbiddenPanel, SectionErrorPanel } from '../errors/error-pages.js';
import { useConnection, useSetConnection } from './exchange.api.js';

export function ExchangeSettingsPage() {
  usePageTitle('Exchange connection');
  const status = useConnection();
  const save = useSetConnection();
  const [form, setForm] = useState({ baseUrl: '', keyId: '', secret: '', reason: '' });
  const errors = isApiError(save.error) ? save.error.fieldErrors() : {};
  const header = (
    <div className="page-header">
      <div>
        <nav aria-label="Breadcrumb" className="breadcrumb">
          <Link to="/settings">Settings</Link>
          <span aria-hidden="true"> / </span>
        </nav>
        <h1 className="page-title">Exchange connection</h1>
      </div>
    </div>
  );
  if (status.error) {
    return (
      <>
        {header}
        {isApiError(status.error) && status.error.status === 403 ? <ForbiddenPanel /> : <SectionErrorPanel error={status.error} onRetry={() => void status.refetch()} />}
      </>
    );
  }
  const s = status.data;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(form, { onSuccess: () => setForm((f) => ({ ...f, secret: '', reason: '' })) });
  };
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  return (
    <>
      {header}
      <section className="panel" aria-labelledby="exchange-status">
        <h2 id="exchange-status" className="panel-title">
          Status
        </h2>
        {!s ? (
          <p className="muted" role="status">
            Loading…
          </p>
        ) : s.configured ? (
          <dl className="facts" data-testid="exchange-connection">
            <dt>URL</dt>
            <dd className="mono">{s.baseUrl}</dd>
            <dt>Key id</dt>
            <dd className="mono">{s.keyId}</dd>
            <dt>Set</dt>
            <dd>
              {s.configuredAt ? formatUtc(s.configuredAt) : ''} by <span className="mono">{s.configuredBy}</span>
            </dd>
            <dt>Circuit breaker (this server)</dt>
            <dd>{s.breaker ?? 'not used yet'}</dd>
            <dt>Secret</dt>
            <dd className="muted">stored encrypted; never shown</dd>
          </dl>
        ) : (
          <p data-testid="exchange-not-connected">Not connected: the trader profile’s exchange sections say so until it is set.</p>
        )}
      </section>
      <section className="panel" aria-labelledby="exchange-form">
        <h2 id="exchange-form" className="panel-title">
          {s?.configured ? 'Replace the connection' : 'Connect'}
        </h2>
        <form onSubmit={submit} className="form prose-width" noValidate>
          <FormField label="Base URL" name="baseUrl" value={form.baseUrl} onChange={set('baseUrl')} error={errors.baseUrl} hint="https:// (plain http only to a loopback address)" required />
          <FormField label="Key id" name="keyId" value={form.keyId} onChange={set('keyId')} error={errors.keyId} required />
          <FormField label="Shared secret" name="secret" type="password" autoComplete="off" value={form.secret} onChange={set('secret')} error={errors.secret} hint="Write-only: stored encrypted, never shown again" required />
          <FormField label="Reason (recorded in the audit log)" name="reason" value={form.reason} onChange={set('reason')} error={errors.reason} required />
          <ProblemAlert error={isApiError(save.error) ? save.error : null} />
          {save.isSuccess ? (
            <p className="alert alert-success" role="status">
              Connection saved.
            </p>
          ) : null}
          <button type="submit" className="button button-primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save connection'}
          </button>
        </form>
      </section>
    </>
  );
}

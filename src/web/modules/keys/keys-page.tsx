// /settings/keys — where the master key lives, the versions of each key ring, how many values each
// field-key version still protects, and field-key rotation (re-encryption runs in the background).
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { isApiError } from '../../api.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { formatCount, formatUtc, plural } from '../../components/format.js';
import { usePageTitle } from '../../components/page-title.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { ForbiddenPanel, SectionErrorPanel } from '../errors/error-pages.js';
import { activeFieldVersion, FIELD_PURPOSE, pendingOnOlderVersions, useKeyStatus, useRotateFieldKey, type KeyStatus } from './keys.api.js';

const PURPOSE_LABELS: Record<string, string> = {
  field: 'Field encryption',
  'blind-index': 'Blind index (search)',
  'audit-signing': 'Audit log signing',
};

const POLL_EVERY_MS = 1000;
/** Polling after a rotation stops after this long; the Refresh button remains. */
const POLL_FOR_MS = 30_000;

export function KeysPage() {
  usePageTitle('Encryption keys');
  const [pollUntil, setPollUntil] = useState(0);
  const [polling, setPolling] = useState(false);
  const status = useKeyStatus(polling ? POLL_EVERY_MS : false);
  const rotate = useRotateFieldKey();
  const [confirming, setConfirming] = useState(false);

  // Stop polling once nothing is left on older versions, or when the time is up.
  useEffect(() => {
    if (!polling || !status.data) return;
    const pending = pendingOnOlderVersions(status.data);
    if ((pending.values === 0 && pending.subjectKeys === 0) || Date.now() > pollUntil) setPolling(false);
  }, [polling, pollUntil, status.data, status.dataUpdatedAt]);

  const onConfirm = () => {
    rotate.mutate(undefined, {
      onSuccess: () => {
        setConfirming(false);
        setPollUntil(Date.now() + POLL_FOR_MS);
        setPolling(true);
      },
    });
  };

  const onOpen = () => {
    rotate.reset();
    setConfirming(true);
  };

  const header = (
    <div className="page-header">
      <div>
        <nav aria-label="Breadcrumb" className="breadcrumb">
          <Link to="/settings">Settings</Link>
          <span aria-hidden="true"> / </span>
        </nav>
        <h1 className="page-title">Encryption keys</h1>
      </div>
      <span className="muted small">Times in UTC</span>
    </div>
  );

  if (status.error && !status.data) {
    return (
      <>
        {header}
        {isApiError(status.error) && status.error.status === 403 ? (
          <ForbiddenPanel />
        ) : (
          <SectionErrorPanel error={status.error} onRetry={() => void status.refetch()} />
        )}
      </>
    );
  }

  if (!status.data) {
    return (
      <>
        {header}
        <section className="panel" aria-busy="true">
          <p className="muted" role="status">
            Loading key status…
          </p>
        </section>
      </>
    );
  }

  const s = status.data;
  const active = activeFieldVersion(s);

  return (
    <>
      {header}
      <ProviderPanel provider={s.provider} />
      <section className="panel" aria-labelledby="field-usage">
        <div className="panel-head">
          <h2 id="field-usage" className="panel-title">
            Field key
          </h2>
          <div className="panel-head-actions">
            <button type="button" className="button button-small" onClick={() => void status.refetch()} disabled={status.isFetching}>
              {status.isFetching ? 'Refreshing…' : 'Refresh'}
            </button>
            <button type="button" className="button button-primary" onClick={onOpen}>
              Rotate field key
            </button>
          </div>
        </div>
        <p className="prose-width">
          Trader fields are encrypted under the active version of the field key, and each trader’s own data key is wrapped
          by it. Every ciphertext names its version, so older versions keep working until nothing uses them.
        </p>
        <div role="status" aria-live="polite">
          {rotate.data ? <RotationProgress status={s} version={rotate.data.version} polling={polling} /> : null}
        </div>
        <FieldUsageTable status={s} />
        <dl className="facts facts-inline">
          <dt>Per-trader data keys</dt>
          <dd data-testid="subject-keys">
            {formatCount(s.subjectKeys.live)} live, {formatCount(s.subjectKeys.destroyed)} destroyed
            <span className="muted small"> (a destroyed key makes its trader’s data unreadable for good: crypto-shredding)</span>
          </dd>
        </dl>
      </section>
      <RingsPanel status={s} />
      <ConfirmDialog
        open={confirming}
        title="Rotate the field key?"
        confirmLabel={active !== null ? `Add field key v${active + 1}` : 'Add a new version'}
        busyLabel="Adding…"
        busy={rotate.isPending}
        onConfirm={onConfirm}
        onCancel={() => setConfirming(false)}
        footer={<ProblemAlert error={isApiError(rotate.error) ? rotate.error : null} title="The key was not rotated" />}
      >
        <p>
          Add a new field-key version? New data is encrypted with it at once; existing values are re-encrypted in the
          background.
        </p>
        <p className="muted small">
          The current version is retired but kept until no value uses it. The rotation is recorded in the audit log.
        </p>
      </ConfirmDialog>
    </>
  );
}

function ProviderPanel({ provider }: { provider: string }) {
  const localFile = provider.startsWith('local-file:');
  return (
    <section className="panel" aria-labelledby="key-provider">
      <h2 id="key-provider" className="panel-title">
        Master key
      </h2>
      <dl className="facts">
        <dt>Provider</dt>
        <dd data-testid="key-provider">
          <code>{provider}</code>
        </dd>
      </dl>
      {localFile ? (
        <div className="alert alert-warning" data-testid="provider-warning">
          <p className="alert-title">The master key is kept in a local file</p>
          <p className="alert-detail">
            Good enough for evaluation and development. A production deployment wants a KMS or an HSM (the PKCS#11
            provider), so that a copy of this server’s disk or backups is not enough to read the data.
          </p>
        </div>
      ) : null}
      <p className="muted small">
        The master key wraps the data keys below and never leaves its provider. This page shows versions and counts,
        never key material.
      </p>
    </section>
  );
}

function FieldUsageTable({ status: s }: { status: KeyStatus }) {
  // One row per field-key version known to the ring, plus any version only seen in the data.
  const versions = new Set([...s.rings.filter((r) => r.purpose === FIELD_PURPOSE).map((r) => r.version), ...s.usage.map((u) => u.version)]);
  const rows = [...versions].sort((a, b) => b - a);
  return (
    <div className="table-scroll">
      <table className="table" data-testid="field-usage">
        <caption className="table-caption">Use of each field-key version</caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Encrypted values
            </th>
            <th scope="col" className="num">
              Wrapped data keys
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((v) => {
            const ring = s.rings.find((r) => r.purpose === FIELD_PURPOSE && r.version === v);
            const use = s.usage.find((u) => u.version === v);
            return (
              <tr key={v} data-version={v}>
                <td className="mono">v{v}</td>
                <td>{ring ? <KeyStatusBadge status={ring.status} /> : <span className="badge badge-error">not in ring</span>}</td>
                <td className="num">{formatCount(use?.values ?? 0)}</td>
                <td className="num">{formatCount(use?.subjectKeys ?? 0)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function RingsPanel({ status: s }: { status: KeyStatus }) {
  const order = (p: string) => (p === FIELD_PURPOSE ? 0 : 1);
  const rings = [...s.rings].sort((a, b) => order(a.purpose) - order(b.purpose) || a.purpose.localeCompare(b.purpose) || b.version - a.version);
  return (
    <section className="panel" aria-labelledby="key-rings">
      <h2 id="key-rings" className="panel-title">
        Key rings
      </h2>
      <div className="table-scroll">
        <table className="table" data-testid="key-rings">
          <thead>
            <tr>
              <th scope="col">Purpose</th>
              <th scope="col">Version</th>
              <th scope="col">Status</th>
              <th scope="col">Created (UTC)</th>
              <th scope="col">Retired (UTC)</th>
            </tr>
          </thead>
          <tbody>
            {rings.map((r) => (
              <tr key={`${r.purpose}/${r.version}`} data-purpose={r.purpose} data-version={r.version} data-status={r.status}>
                <td>
                  {PURPOSE_LABELS[r.purpose] ?? r.purpose}
                  <span className="cell-sub mono">{r.purpose}</span>
                </td>
                <td className="mono">v{r.version}</td>
                <td>
                  <KeyStatusBadge status={r.status} />
                </td>
                <td className="mono nowrap">{formatUtc(r.createdAt)}</td>
                <td className="mono nowrap">{r.retiredAt ? formatUtc(r.retiredAt) : <span className="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function KeyStatusBadge({ status }: { status: string }) {
  const cls = status === 'active' ? 'badge badge-ok' : status === 'retired' ? 'badge badge-neutral' : 'badge';
  return <span className={cls}>{status}</span>;
}

function RotationProgress({ status, version, polling }: { status: KeyStatus; version: number; polling: boolean }) {
  const pending = pendingOnOlderVersions(status);
  const done = pending.values === 0 && pending.subjectKeys === 0;
  return (
    <div className={done ? 'alert alert-success' : 'alert alert-info'} data-testid="rotation-progress" data-done={done}>
      <p className="alert-title">Field key v{version} added: new data is encrypted with it.</p>
      <p className="alert-detail">
        {done
          ? 'Re-encryption finished: no value uses an older version any more.'
          : `Re-encrypting in the background: ${plural(pending.values, 'value')} and ${plural(pending.subjectKeys, 'data key')} still under older versions${polling ? '…' : '. Use Refresh to check again.'}`}
      </p>
    </div>
  );
}

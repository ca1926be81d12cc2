// The "is the log intact?" panel: how much of it is anchored outside the database, the latest signed
// checkpoint, the verifier key, and a button that runs the full verification on the server.
import { isApiError } from '../../api.js';
import { CopyCode } from '../../components/copy-code.js';
import { formatUtc, plural } from '../../components/format.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { parseCheckpoint, useVerifyAudit, type AuditStatus, type VerifyResult } from './audit.api.js';

export function AuditIntegrityPanel({ status }: { status: AuditStatus }) {
  const verify = useVerifyAudit();
  const checkpoint = status.latestCheckpoint ? parseCheckpoint(status.latestCheckpoint) : null;

  return (
    <section className="panel" aria-labelledby="audit-integrity">
      <div className="panel-head">
        <h2 id="audit-integrity" className="panel-title">
          Integrity
        </h2>
        <button type="button" className="button button-primary" onClick={() => verify.mutate()} disabled={verify.isPending}>
          {verify.isPending ? 'Verifying…' : 'Verify now'}
        </button>
      </div>
      <dl className="facts" data-testid="audit-status">
        <dt>Anchored</dt>
        <dd>
          {status.anchored.size > 0 ? (
            <>
              {plural(status.anchored.size, 'event')}
              <span className="muted small"> (their hashes are also kept outside the database)</span>
            </>
          ) : (
            <span className="muted">None yet: events are anchored when the next checkpoint is signed.</span>
          )}
        </dd>
        <dt>Latest signed checkpoint</dt>
        <dd>
          {status.latestCheckpoint === null ? (
            <span className="muted">None yet. The first is signed shortly after the first events.</span>
          ) : checkpoint ? (
            <>covers {plural(checkpoint.size, 'event')}</>
          ) : (
            <span className="muted">present, but not in the expected format</span>
          )}
        </dd>
        <dt>Origin</dt>
        <dd>
          <code>{status.origin}</code>
        </dd>
        <dt>Verifier key</dt>
        <dd className="facts-wide">
          <CopyCode value={status.verifierKey} label="Copy verifier key" testId="verifier-key" />
          <p className="muted small">
            The public key that checks the signed checkpoints and exports. Keep a copy somewhere this server cannot
            change, so a check never relies on the system being checked.
          </p>
        </dd>
      </dl>
      <div role="status" aria-live="polite">
        {verify.data ? <VerifyOutcome result={verify.data} /> : null}
      </div>
      {verify.error ? <ProblemAlert error={isApiError(verify.error) ? verify.error : null} title="The verification could not run" /> : null}
    </section>
  );
}

function VerifyOutcome({ result }: { result: VerifyResult }) {
  if (result.ok) {
    return (
      <div className="alert alert-success verify-result" data-testid="verify-result" data-ok="true">
        <p className="alert-title">✓ OK: the audit log is intact</p>
        <p className="alert-detail">
          {plural(result.eventsChecked, 'event')} checked against the hash chain, a Merkle tree of{' '}
          {plural(result.treeSize, 'leaf', 'leaves')} and {plural(result.checkpointsChecked, 'signed checkpoint')}.
        </p>
        {result.rootHash ? (
          <p className="alert-detail">
            Root hash <code className="hash">{result.rootHash}</code>
          </p>
        ) : null}
        <p className="alert-detail muted small">Checked {formatUtc(new Date().toISOString())} UTC.</p>
      </div>
    );
  }
  return (
    <div className="alert alert-error verify-result" data-testid="verify-result" data-ok="false">
      <p className="alert-title">✗ TAMPERED: the audit log does not verify</p>
      {result.firstBadSeq !== undefined ? (
        <p className="alert-detail">
          First bad sequence number: <strong data-testid="first-bad-seq">{result.firstBadSeq}</strong>
        </p>
      ) : null}
      {result.problem ? <p className="alert-detail">Problem: {result.problem}</p> : null}
      <p className="alert-detail">
        {plural(result.eventsChecked, 'event')} and {plural(result.checkpointsChecked, 'signed checkpoint')} checked
        before the failure. Treat this as a security incident: keep the database and the checkpoint directory as they
        are and run <code>bulwark audit verify</code> on the server.
      </p>
    </div>
  );
}

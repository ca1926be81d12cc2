// /audit — the tamper-evident record of every access and change: integrity status and verification,
// the events themselves, and signed exports for auditors and regulators.
import { usePageTitle } from '../../components/page-title.js';
import { isApiError } from '../../api.js';
import { ForbiddenPanel, SectionErrorPanel } from '../errors/error-pages.js';
import { AuditEventsPanel } from './audit-events.js';
import { AuditExportPanel } from './audit-export.js';
import { AuditIntegrityPanel } from './audit-integrity.js';
import { useAuditStatus } from './audit.api.js';

export function AuditPage() {
  usePageTitle('Audit log');
  const status = useAuditStatus();
  // The status needs the same permission as the events: without it the whole page is refused, once.
  const forbidden = isApiError(status.error) && status.error.status === 403;

  return (
    <div className="page-wide">
      <div className="page-header">
        <h1 className="page-title">Audit log</h1>
        <span className="muted small">Times in UTC</span>
      </div>
      {forbidden ? (
        <ForbiddenPanel />
      ) : (
        <>
          {status.data ? (
            <AuditIntegrityPanel status={status.data} />
          ) : status.error ? (
            <SectionErrorPanel error={status.error} onRetry={() => void status.refetch()} />
          ) : (
            <section className="panel" aria-busy="true">
              <p className="muted" role="status">
                Loading the audit log status…
              </p>
            </section>
          )}
          {/* Loaded after the status, so a member without access is refused (and audited) once, not twice. */}
          {status.data ? (
            <>
              <AuditEventsPanel />
              <AuditExportPanel verifierKey={status.data.verifierKey} />
            </>
          ) : null}
        </>
      )}
    </div>
  );
}

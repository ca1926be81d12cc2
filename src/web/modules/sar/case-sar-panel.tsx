// The SAR panel of a case page: the case's reports and, for sar.manage, a "Draft SAR" button. For members without
// sar.read it renders nothing and makes no SAR request at all (tipping-off: not even a 403 in the network log).
import { Link, useNavigate } from 'react-router-dom';
import { isApiError } from '../../api.js';
import { formatUtc } from '../../components/format.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { useCan } from '../roles/roles.api.js';
import { useCaseSars, useCreateSar } from './sar.api.js';
import { Deadline, SarStatusBadge } from './sar-labels.js';

function Panel({ caseId, canManage }: { caseId: string; canManage: boolean }) {
  const sars = useCaseSars(caseId, true);
  const create = useCreateSar(caseId);
  const navigate = useNavigate();
  const open = sars.data?.sars.some((s) => s.status === 'draft' || s.status === 'ready_for_review') ?? false;
  return (
    <section className="panel" aria-labelledby="case-sar-title" data-testid="case-sar-panel">
      <h2 id="case-sar-title" className="panel-title">
        Suspicious-activity reports <span className="muted">(confidential: never tell the trader)</span>
      </h2>
      {!sars.data ? (
        <QueryFallback query={sars} />
      ) : sars.data.sars.length === 0 ? (
        <p className="muted">No report for this case.</p>
      ) : (
        <ul className="plain-list">
          {sars.data.sars.map((s) => (
            <li key={s.id}>
              <Link className="mono" to={`/sars/${s.id}`}>
                {s.reference}
              </Link>{' '}
              <SarStatusBadge status={s.status} /> {s.filedAt ? <span className="muted">filed {formatUtc(s.filedAt)} UTC</span> : <Deadline dueAt={s.dueAt} daysLeft={s.daysLeft} overdue={s.overdue} />}
            </li>
          ))}
        </ul>
      )}
      <ProblemAlert error={isApiError(create.error) ? create.error : null} />
      {canManage && !open ? (
        <div className="actions">
          <button type="button" className="button button-primary" disabled={create.isPending} onClick={() => create.mutate(undefined, { onSuccess: (v) => navigate(`/sars/${v.sar.id}`) })}>
            Draft SAR
          </button>
        </div>
      ) : null}
    </section>
  );
}

export function CaseSarPanel({ caseId }: { caseId: string }) {
  const canRead = useCan('sar.read');
  const canManage = useCan('sar.manage');
  if (!canRead) return null;
  return <Panel caseId={caseId} canManage={canManage} />;
}

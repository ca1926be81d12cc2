// /staff/alerts — security alerts (a sign-in from a new country or network, from outside allowed ranges, an
// account locked by failed sign-ins): acknowledge while looking into it, resolve with what was found.
import { useState } from 'react';
import { formatUtc } from '../../components/format.js';
import { usePageTitle } from '../../components/page-title.js';
import { SectionErrorPanel } from '../errors/error-pages.js';
import { ReasonDialog } from '../staff/reason-dialog.js';
import { SectionFrame } from '../staff/section-frame.js';
import { useAlertAction, useAlerts, type AlertFilter, type SecurityAlert } from './security.api.js';

const SEVERITY: Record<SecurityAlert['severity'], string> = { low: 'badge badge-neutral', medium: 'badge badge-denied', high: 'badge badge-error', critical: 'badge badge-error' };

export function AlertsPage() {
  usePageTitle('Security alerts');
  const [filter, setFilter] = useState<AlertFilter>('unresolved');
  const alerts = useAlerts(filter);
  const act = useAlertAction();
  const [target, setTarget] = useState<{ alert: SecurityAlert; action: 'acknowledge' | 'resolve' } | null>(null);

  return (
    <SectionFrame aside={<span className="muted small">Times in UTC</span>}>
      {alerts.error ? (
        <SectionErrorPanel error={alerts.error} onRetry={() => void alerts.refetch()} />
      ) : (
        <section className="panel" aria-labelledby="alerts-title">
          <div className="panel-head">
            <h2 id="alerts-title" className="panel-title">
              Security alerts
            </h2>
            <div className="panel-head-actions" role="group" aria-label="Show">
              {(['unresolved', 'resolved'] as const).map((f) => (
                <button key={f} type="button" className={filter === f ? 'button button-small button-primary' : 'button button-small'} aria-pressed={filter === f} onClick={() => setFilter(f)}>
                  {f === 'unresolved' ? 'Open' : 'Resolved'}
                </button>
              ))}
            </div>
          </div>
          {!alerts.data ? (
            <p className="muted">Loading…</p>
          ) : alerts.data.alerts.length === 0 ? (
            <p className="table-empty">{filter === 'unresolved' ? 'No open alerts.' : 'No resolved alerts.'}</p>
          ) : (
            <div className="table-scroll">
              <table className="table table-dense" data-testid="alerts-table">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Severity</th>
                    <th scope="col">Member</th>
                    <th scope="col">What happened</th>
                    <th scope="col">State</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {alerts.data.alerts.map((a) => (
                    <tr key={a.id}>
                      <td className="small nowrap">{formatUtc(a.createdAt)}</td>
                      <td>
                        <span className={SEVERITY[a.severity]}>{a.severity}</span>
                      </td>
                      <td>{a.staffName ?? <span className="muted">—</span>}</td>
                      <td>
                        <span className="cell-main">{a.summary}</span>
                        <span className="cell-sub">
                          {Object.entries(a.details)
                            .filter(([k]) => ['country', 'network', 'ip'].includes(k))
                            .map(([k, v]) => `${k} ${String(v)}`)
                            .join(' · ')}
                        </span>
                      </td>
                      <td>
                        {a.status}
                        {a.resolution ? <span className="cell-sub">{a.resolution}</span> : null}
                      </td>
                      <td>
                        <div className="row-actions">
                          {a.status === 'open' ? (
                            <button type="button" className="button button-small" onClick={() => (act.reset(), setTarget({ alert: a, action: 'acknowledge' }))}>
                              Acknowledge
                            </button>
                          ) : null}
                          {a.status !== 'resolved' ? (
                            <button type="button" className="button button-small" onClick={() => (act.reset(), setTarget({ alert: a, action: 'resolve' }))}>
                              Resolve
                            </button>
                          ) : null}
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <p className="muted small">A frozen account is unfrozen from the Members tab (security officers, with a reason); that resolves its alert.</p>
        </section>
      )}
      {target ? (
        <ReasonDialog
          open
          title={target.action === 'acknowledge' ? 'Acknowledge this alert?' : 'Resolve this alert?'}
          confirmLabel={target.action === 'acknowledge' ? 'Acknowledge' : 'Resolve'}
          label="Note (recorded in the audit log)"
          required
          busy={act.isPending}
          error={act.error}
          onCancel={() => setTarget(null)}
          onConfirm={(note) => act.mutate({ id: target.alert.id, action: target.action, note }, { onSuccess: () => setTarget(null) })}
        >
          <p>{target.alert.summary}</p>
        </ReasonDialog>
      ) : null}
    </SectionFrame>
  );
}

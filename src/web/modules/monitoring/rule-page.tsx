// /monitoring/rules/:id — one rule: what is active, every version (state, author, approver, source), and for
// members holding monitoring.rules.manage: the editor (saving makes a draft), the backtest of a version, the
// activation request of a draft and the deactivation request (both wait for a second member in Approvals).
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { RuleVersionView, RuleView } from '../../../contracts/monitoring-rules.js';
import { isApiError } from '../../api.js';
import { formatUtc } from '../../components/format.js';
import { usePageTitle } from '../../components/page-title.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { useCan } from '../roles/roles.api.js';
import { ReasonDialog } from '../staff/reason-dialog.js';
import { BacktestPanel } from './backtest-panel.js';
import { RuleEditor } from './rule-editor.js';
import { CONDITION_LABELS, SEVERITY_BADGES, STATE_BADGES, STATE_LABELS } from './rule-labels.js';
import { useRequestActivation, useRequestDeactivation, useRule, useSaveDraft } from './rules.api.js';

export function RulePage() {
  const { id = '' } = useParams();
  const q = useRule(id);
  usePageTitle(q.data ? `Rule ${q.data.name}` : 'Monitoring rule');
  if (!q.data) {
    return (
      <div className="page-wide">
        <p className="breadcrumb">
          <Link to="/monitoring">Monitoring</Link> / <Link to="/monitoring/rules">Rules</Link>
        </p>
        <QueryFallback query={q} />
      </div>
    );
  }
  return <RuleDetail rule={q.data} />;
}

function RuleDetail({ rule }: { rule: RuleView }) {
  const canManage = useCan('monitoring.rules.manage');
  const latest = rule.versions[0]!;
  const [shown, setShown] = useState<number>(latest.version);
  const version = rule.versions.find((v) => v.version === shown) ?? latest;
  return (
    <div className="page-wide">
      <p className="breadcrumb">
        <Link to="/monitoring">Monitoring</Link> / <Link to="/monitoring/rules">Rules</Link> / {rule.id}
      </p>
      <div className="page-header">
        <h1 className="page-title">{rule.name}</h1>
      </div>
      <section className="panel" aria-label="Rule">
        <dl className="facts">
          <dt>Id</dt>
          <dd className="mono">{rule.id}</dd>
          <dt>Severity</dt>
          <dd>
            <span className={SEVERITY_BADGES[rule.severity]}>{rule.severity}</span>
          </dd>
          <dt>Type</dt>
          <dd>{CONDITION_LABELS[rule.conditionType]}</dd>
          <dt>Status</dt>
          <dd data-testid="rule-status">
            {rule.status}
            {rule.activeVersion ? ` (version ${rule.activeVersion} evaluates every new event)` : ' (evaluates nothing)'}
            {rule.installed ? ' · installed with Bulwark' : ''}
          </dd>
          {rule.pendingDeactivation ? (
            <>
              <dt>Deactivation</dt>
              <dd>
                waiting for a second member in <Link to="/approvals">Approvals</Link>
              </dd>
            </>
          ) : null}
        </dl>
        {canManage ? <Requests rule={rule} /> : null}
      </section>
      <section className="panel" aria-label="Versions">
        <h2 className="panel-title">Versions</h2>
        <div className="table-scroll">
          <table className="table table-dense" data-testid="rule-versions">
            <thead>
              <tr>
                <th>Version</th>
                <th>State</th>
                <th>Written by</th>
                <th>Approved by</th>
                <th>Activated</th>
                <th>Retired</th>
              </tr>
            </thead>
            <tbody>
              {rule.versions.map((v) => (
                <tr key={v.version}>
                  <td>
                    <button type="button" className="link-button" onClick={() => setShown(v.version)} aria-pressed={v.version === shown}>
                      v{v.version}
                    </button>
                  </td>
                  <td>
                    <span className={STATE_BADGES[v.state]}>{STATE_LABELS[v.state]}</span>
                  </td>
                  <td>{v.createdBy ? (v.createdByName ?? v.createdBy) : <span className="muted">installed</span>}</td>
                  <td>{v.approvedByName ?? ''}</td>
                  <td className="nowrap">{v.activatedAt ? formatUtc(v.activatedAt) : ''}</td>
                  <td className="nowrap">{v.retiredAt ? formatUtc(v.retiredAt) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <h3 className="subsection-title">
          Version {version.version} ({version.format.toUpperCase()}, as written)
        </h3>
        <pre className="code-block" data-testid="rule-version-source">
          {version.source}
        </pre>
      </section>
      {canManage ? (
        <>
          <BacktestPanel key={`bt-${version.version}`} ruleId={rule.id} version={version.version} />
          <EditPanel key={`ed-${latest.version}-${latest.state}`} rule={rule} latest={latest} />
        </>
      ) : null}
    </div>
  );
}

function Requests({ rule }: { rule: RuleView }) {
  const draft = rule.versions.find((v) => v.state === 'draft');
  const pending = rule.versions.find((v) => v.state === 'pending_activation');
  const activate = useRequestActivation(rule.id);
  const deactivate = useRequestDeactivation(rule.id);
  const [dialog, setDialog] = useState<'activate' | 'deactivate' | null>(null);
  return (
    <>
      <div className="actions">
        {draft ? (
          <button type="button" className="button button-primary" onClick={() => setDialog('activate')} data-testid="rule-request-activation">
            Request activation of version {draft.version}
          </button>
        ) : null}
        {rule.status === 'active' && !rule.pendingDeactivation ? (
          <button type="button" className="button" onClick={() => setDialog('deactivate')} data-testid="rule-request-deactivation">
            Request deactivation
          </button>
        ) : null}
      </div>
      {pending ? (
        <p className="alert alert-info" role="status" data-testid="rule-pending">
          Version {pending.version} is waiting for a second member holding “Change transaction-monitoring rules” to approve it in <Link to="/approvals">Approvals</Link>. It cannot change
          meanwhile; the author of a version cannot approve it.
        </p>
      ) : null}
      {activate.data ? (
        <p className="alert alert-success" role="status">
          Requested: {activate.data.summary}. Another member must approve it in <Link to="/approvals">Approvals</Link>.
        </p>
      ) : null}
      {deactivate.data ? (
        <p className="alert alert-success" role="status">
          Requested: {deactivate.data.summary}. Another member must approve it in <Link to="/approvals">Approvals</Link>.
        </p>
      ) : null}
      <ReasonDialog
        open={dialog === 'activate'}
        title={`Activate version ${draft?.version ?? ''}`}
        confirmLabel="Request activation"
        required
        busy={activate.isPending}
        error={activate.error}
        onConfirm={(reason) => activate.mutate({ version: draft!.version, reason }, { onSuccess: () => setDialog(null) })}
        onCancel={() => setDialog(null)}
      >
        <p>The version evaluates every new event once a second member approves it; the version active now is then retired.</p>
      </ReasonDialog>
      <ReasonDialog
        open={dialog === 'deactivate'}
        title="Deactivate this rule"
        confirmLabel="Request deactivation"
        required
        busy={deactivate.isPending}
        error={deactivate.error}
        onConfirm={(reason) => deactivate.mutate(reason, { onSuccess: () => setDialog(null) })}
        onCancel={() => setDialog(null)}
      >
        <p>Deactivating reduces detection: a second member must approve it.</p>
      </ReasonDialog>
    </>
  );
}

function EditPanel({ rule, latest }: { rule: RuleView; latest: RuleVersionView }) {
  const save = useSaveDraft(rule.id);
  if (latest.state === 'pending_activation') return null;
  const next = latest.state === 'draft' ? latest.version : latest.version + 1;
  return (
    <section className="panel" aria-label="Edit">
      <h2 className="panel-title">{latest.state === 'draft' ? `Edit draft version ${next}` : `Edit: a draft of version ${next}`}</h2>
      <p className="small muted">Saving stores a draft; nothing changes in live monitoring until its activation is approved.</p>
      <RuleEditor
        initial={{ format: latest.format, source: latest.source }}
        saving={save.isPending}
        saveError={isApiError(save.error) ? save.error : null}
        saveLabel="Save draft"
        onSave={(src) => save.mutate(src)}
      />
      {save.isSuccess ? (
        <p className="alert alert-success" role="status" data-testid="rule-saved">
          Draft saved.
        </p>
      ) : null}
    </section>
  );
}

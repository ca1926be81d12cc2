// /kyc/settings — the jurisdiction lists (blocked, high risk), the high-risk activities and the periodic-review
// intervals in force, who changed them last and why. Members holding kyc.settings.manage may change them (a new
// version, with a reason, confirmed with the second factor); everyone else with KYC access reads them.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { ACTIVITIES, type KycSettings } from '../../../contracts/kyc.js';
import { isApiError } from '../../api.js';
import { formatUtc } from '../../components/format.js';
import { usePageTitle } from '../../components/page-title.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { useCan } from '../roles/roles.api.js';
import { useSaveSettings, useSettings } from './kyc.api.js';

/** "CU, IR kp" → ['CU', 'IR', 'KP']. */
function countries(text: string): string[] {
  return [...new Set(text.toUpperCase().split(/[^A-Z]+/).filter(Boolean))];
}

export function KycSettingsPage() {
  usePageTitle('KYC settings');
  const s = useSettings();
  const canManage = useCan('kyc.settings.manage');
  const save = useSaveSettings();
  const [reason, setReason] = useState('');
  if (!s.data) {
    return (
      <div className="page-wide">
        <QueryFallback query={s} />
      </div>
    );
  }
  const cur = s.data.settings;
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const years = (k: string) => Number(f.get(k));
    const settings: KycSettings = {
      blockedCountries: countries(String(f.get('blocked') ?? '')),
      highRiskCountries: countries(String(f.get('highRisk') ?? '')),
      highRiskActivities: f.getAll('activities').map(String) as KycSettings['highRiskActivities'],
      refreshYears: { low: years('low'), medium: years('medium'), high: years('high') },
    };
    save.mutate({ settings, reason }, { onSuccess: () => setReason('') });
  };
  return (
    <div className="page-wide">
      <p className="breadcrumb">
        <Link to="/kyc">KYC</Link> / Settings
      </p>
      <div className="page-header">
        <h1 className="page-title">Jurisdictions and risk settings</h1>
      </div>
      <section className="panel" aria-label="Version">
        <p className="small">
          Version {s.data.version}
          {s.data.changedAt ? ` · changed ${formatUtc(s.data.changedAt)} UTC by ${s.data.changedByName ?? 'unknown'}` : ''} · “{s.data.reason}”
        </p>
        <p className="small muted">
          Blocked: onboarding is refused and the reason recorded; a trader moving there gets an urgent review. High risk: adds to the risk rating (at least medium). Codes are ISO 3166-1 alpha-2. Tightening applies at once; loosening (removing a country or an activity, a longer review interval) needs a second member's approval.
        </p>
      </section>
      <form className="panel form" onSubmit={onSubmit} aria-label="KYC settings" key={s.data.version}>
        <fieldset disabled={!canManage}>
          <label className="field">
            <span className="field-label">Blocked countries</span>
            <textarea className="input textarea" name="blocked" rows={2} defaultValue={cur.blockedCountries.join(', ')} />
          </label>
          <label className="field">
            <span className="field-label">High-risk countries</span>
            <textarea className="input textarea" name="highRisk" rows={3} defaultValue={cur.highRiskCountries.join(', ')} />
          </label>
          <fieldset className="field checkbox-list">
            <legend className="field-label">High-risk occupations and business activities</legend>
            {ACTIVITIES.map((a) => (
              <label key={a}>
                <input type="checkbox" name="activities" value={a} defaultChecked={cur.highRiskActivities.includes(a)} /> {a.replace(/_/g, ' ')}
              </label>
            ))}
          </fieldset>
          <p className="field-label">Periodic review every … years</p>
          <div className="inline-form">
            {(['high', 'medium', 'low'] as const).map((k) => (
              <label className="field" key={k}>
                <span className="field-label">{k} risk</span>
                <input className="input input-small" type="number" name={k} min={1} max={5} defaultValue={cur.refreshYears[k]} />
              </label>
            ))}
          </div>
          {canManage ? (
            <>
              <label className="field">
                <span className="field-label">Reason for the change</span>
                <input className="input" name="reason" value={reason} onChange={(e) => setReason(e.target.value)} required minLength={5} />
              </label>
              <div className="actions">
                <button type="submit" className="button button-primary" disabled={save.isPending || reason.trim().length < 5}>
                  Save a new version
                </button>
              </div>
            </>
          ) : (
            <p className="small muted">Your roles can read these settings; changing them needs “manage KYC settings”.</p>
          )}
        </fieldset>
        {save.isSuccess ? (
          <p className="small" role="status">
            {save.data.pendingApprovalId ? (
              <>
                This change loosens a rule, so a second member must approve it: the request is in <Link to="/staff/approvals">Approvals</Link>. Nothing changed yet.
              </>
            ) : (
              `Saved as version ${save.data.version}.`
            )}
          </p>
        ) : null}
        <ProblemAlert error={isApiError(save.error) ? save.error : null} />
      </form>
    </div>
  );
}

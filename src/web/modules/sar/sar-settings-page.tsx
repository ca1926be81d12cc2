// /sars/settings — the reporting entity as the FIU knows it (goAML rentity_id, names, the MLRO as reporting person,
// the entity's address), the local currency and its USD rate, the goAML code tables in force and the filing deadline
// in days. Read by sar.read holders; changed by sar.file holders (step-up), as a new version.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import type { SarSettings } from '../../../contracts/sar.js';
import { isApiError } from '../../api.js';
import { usePageTitle } from '../../components/page-title.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { useCan } from '../roles/roles.api.js';
import { useSarSettings, useSaveSarSettings } from './sar.api.js';

type Path = readonly [keyof SarSettings] | readonly ['reportingPerson', keyof SarSettings['reportingPerson']] | readonly ['location', keyof SarSettings['location']];

const FIELDS: { path: Path; label: string; kind?: 'number' | 'nullable' }[] = [
  { path: ['rentityId'], label: 'Reporting entity id at the FIU (rentity_id)' },
  { path: ['rentityBranch'], label: 'Branch (optional)', kind: 'nullable' },
  { path: ['entityName'], label: 'Entity name' },
  { path: ['fiuName'], label: 'FIU' },
  { path: ['currencyCodeLocal'], label: 'Local currency (ISO 4217)' },
  { path: ['usdToLocalRate'], label: 'Local currency per USD', kind: 'number' },
  { path: ['deadlineDays'], label: 'Filing deadline (days from detection)', kind: 'number' },
  { path: ['transmodeCode'], label: 'goAML transmode code of a virtual-asset transfer' },
  { path: ['fundsCode'], label: 'goAML funds code' },
  { path: ['reportingPerson', 'firstName'], label: 'Reporting person: first name' },
  { path: ['reportingPerson', 'lastName'], label: 'Reporting person: last name' },
  { path: ['reportingPerson', 'email'], label: 'Reporting person: e-mail', kind: 'nullable' },
  { path: ['reportingPerson', 'phone'], label: 'Reporting person: phone', kind: 'nullable' },
  { path: ['reportingPerson', 'occupation'], label: 'Reporting person: occupation', kind: 'nullable' },
  { path: ['location', 'addressType'], label: 'Address type code' },
  { path: ['location', 'address'], label: 'Address' },
  { path: ['location', 'city'], label: 'City' },
  { path: ['location', 'zip'], label: 'Postcode', kind: 'nullable' },
  { path: ['location', 'countryCode'], label: 'Country (ISO 3166-1 alpha-2)' },
];

function get(s: SarSettings, p: Path): string {
  const v = p.length === 1 ? s[p[0]] : (s[p[0]] as Record<string, unknown>)[p[1]];
  return v === null || v === undefined ? '' : String(v);
}

export function SarSettingsPage() {
  usePageTitle('SAR reporting entity');
  const canRead = useCan('sar.read');
  const canEdit = useCan('sar.file');
  const q = useSarSettings(canRead);
  const save = useSaveSarSettings();
  const [saved, setSaved] = useState(false);
  if (!canRead) return <p className="muted">Your roles do not include this page.</p>;
  if (!q.data) return <QueryFallback query={q} />;
  const view = q.data;
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const next = structuredClone(view.settings) as unknown as Record<string, Record<string, unknown> | unknown>;
    for (const field of FIELDS) {
      const raw = String(f.get(field.path.join('.')) ?? '').trim();
      const value = field.kind === 'number' ? Number(raw) : field.kind === 'nullable' && raw === '' ? null : raw;
      if (field.path.length === 1) next[field.path[0]] = value;
      else (next[field.path[0]] as Record<string, unknown>)[field.path[1]] = value;
    }
    setSaved(false);
    save.mutate({ settings: next as unknown as SarSettings, baseVersion: view.version }, { onSuccess: () => setSaved(true) });
  };
  return (
    <div className="page">
      <div className="page-header">
        <h1 className="page-title">SAR reporting entity</h1>
        <Link className="button" to="/sars">
          All reports
        </Link>
      </div>
      {!view.configured ? <p className="alert alert-warning">Not configured yet: goAML exports are refused until the entity's FIU registration is saved.</p> : <p className="muted">Version {view.version}</p>}
      <form className="form" onSubmit={onSubmit} aria-label="Reporting entity settings" key={view.version}>
        {FIELDS.map((field) => (
          <label className="field" key={field.path.join('.')}>
            <span className="field-label">{field.label}</span>
            <input className="input" name={field.path.join('.')} defaultValue={get(view.settings, field.path)} readOnly={!canEdit} type={field.kind === 'number' ? 'number' : 'text'} step="any" />
          </label>
        ))}
        <ProblemAlert error={isApiError(save.error) ? save.error : null} />
        {saved ? <p role="status">Saved.</p> : null}
        {canEdit ? (
          <div className="actions">
            <button type="submit" className="button button-primary" disabled={save.isPending}>
              Save a new version
            </button>
          </div>
        ) : null}
      </form>
    </div>
  );
}

// /staff/roles/preview?role=… — "what can this role see": a fixed, synthetic sample trader (never a real one)
// rendered through the chosen role's field policy, field by field, as a member with only that role sees it.
import { useSearchParams } from 'react-router-dom';
import { isApiError } from '../../api.js';
import { formatUtc } from '../../components/format.js';
import { usePageTitle } from '../../components/page-title.js';
import type { RolePreview } from '../../../contracts/traders.js';
import { ForbiddenPanel, SectionErrorPanel } from '../errors/error-pages.js';
import { useRolePreview, useRoles } from './roles.api.js';
import { SectionFrame } from '../staff/section-frame.js';

const VIEW_TEXT: Record<RolePreview['view'], string> = {
  profile: 'Members with this role open trader profiles and lists; this is what they see of each field.',
  audience:
    'Members with this role cannot open trader profiles. They see the campaign audience only: the display name and email of traders who consented (consent tracking comes with the trader profile).',
  none: 'Members with this role see no trader data at all.',
};

export function RolePreviewPage() {
  usePageTitle('Role preview');
  const [params, setParams] = useSearchParams();
  const roles = useRoles();
  const selected = params.get('role') ?? roles.data?.roles[0]?.name ?? null;
  const preview = useRolePreview(selected);

  const error = roles.error ?? preview.error;
  if (error && isApiError(error) && error.status === 403) {
    return (
      <SectionFrame>
        <ForbiddenPanel />
      </SectionFrame>
    );
  }

  return (
    <SectionFrame>
      <section className="panel" aria-labelledby="preview-role">
        <h2 id="preview-role" className="panel-title">
          What can this role see?
        </h2>
        <p className="prose-width muted small">A synthetic sample trader, shown as a member with only this role would see it. No real trader is read.</p>
        <div className="field">
          <label htmlFor="preview-role-select" className="field-label">
            Show the sample as
          </label>
          <select
            id="preview-role-select"
            className="input select-role"
            data-testid="preview-role"
            value={selected ?? ''}
            onChange={(e) => setParams({ role: e.target.value }, { replace: true })}
            disabled={!roles.data}
          >
            {roles.data?.roles.map((r) => (
              <option key={r.name} value={r.name}>
                {r.name}
              </option>
            ))}
          </select>
        </div>
      </section>
      {error ? <SectionErrorPanel error={error} onRetry={() => void preview.refetch()} /> : null}
      {preview.data ? <PreviewTable p={preview.data} /> : !error ? <p className="muted" role="status">Loading the preview…</p> : null}
    </SectionFrame>
  );
}

const SHOWN_LABEL = { full: 'Full', masked: 'Masked', hidden: 'Hidden' } as const;

function show(v: unknown, name: string): string {
  if (v === null) return '—';
  if (name === 'createdAt' && typeof v === 'string') return `${formatUtc(v)} UTC`;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (Array.isArray(v)) {
    return v
      .map((x: Record<string, string>) => ('chain' in x ? `${x.chain} ${x.address}` : `${x.asset} ${x.amount}`))
      .join(', ');
  }
  return String(v);
}

function PreviewTable({ p }: { p: RolePreview }) {
  const values = p.sample.fields as Record<string, unknown>;
  return (
    <section className="panel" aria-labelledby="preview-sample" data-testid="role-preview" data-role={p.role} data-view={p.view}>
      <h2 id="preview-sample" className="panel-title">
        Sample trader as <span className="mono">{p.role}</span>
      </h2>
      <p className="prose-width">{VIEW_TEXT[p.view]}</p>
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Class</th>
              <th scope="col">This role sees</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {p.fields.map((f) => (
              <tr key={f.name} data-field={f.name} data-shown={f.shown} data-revealable={f.revealable}>
                <th scope="row">
                  {f.label}
                  <span className="cell-sub mono">{f.name}</span>
                </th>
                <td className="mono small">{f.class}</td>
                <td>
                  <span className={f.shown === 'full' ? 'badge badge-ok' : f.shown === 'hidden' ? 'badge badge-neutral' : 'badge'}>{SHOWN_LABEL[f.shown]}</span>
                  {f.revealable ? <span className="cell-sub">can reveal with a reason</span> : null}
                  {f.class === 'secret' ? <span className="cell-sub">never shown to anyone</span> : null}
                </td>
                <td className="mono" data-testid={`value-${f.name}`}>
                  {f.name in values ? show(values[f.name], f.name) : <span className="muted">not shown</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

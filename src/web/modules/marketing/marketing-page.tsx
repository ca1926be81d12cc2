// /marketing — segments (consent category, countries, activity bands, VIP) and the audience of one: display name
// and e-mail of consenting, active traders only. The server decides who is in it (in its query) and which fields
// are shown; this page only renders what it receives.
import { useState, type FormEvent } from 'react';
import { ACTIVITY_BANDS, CONSENT_CATEGORIES, CONSENT_CATEGORY_LABELS, type ActivityBand, type ConsentCategory, type Segment } from '../../../contracts/consent.js';
import { isApiError } from '../../api.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { FormField } from '../../components/form-field.js';
import { formatCount } from '../../components/format.js';
import { usePageTitle } from '../../components/page-title.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { useCan } from '../roles/roles.api.js';
import { useAudience, useDeleteSegment, useSaveSegment, useSegments } from './marketing.api.js';

const VIP_LABEL = (vip: boolean | null) => (vip === null ? 'VIP or not' : vip ? 'VIP only' : 'Not VIP');

export function MarketingPage() {
  usePageTitle('Marketing');
  const segments = useSegments();
  const canManage = useCan('marketing.segment.manage');
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<Segment | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Segment | null>(null);
  const remove = useDeleteSegment();
  const current = segments.data?.segments.find((s) => s.id === selected) ?? null;

  return (
    <div className="page-wide">
      <div className="page-header">
        <h1 className="page-title">Marketing</h1>
        {canManage ? (
          <button type="button" className="button button-primary" onClick={() => setEditing('new')}>
            New segment
          </button>
        ) : null}
      </div>
      <p className="muted prose-width">
        A segment only ever holds traders who consented to its category and whose account is active. You see their first name and e-mail address,
        nothing else.
      </p>
      {editing ? <SegmentForm segment={editing === 'new' ? null : editing} onDone={() => setEditing(null)} /> : null}
      <section className="panel" aria-labelledby="segments-title">
        <h2 id="segments-title" className="panel-title">
          Segments
        </h2>
        {!segments.data ? (
          <QueryFallback query={segments} />
        ) : (
          <table className="table table-dense">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Consent</th>
                <th scope="col">Countries</th>
                <th scope="col">Activity</th>
                <th scope="col">VIP</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {segments.data.segments.length === 0 ? (
                <tr>
                  <td colSpan={6} className="table-empty">
                    No segment yet.
                  </td>
                </tr>
              ) : (
                segments.data.segments.map((s) => (
                  <tr key={s.id} data-segment={s.name} aria-selected={s.id === selected}>
                    <td className="cell-main">{s.name}</td>
                    <td>{CONSENT_CATEGORY_LABELS[s.category]}</td>
                    <td>{s.countries.length ? s.countries.join(', ') : 'Any'}</td>
                    <td>{s.activityBands.length ? s.activityBands.join(', ') : 'Any'}</td>
                    <td>{VIP_LABEL(s.vip)}</td>
                    <td className="row-actions">
                      <button type="button" className="button button-small" onClick={() => setSelected(s.id)}>
                        Open audience
                      </button>{' '}
                      {canManage ? (
                        <>
                          <button type="button" className="button button-small" onClick={() => setEditing(s)}>
                            Edit
                          </button>{' '}
                          <button type="button" className="button button-small" onClick={() => setDeleting(s)}>
                            Delete…
                          </button>
                        </>
                      ) : null}
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        )}
      </section>
      {current ? <AudiencePanel segment={current} /> : null}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this segment?"
        confirmLabel="Delete"
        busyLabel="Deleting…"
        busy={remove.isPending}
        footer={<ProblemAlert error={isApiError(remove.error) ? remove.error : null} />}
        onCancel={() => setDeleting(null)}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => {
              if (selected === deleting.id) setSelected(null);
              setDeleting(null);
            },
          })
        }
      >
        <p>“{deleting?.name}” will be deleted. Consent records are not affected.</p>
      </ConfirmDialog>
    </div>
  );
}

function SegmentForm({ segment, onDone }: { segment: Segment | null; onDone: () => void }) {
  const save = useSaveSegment();
  const [name, setName] = useState(segment?.name ?? '');
  const [category, setCategory] = useState<ConsentCategory>(segment?.category ?? 'marketing_email');
  const [countries, setCountries] = useState((segment?.countries ?? []).join(', '));
  const [bands, setBands] = useState<ActivityBand[]>(segment?.activityBands ?? []);
  const [vip, setVip] = useState<'any' | 'yes' | 'no'>(segment?.vip === true ? 'yes' : segment?.vip === false ? 'no' : 'any');
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const codes = countries
      .split(/[\s,;]+/)
      .map((c) => c.trim().toUpperCase())
      .filter(Boolean);
    const errs: Record<string, string | undefined> = {};
    if (!name.trim()) errs.name = 'Give the segment a name.';
    if (codes.some((c) => !/^[A-Z]{2}$/.test(c))) errs.countries = 'Two-letter country codes (ISO 3166-1), separated by commas.';
    setErrors(errs);
    if (Object.values(errs).some(Boolean)) return;
    save.mutate(
      { id: segment?.id ?? null, body: { name: name.trim(), category, countries: codes, activityBands: bands, vip: vip === 'any' ? null : vip === 'yes' } },
      { onSuccess: onDone, onError: (err) => isApiError(err) && setErrors(err.fieldErrors()) },
    );
  };

  return (
    <section className="panel" aria-labelledby="segment-form-title">
      <h2 id="segment-form-title" className="panel-title">
        {segment ? `Edit “${segment.name}”` : 'New segment'}
      </h2>
      <ProblemAlert error={isApiError(save.error) ? save.error : null} title="The segment was not saved" />
      <form name="segment" noValidate onSubmit={onSubmit} className="form">
        <div className="form-grid">
          <FormField label="Name" name="name" maxLength={80} value={name} onChange={(e) => setName(e.target.value)} error={errors.name} />
          <div className="field">
            <label className="field-label" htmlFor="segment-category">
              Consent category
            </label>
            <select id="segment-category" className="input" value={category} onChange={(e) => setCategory(e.target.value as ConsentCategory)}>
              {CONSENT_CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {CONSENT_CATEGORY_LABELS[c]}
                </option>
              ))}
            </select>
          </div>
          <FormField
            label="Countries"
            name="countries"
            maxLength={1000}
            value={countries}
            onChange={(e) => setCountries(e.target.value)}
            error={errors.countries}
            hint="Two-letter codes, e.g. DE, FR. Empty: any country."
          />
          <div className="field">
            <label className="field-label" htmlFor="segment-vip">
              VIP
            </label>
            <select id="segment-vip" className="input" value={vip} onChange={(e) => setVip(e.target.value as 'any' | 'yes' | 'no')}>
              <option value="any">VIP or not</option>
              <option value="yes">VIP only</option>
              <option value="no">Not VIP</option>
            </select>
          </div>
        </div>
        <fieldset className="role-picker">
          <legend className="field-label">Activity bands (none ticked: any)</legend>
          <ul className="checkbox-list">
            {ACTIVITY_BANDS.map((b) => (
              <li key={b}>
                <label>
                  <input type="checkbox" name="activityBands" value={b} checked={bands.includes(b)} onChange={(e) => setBands((old) => (e.target.checked ? [...old, b] : old.filter((x) => x !== b)))} /> {b}
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        <div className="actions">
          <button type="submit" className="button button-primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save segment'}
          </button>
          <button type="button" className="button" onClick={onDone}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}

function AudiencePanel({ segment }: { segment: Segment }) {
  const audience = useAudience(segment.id);
  const pages = audience.data?.pages ?? [];
  const rows = pages.flatMap((p) => p.audience);
  const count = pages.at(-1)?.count;
  return (
    <section className="panel" aria-labelledby="audience-title" data-testid="audience">
      <div className="panel-head">
        <h2 id="audience-title" className="panel-title">
          Audience of “{segment.name}”
        </h2>
        {count !== undefined ? (
          <span className="muted" data-testid="audience-count">
            {formatCount(count)} consenting {count === 1 ? 'trader' : 'traders'}
          </span>
        ) : null}
      </div>
      {!audience.data ? (
        <QueryFallback query={audience} />
      ) : (
        <>
          <table className="table table-dense">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">E-mail</th>
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 ? (
                <tr>
                  <td colSpan={2} className="table-empty">
                    No consenting trader matches this segment.
                  </td>
                </tr>
              ) : (
                rows.map((m, i) => (
                  <tr key={`${i}-${m.email ?? ''}`}>
                    <td>{m.displayName ?? '—'}</td>
                    <td className="mono">{m.email ?? '—'}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
          {audience.hasNextPage ? (
            <div className="table-footer">
              <button type="button" className="button" disabled={audience.isFetchingNextPage} onClick={() => void audience.fetchNextPage()}>
                {audience.isFetchingNextPage ? 'Loading…' : 'Load more'}
              </button>
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}

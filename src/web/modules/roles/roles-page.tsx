// /staff/roles — roles, the permission matrix (roles × permissions, drawn from the server's registry) and the
// field-visibility grid (roles × field classes). Members who hold role.manage edit both in place and save the
// changed roles with one reason; a role that is or would become privileged is not changed at once but sent to
// a second member for approval (four eyes), and the page says so. Everyone else sees the same grids read-only.
import { useMemo, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { isApiError, type ApiError } from '../../api.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { FormField } from '../../components/form-field.js';
import { usePageTitle } from '../../components/page-title.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { FIELD_CLASSES, VISIBILITIES, type ClassPolicy, type PermissionInfo, type Visibility } from '../../../contracts/roles.js';
import { ForbiddenPanel, SectionErrorPanel } from '../errors/error-pages.js';
import { isStepUpRequired } from '../approvals/approvals.api.js';
import { SectionFrame } from '../staff/section-frame.js';
import { sameSettings, settingsOf, useCan, useCreateRole, useRoles, useUpdateRole, type Role, type RoleSettings, type RolesResponse } from './roles.api.js';

type Drafts = Record<string, RoleSettings>;

interface SaveResult {
  role: string;
  outcome: 'applied' | 'pending' | 'unchanged' | 'failed';
  message: string;
}

const VISIBILITY_LABELS: Record<Visibility, string> = {
  full: 'Full',
  reveal: 'Reveal',
  masked: 'Masked',
  hidden: 'Hidden',
};

export function RolesPage() {
  usePageTitle('Roles and permissions');
  const roles = useRoles();
  const canManage = useCan('role.manage');
  const [drafts, setDrafts] = useState<Drafts>({});

  const aside = (
    <Link to="/staff/roles/preview" className="button button-small">
      What can a role see?
    </Link>
  );

  if (roles.error && !roles.data) {
    return (
      <SectionFrame aside={aside}>
        {isApiError(roles.error) && roles.error.status === 403 ? <ForbiddenPanel /> : <SectionErrorPanel error={roles.error} onRetry={() => void roles.refetch()} />}
      </SectionFrame>
    );
  }
  if (!roles.data) {
    return (
      <SectionFrame aside={aside}>
        <section className="panel" aria-busy="true">
          <p className="muted" role="status">
            Loading roles…
          </p>
        </section>
      </SectionFrame>
    );
  }

  const data = roles.data;
  const current = (r: Role): RoleSettings => drafts[r.name] ?? settingsOf(r);
  const edit = (r: Role, patch: Partial<RoleSettings>) =>
    setDrafts((d) => {
      const next = { ...(d[r.name] ?? settingsOf(r)), ...patch };
      const out = { ...d };
      if (sameSettings(next, settingsOf(r))) delete out[r.name];
      else out[r.name] = next;
      return out;
    });
  const changed = data.roles.filter((r) => drafts[r.name] !== undefined);

  return (
    <SectionFrame aside={aside}>
      <RolesTable data={data} />
      <PermissionMatrix data={data} canManage={canManage} current={current} edit={edit} />
      <FieldPolicyGrid data={data} canManage={canManage} current={current} edit={edit} />
      {canManage ? <SaveBar changed={changed} drafts={drafts} onDone={(applied) => setDrafts((d) => dropKeys(d, applied))} onDiscard={() => setDrafts({})} /> : null}
      {canManage ? <NewRolePanel data={data} /> : null}
    </SectionFrame>
  );
}

function dropKeys(d: Drafts, keys: string[]): Drafts {
  const out = { ...d };
  for (const k of keys) delete out[k];
  return out;
}

function RolesTable({ data }: { data: RolesResponse }) {
  return (
    <section className="panel" aria-labelledby="roles-list">
      <h2 id="roles-list" className="panel-title">
        Roles and permissions
      </h2>
      <p className="prose-width muted small">
        Privileged roles are granted and changed only with a second member’s approval. Members of a role that requires a
        hardware key must sign in with a security key.
      </p>
      <div className="table-scroll">
        <table className="table" data-testid="roles-table">
          <thead>
            <tr>
              <th scope="col">Role</th>
              <th scope="col">Description</th>
              <th scope="col" className="num">
                Members
              </th>
              <th scope="col">Sessions</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.roles.map((r) => (
              <tr key={r.name} data-role={r.name}>
                <td>
                  <span className="cell-main mono">{r.name}</span>
                  <span className="cell-sub">
                    {r.builtin ? <span className="badge badge-neutral">built-in</span> : <span className="badge">custom</span>}{' '}
                    {r.privileged ? <span className="badge badge-denied">privileged</span> : null}{' '}
                    {r.requireHardwareKey ? <span className="badge badge-ok">hardware key</span> : null}
                  </span>
                </td>
                <td className="small">{r.description}</td>
                <td className="num">{r.members}</td>
                <td className="small nowrap">idle lock {r.idleTimeoutMinutes} min</td>
                <td>
                  <Link to={`/staff/roles/preview?role=${encodeURIComponent(r.name)}`} className="small">
                    Preview
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

interface GridProps {
  data: RolesResponse;
  canManage: boolean;
  current: (r: Role) => RoleSettings;
  edit: (r: Role, patch: Partial<RoleSettings>) => void;
}

/** Permissions a set of direct grants implies through dependencies (mirrors the server's closure, for display). */
function closure(direct: readonly string[], registry: PermissionInfo[]): Set<string> {
  const deps = new Map(registry.map((p) => [p.name, p.dependsOn]));
  const out = new Set<string>();
  const add = (p: string) => {
    if (out.has(p)) return;
    out.add(p);
    for (const d of deps.get(p) ?? []) add(d);
  };
  direct.forEach(add);
  return out;
}

function PermissionMatrix({ data, canManage, current, edit }: GridProps) {
  const groups = useMemo(() => {
    const m = new Map<string, PermissionInfo[]>();
    for (const p of data.permissions) m.set(p.group, [...(m.get(p.group) ?? []), p]);
    return [...m];
  }, [data.permissions]);
  const effective = new Map(data.roles.map((r) => [r.name, closure(current(r).permissions, data.permissions)]));

  const toggle = (r: Role, p: string, on: boolean) => {
    const perms = new Set(current(r).permissions);
    if (on) perms.add(p);
    else perms.delete(p);
    edit(r, { permissions: [...perms].sort() });
  };

  return (
    <section className="panel" aria-labelledby="permission-matrix">
      <h2 id="permission-matrix" className="panel-title">
        Permission matrix
      </h2>
      <p className="prose-width muted small">
        {canManage
          ? 'Tick a box to grant a permission to a role. A dot marks a permission a role has through another one it holds. Changes are saved together, with a reason, from the bar below.'
          : 'What each role may do. A tick is a permission granted to the role; a dot one it has through another permission. Only members who manage roles can change this.'}
      </p>
      <div className="table-scroll matrix-scroll">
        <table className="table table-dense matrix" data-testid="permission-matrix">
          <thead>
            <tr>
              <th scope="col" className="matrix-perm">
                Permission
              </th>
              {data.roles.map((r) => (
                <th key={r.name} scope="col" className="matrix-role">
                  <span className="mono">{r.name}</span>
                </th>
              ))}
            </tr>
          </thead>
          {groups.map(([group, perms]) => (
            <tbody key={group}>
              <tr className="matrix-group">
                <th scope="rowgroup" colSpan={data.roles.length + 1}>
                  {group}
                </th>
              </tr>
              {perms.map((p) => (
                <tr key={p.name} data-permission={p.name}>
                  <th scope="row" className="matrix-perm">
                    <span className="mono">{p.name}</span>
                    {p.privileged ? <span className="badge badge-denied matrix-flag">privileged</span> : null}
                    <span className="cell-sub">{p.description}</span>
                    {p.dependsOn.length ? <span className="cell-sub">needs {p.dependsOn.join(', ')}</span> : null}
                  </th>
                  {data.roles.map((r) => {
                    const direct = current(r).permissions.includes(p.name);
                    const implied = !direct && effective.get(r.name)!.has(p.name);
                    const label = `${r.name}: ${p.name}`;
                    return (
                      <td key={r.name} className="matrix-cell" data-role={r.name} data-state={direct ? 'granted' : implied ? 'implied' : 'denied'}>
                        {canManage ? (
                          <input type="checkbox" checked={direct} aria-label={label} onChange={(e) => toggle(r, p.name, e.target.checked)} />
                        ) : direct ? (
                          <span aria-label={`${label}: granted`} role="img">
                            ✓
                          </span>
                        ) : null}
                        {implied ? (
                          <span className="matrix-implied" title="Through another permission this role holds" aria-label={`${label}: through a dependency`} role="img">
                            •
                          </span>
                        ) : null}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      </div>
    </section>
  );
}

function FieldPolicyGrid({ data, canManage, current, edit }: GridProps) {
  return (
    <section className="panel" aria-labelledby="field-policy">
      <h2 id="field-policy" className="panel-title">
        Field visibility and sessions
      </h2>
      <p className="prose-width muted small">
        What members of each role see of trader fields, by class. <strong>Masked</strong> shows a fixed part only (e.g.
        j***@d***.com); <strong>Reveal</strong> is masked until the member reveals it with a reason and a fresh
        second factor (audited, rate-limited); <strong>Hidden</strong> leaves the field out. Secret fields are never shown to
        anyone.
      </p>
      <dl className="facts facts-compact">
        {data.fieldClasses.map((c) => (
          <div key={c.name}>
            <dt className="mono">{c.name}</dt>
            <dd className="small">{c.description}</dd>
          </div>
        ))}
      </dl>
      <div className="table-scroll">
        <table className="table table-dense" data-testid="field-policy">
          <thead>
            <tr>
              <th scope="col">Role</th>
              {FIELD_CLASSES.map((c) => (
                <th key={c} scope="col">
                  {c}
                </th>
              ))}
              <th scope="col">Idle lock (min)</th>
              <th scope="col">Hardware key</th>
            </tr>
          </thead>
          <tbody>
            {data.roles.map((r) => {
              const s = current(r);
              return (
                <tr key={r.name} data-role={r.name}>
                  <th scope="row" className="mono">
                    {r.name}
                  </th>
                  {FIELD_CLASSES.map((c) => (
                    <td key={c} data-class={c} data-visibility={s.fieldPolicy[c]}>
                      {c === 'secret' ? (
                        <span className="badge badge-neutral">never shown</span>
                      ) : canManage ? (
                        <select
                          className="input input-small select-visibility"
                          aria-label={`${r.name}: ${c}`}
                          value={s.fieldPolicy[c]}
                          onChange={(e) => edit(r, { fieldPolicy: { ...s.fieldPolicy, [c]: e.target.value as Visibility } as ClassPolicy })}
                        >
                          {[...VISIBILITIES].reverse().map((v) => (
                            <option key={v} value={v}>
                              {VISIBILITY_LABELS[v]}
                            </option>
                          ))}
                        </select>
                      ) : (
                        <VisibilityBadge v={s.fieldPolicy[c]} />
                      )}
                    </td>
                  ))}
                  <td>
                    {canManage ? (
                      <input
                        type="number"
                        className="input input-small"
                        min={1}
                        max={15}
                        aria-label={`${r.name}: idle lock in minutes`}
                        value={s.idleTimeoutMinutes}
                        onChange={(e) => edit(r, { idleTimeoutMinutes: Math.min(15, Math.max(1, Math.round(Number(e.target.value) || 1))) })}
                      />
                    ) : (
                      s.idleTimeoutMinutes
                    )}
                  </td>
                  <td>
                    {canManage ? (
                      <input type="checkbox" aria-label={`${r.name}: requires a hardware key`} checked={s.requireHardwareKey} onChange={(e) => edit(r, { requireHardwareKey: e.target.checked })} />
                    ) : s.requireHardwareKey ? (
                      'required'
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function VisibilityBadge({ v }: { v: Visibility }) {
  const cls = v === 'full' ? 'badge badge-ok' : v === 'hidden' ? 'badge badge-neutral' : 'badge';
  return <span className={cls}>{VISIBILITY_LABELS[v]}</span>;
}

/** The sticky bar that saves every changed role with one reason. */
function SaveBar({ changed, drafts, onDone, onDiscard }: { changed: Role[]; drafts: Drafts; onDone: (applied: string[]) => void; onDiscard: () => void }) {
  const update = useUpdateRole();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<SaveResult[]>([]);
  const [failure, setFailure] = useState<ApiError | null>(null);

  const onSave = async () => {
    if (reason.trim().length < 5) {
      setReasonError('Give a reason (at least 5 characters): it is recorded in the audit log.');
      return;
    }
    setReasonError(undefined);
    setBusy(true);
    setFailure(null);
    const out: SaveResult[] = [];
    for (const r of changed) {
      try {
        const res = await update.mutateAsync({ name: r.name, body: { ...drafts[r.name]!, reason: reason.trim() } });
        out.push({
          role: r.name,
          outcome: res.status,
          message:
            res.status === 'pending'
              ? 'privileged: sent for approval by a second member (see Approvals)'
              : res.status === 'applied'
                ? 'saved: applies from the next request of its members'
                : 'nothing to change',
        });
      } catch (err) {
        const e = isApiError(err) ? err : null;
        if (e) setFailure(e);
        out.push({ role: r.name, outcome: 'failed', message: isStepUpRequired(err) ? 'confirm with your second factor first, then save again' : (e?.problem.title ?? 'not saved') });
      }
    }
    setResults(out);
    setBusy(false);
    onDone(out.filter((x) => x.outcome !== 'failed').map((x) => x.role));
    if (out.every((x) => x.outcome !== 'failed')) {
      setOpen(false);
      setReason('');
    }
  };

  return (
    <>
      <div role="status" aria-live="polite">
        {results.length > 0 && !open ? (
          <div className={results.some((r) => r.outcome === 'failed') ? 'alert alert-error' : 'alert alert-success'} data-testid="save-results">
            <p className="alert-title">Role changes</p>
            <ul className="alert-detail">
              {results.map((r) => (
                <li key={r.role} data-role={r.role} data-outcome={r.outcome}>
                  <span className="mono">{r.role}</span>: {r.message}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
      {changed.length > 0 ? (
        <div className="savebar" data-testid="save-bar">
          <span>
            {changed.length === 1 ? 'One role changed' : `${changed.length} roles changed`}: <span className="mono">{changed.map((r) => r.name).join(', ')}</span>
          </span>
          <div className="panel-head-actions">
            <button type="button" className="button button-small" onClick={onDiscard} disabled={busy}>
              Discard
            </button>
            <button
              type="button"
              className="button button-primary button-small"
              onClick={() => {
                setResults([]);
                setFailure(null);
                setOpen(true);
              }}
            >
              Review and save…
            </button>
          </div>
        </div>
      ) : null}
      <ConfirmDialog
        open={open}
        title="Save role changes?"
        confirmLabel="Save"
        busyLabel="Saving…"
        busy={busy}
        onConfirm={() => void onSave()}
        onCancel={() => setOpen(false)}
        footer={
          failure && isStepUpRequired(failure) ? (
            <div className="alert alert-warning" role="alert" data-testid="step-up-required">
              <p className="alert-title">Confirm it is you</p>
              <p className="alert-detail">Changing roles needs a second factor used in the last 5 minutes. Confirm with your authenticator or security key, then save again.</p>
            </div>
          ) : (
            <ProblemAlert error={failure} title="Some roles were not saved" />
          )
        }
      >
        <ul className="change-list">
          {changed.map((r) => (
            <li key={r.name}>
              <span className="mono">{r.name}</span>
              {r.privileged || drafts[r.name]?.privileged ? <span className="muted small"> — privileged: a second member must approve</span> : null}
              <ul className="small">
                {describe(settingsOf(r), drafts[r.name]!).map((c) => (
                  <li key={c}>{c}</li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
        <FormField label="Reason" name="reason" value={reason} onChange={(e) => setReason(e.target.value)} error={reasonError} hint="Recorded in the audit log with the change." maxLength={1000} />
      </ConfirmDialog>
    </>
  );
}

function describe(before: RoleSettings, after: RoleSettings): string[] {
  const out: string[] = [];
  const added = after.permissions.filter((p) => !before.permissions.includes(p));
  const removed = before.permissions.filter((p) => !after.permissions.includes(p));
  if (added.length) out.push(`grant ${added.join(', ')}`);
  if (removed.length) out.push(`withdraw ${removed.join(', ')}`);
  for (const c of FIELD_CLASSES) if (before.fieldPolicy[c] !== after.fieldPolicy[c]) out.push(`${c}: ${before.fieldPolicy[c]} → ${after.fieldPolicy[c]}`);
  if (before.idleTimeoutMinutes !== after.idleTimeoutMinutes) out.push(`idle lock ${before.idleTimeoutMinutes} → ${after.idleTimeoutMinutes} min`);
  if (before.requireHardwareKey !== after.requireHardwareKey) out.push(after.requireHardwareKey ? 'requires a hardware key' : 'no longer requires a hardware key');
  return out;
}

function NewRolePanel({ data }: { data: RolesResponse }) {
  const create = useCreateRole();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [from, setFrom] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ name?: string; reason?: string }>({});

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const errs: { name?: string; reason?: string } = {};
    if (!/^[a-z][a-z0-9_]{1,62}$/.test(name)) errs.name = 'Lower-case letters, digits and _, starting with a letter (2 to 63 characters).';
    if (reason.trim().length < 5) errs.reason = 'Give a reason (at least 5 characters).';
    setErrors(errs);
    if (Object.keys(errs).length) return;
    const base = data.roles.find((r) => r.name === from);
    // A new role starts from nothing (deny by default) or from a copy of another role's settings.
    const settings: RoleSettings = base
      ? { ...settingsOf(base), description }
      : {
          description,
          permissions: [],
          fieldPolicy: { public: 'full', contact: 'hidden', identity: 'hidden', financial: 'hidden', security: 'hidden', secret: 'hidden' },
          idleTimeoutMinutes: 10,
          requireHardwareKey: false,
          privileged: false,
        };
    create.mutate(
      { ...settings, name, reason: reason.trim() },
      {
        onSuccess: () => {
          setName('');
          setDescription('');
          setReason('');
        },
      },
    );
  };

  const fieldErrors = isApiError(create.error) ? create.error.fieldErrors() : {};
  return (
    <section className="panel" aria-labelledby="new-role">
      <h2 id="new-role" className="panel-title">
        New role
      </h2>
      <p className="prose-width muted small">
        A new role grants nothing until you tick its permissions in the matrix. A role holding a privileged permission is
        privileged: granting it needs a second member’s approval.
      </p>
      <form className="form form-grid" onSubmit={onSubmit} noValidate>
        <FormField label="Name" name="name" value={name} onChange={(e) => setName(e.target.value.trim())} error={errors.name ?? fieldErrors.name} autoComplete="off" />
        <FormField label="Description" name="description" value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} />
        <div className="field">
          <label htmlFor="new-role-from" className="field-label">
            Start from
          </label>
          <select id="new-role-from" className="input" value={from} onChange={(e) => setFrom(e.target.value)}>
            <option value="">Nothing (deny everything)</option>
            {data.roles.map((r) => (
              <option key={r.name} value={r.name}>
                a copy of {r.name}
              </option>
            ))}
          </select>
        </div>
        <FormField label="Reason" name="reason" value={reason} onChange={(e) => setReason(e.target.value)} error={errors.reason ?? fieldErrors.reason} maxLength={1000} />
        <div className="actions span-2">
          <button type="submit" className="button button-primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create role'}
          </button>
        </div>
        <div className="span-2" role="status" aria-live="polite">
          {create.isSuccess ? <p className="alert alert-success">Role {create.data.name} created.</p> : null}
        </div>
        <div className="span-2">
          {isStepUpRequired(create.error) ? (
            <div className="alert alert-warning" role="alert">
              <p className="alert-title">Confirm it is you</p>
              <p className="alert-detail">Creating a role needs a second factor used in the last 5 minutes. Confirm with your authenticator or security key, then try again.</p>
            </div>
          ) : (
            <ProblemAlert error={isApiError(create.error) ? create.error : null} title="The role was not created" />
          )}
        </div>
      </form>
    </section>
  );
}

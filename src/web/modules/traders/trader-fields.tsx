// How a trader's fields are shown: the value exactly as the server sent it (full or masked per the member's
// roles; a hidden field is simply absent), a "(masked)" note, and for the fields the server lists as
// `revealable` a Reveal button. A revealed value replaces the masked one for this page view only (it lives in
// the profile page's state, never in a cache) and is marked "revealed — audited".
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import type { TraderView } from '../../../contracts/traders.js';
import { ReasonDialog } from '../staff/reason-dialog.js';
import { revealTraderField, type RevealedValue } from './traders.api.js';

export type FieldName = keyof TraderView['fields'];
type Person = NonNullable<TraderView['fields']['directors']>[number];

interface RevealContextValue {
  view: TraderView;
  revealed: Partial<Record<string, RevealedValue>>;
  ask(field: FieldName, label: string): void;
}

const RevealContext = createContext<RevealContextValue | null>(null);

function useReveal(): RevealContextValue {
  const ctx = useContext(RevealContext);
  if (!ctx) throw new Error('trader fields are rendered inside <RevealProvider>');
  return ctx;
}

/**
 * Holds the fields revealed on this page view and the reason dialog. The step-up the server asks for is answered
 * by the app-wide step-up dialog (api.ts retries the reveal once after it).
 */
export function RevealProvider({ view, children }: { view: TraderView; children: ReactNode }) {
  const [revealed, setRevealed] = useState<Partial<Record<string, RevealedValue>>>({});
  const [pending, setPending] = useState<{ field: FieldName; label: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const ask = useCallback((field: FieldName, label: string) => {
    setError(null);
    setPending({ field, label });
  }, []);

  const confirm = async (reason: string) => {
    if (!pending) return;
    setBusy(true);
    setError(null);
    try {
      const value = await revealTraderField(view.id, pending.field, reason);
      setRevealed((r) => ({ ...r, [pending.field]: value }));
      setPending(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <RevealContext.Provider value={{ view, revealed, ask }}>
      {children}
      <ReasonDialog
        open={pending !== null}
        title={pending ? `Reveal: ${pending.label}` : 'Reveal'}
        confirmLabel="Reveal"
        required
        busy={busy}
        error={error}
        onConfirm={(reason) => void confirm(reason)}
        onCancel={() => setPending(null)}
      >
        <p>
          The full value is shown on this page only, until you leave it. The reveal, your reason and the field are recorded in the audit log,
          and you may be asked to confirm it’s you.
        </p>
      </ReasonDialog>
    </RevealContext.Provider>
  );
}

function isPeople(v: unknown[]): v is Person[] {
  return v.every((x) => typeof x === 'object' && x !== null && 'role' in x && 'name' in x);
}

/** A plain rendering of any field value: text, yes/no, "—" for none, a list for wallets and balances. */
export function renderValue(v: RevealedValue | number | undefined): ReactNode {
  if (v === undefined || v === null || v === '') return <span className="muted">—</span>;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  if (v.length === 0) return <span className="muted">none</span>;
  if (isPeople(v)) return <PeopleTable people={v} />;
  return (
    <ul className="plain-list mono">
      {v.map((x, i) => (
        <li key={i}>{'chain' in x ? `${x.chain}: ${x.address}` : 'asset' in x ? `${x.asset} ${x.amount}` : ''}</li>
      ))}
    </ul>
  );
}

function PeopleTable({ people }: { people: Person[] }) {
  return (
    <table className="table table-dense">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Date of birth</th>
          <th scope="col">Nationality</th>
          <th scope="col">Ownership</th>
        </tr>
      </thead>
      <tbody>
        {people.map((p, i) => (
          <tr key={i}>
            <td>{p.name}</td>
            <td className="mono">{p.dateOfBirth ?? '—'}</td>
            <td>{p.nationality ?? '—'}</td>
            <td>{p.ownershipPct ? `${p.ownershipPct} %` : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The value of one field with its masked / revealed state and the Reveal button where the server allows it. */
export function FieldValue({ field, label }: { field: FieldName; label: string }) {
  const { view, revealed, ask } = useReveal();
  const isRevealed = Object.prototype.hasOwnProperty.call(revealed, field);
  const masked = !isRevealed && view.masked.includes(field);
  const value = isRevealed ? revealed[field] : view.fields[field];
  return (
    <span className="field-value" data-field={field} data-state={isRevealed ? 'revealed' : masked ? 'masked' : 'full'}>
      <span className="field-value-text">{renderValue(value)}</span>
      {masked ? <span className="muted small"> (masked)</span> : null}
      {masked && view.revealable.includes(field) ? (
        <button type="button" className="link-button small" onClick={() => ask(field, label)} aria-label={`Reveal ${label}`}>
          Reveal
        </button>
      ) : null}
      {isRevealed ? <span className="badge badge-denied small">revealed — audited</span> : null}
    </span>
  );
}

/** True when the member sees the field at all (a hidden field is absent from the answer). */
export function hasField(view: TraderView, field: FieldName): boolean {
  return view.fields[field] !== undefined;
}

/** A definition list of the fields the member sees; hidden ones are left out, so nothing hints at their value. */
export function FieldFacts({ view, rows }: { view: TraderView; rows: readonly [FieldName, string][] }) {
  const shown = rows.filter(([f]) => hasField(view, f));
  if (shown.length === 0) return <p className="muted">Nothing in this section is visible to your roles.</p>;
  return (
    <dl className="facts">
      {shown.map(([f, label]) => (
        <FactRow key={f} field={f} label={label} />
      ))}
    </dl>
  );
}

function FactRow({ field, label }: { field: FieldName; label: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>
        <FieldValue field={field} label={label} />
      </dd>
    </>
  );
}

// "Edit details" on a trader's profile, for members holding trader.update: change the legal name, e-mail, phone,
// country or date of birth on the trader's verified request. Only fields the member's roles show are offered
// (the server refuses the others anyway), inputs start empty (a masked value is never sent back as if it were
// the real one), only filled-in fields are sent, and a reason is required. Changing a screened field (name,
// date of birth, country) re-runs sanctions screening and the jurisdiction rules on the server.
import { useState, type FormEvent } from 'react';
import type { TraderView } from '../../../contracts/traders.js';
import { isApiError } from '../../api.js';
import { FormField } from '../../components/form-field.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { useCan } from '../roles/roles.api.js';
import { useUpdateTrader, type TraderEdit } from './traders.api.js';

const EDITABLE = [
  ['legalName', 'Legal name', 'text'],
  ['email', 'E-mail', 'email'],
  ['phone', 'Phone', 'tel'],
  ['country', 'Country (ISO code, e.g. GB)', 'text'],
  ['dateOfBirth', 'Date of birth', 'date'],
] as const;
type Editable = (typeof EDITABLE)[number][0];

export function TraderEditDetails({ view }: { view: TraderView }) {
  const canEdit = useCan('trader.update');
  if (!canEdit) return null;
  // A field the roles hide is absent from the view: not offered.
  const offered = EDITABLE.filter(([f]) => f in view.fields);
  if (offered.length === 0) return null;
  return (
    <details className="edit-details" data-testid="trader-edit">
      <summary>Edit details</summary>
      <EditForm traderId={view.id} offered={offered} />
    </details>
  );
}

function EditForm({ traderId, offered }: { traderId: string; offered: readonly (typeof EDITABLE)[number][] }) {
  const update = useUpdateTrader(traderId);
  const [values, setValues] = useState<Partial<Record<Editable, string>>>({});
  const [reason, setReason] = useState('');
  const [invalid, setInvalid] = useState<string | undefined>();
  const [saved, setSaved] = useState(false);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setSaved(false);
    const body: TraderEdit = { reason };
    for (const [f] of offered) {
      const v = values[f]?.trim();
      if (v) body[f] = v;
    }
    if (Object.keys(body).length === 1) return setInvalid('Fill in at least one field to change.');
    if (reason.trim().length < 5) return setInvalid('Give the reason for the change (at least 5 characters).');
    setInvalid(undefined);
    update.mutate(body, {
      onSuccess: () => {
        setValues({});
        setReason('');
        setSaved(true);
      },
    });
  };

  const error = update.error && isApiError(update.error) ? update.error : null;
  const errors = error?.fieldErrors() ?? {};
  return (
    <form className="form" onSubmit={submit} noValidate>
      <p className="small muted">Only the fields you fill in change. Changing the name, date of birth or country re-runs sanctions screening.</p>
      {offered.map(([f, label, type]) => (
        <FormField
          key={f}
          label={label}
          name={f}
          type={type}
          value={values[f] ?? ''}
          onChange={(e) => setValues((v) => ({ ...v, [f]: e.target.value }))}
          error={errors[`body.${f}`]}
          autoComplete="off"
        />
      ))}
      <FormField label="Reason" name="reason" value={reason} onChange={(e) => setReason(e.target.value)} error={invalid ?? errors['body.reason']} hint="Recorded in the audit log, e.g. how the trader's request was verified." />
      {error && !Object.keys(errors).length ? <ProblemAlert error={error} /> : null}
      {saved ? (
        <p className="alert alert-success" role="status">
          Saved.
        </p>
      ) : null}
      <button className="button" type="submit" disabled={update.isPending}>
        {update.isPending ? 'Saving…' : 'Save changes'}
      </button>
    </form>
  );
}

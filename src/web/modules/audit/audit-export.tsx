// Signed export of a period of the audit log, saved byte for byte, with the command that verifies it offline.
import { useState, type FormEvent } from 'react';
import { isApiError } from '../../api.js';
import { CopyCode } from '../../components/copy-code.js';
import { FormField } from '../../components/form-field.js';
import { formatBytes } from '../../components/format.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { saveBlob, useAuditExport } from './audit.api.js';

const DEFAULT_FILENAME = 'bulwark-audit-export.json';

/**
 * A datetime-local value ("2025-03-04T09:15", seconds optional) read as UTC, like every time on this page.
 * `end` makes the bound inclusive of the whole minute (or second) it names.
 */
export function utcInputToIso(value: string, end: boolean): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const [, day, hh, mm, ss] = m;
  const d = new Date(`${day}T${hh}:${mm}:${ss ?? (end ? '59' : '00')}.${end ? '999' : '000'}Z`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function AuditExportPanel({ verifierKey }: { verifierKey: string }) {
  const exporter = useAuditExport();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [errors, setErrors] = useState<{ from?: string; to?: string }>({});
  const [saved, setSaved] = useState<{ name: string; size: number } | null>(null);

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setSaved(null);
    const errs: { from?: string; to?: string } = {};
    const fromIso = from ? utcInputToIso(from, false) : undefined;
    const toIso = to ? utcInputToIso(to, true) : undefined;
    if (fromIso === null) errs.from = 'Enter a date and time, or leave empty.';
    if (toIso === null) errs.to = 'Enter a date and time, or leave empty.';
    if (fromIso && toIso && fromIso > toIso) errs.to = 'The end must be after the start.';
    setErrors(errs);
    if (Object.keys(errs).length > 0) return;
    exporter.mutate(
      { from: fromIso ?? undefined, to: toIso ?? undefined },
      {
        onSuccess: ({ blob, filename }) => {
          const name = filename ?? DEFAULT_FILENAME;
          saveBlob(blob, name);
          setSaved({ name, size: blob.size });
        },
      },
    );
  };

  const command = `bulwark audit verify-export ${saved?.name ?? DEFAULT_FILENAME} --verifier-key ${verifierKey}`;

  return (
    <section className="panel" aria-labelledby="audit-export">
      <h2 id="audit-export" className="panel-title">
        Signed export
      </h2>
      <p className="prose-width">
        Downloads the events of a period as one signed file, with the proofs that tie it to the signed Merkle tree. Anyone
        holding the verifier key can check it offline, without access to this server. The export itself is recorded in
        the audit log.
      </p>
      <ProblemAlert error={isApiError(exporter.error) ? exporter.error : null} />
      <form name="audit-export" className="export-form" noValidate onSubmit={onSubmit}>
        <FormField
          label="From (UTC)"
          name="from"
          type="datetime-local"
          value={from}
          onChange={(e) => setFrom(e.target.value)}
          error={errors.from}
          hint="Empty: from the first event."
        />
        <FormField
          label="To (UTC)"
          name="to"
          type="datetime-local"
          value={to}
          onChange={(e) => setTo(e.target.value)}
          error={errors.to}
          hint="Empty: up to now. The minute given is included."
        />
        <div className="export-submit">
          <button type="submit" className="button button-primary" disabled={exporter.isPending}>
            {exporter.isPending ? 'Preparing export…' : 'Download signed export'}
          </button>
        </div>
      </form>
      <div role="status" aria-live="polite">
        {saved ? (
          <div className="alert alert-success" data-testid="export-saved">
            <p className="alert-title">Export saved</p>
            <p className="alert-detail">
              <code>{saved.name}</code> ({formatBytes(saved.size)}) is in your browser’s downloads.
            </p>
          </div>
        ) : null}
      </div>
      <h3 className="subsection-title">Verify an export offline</h3>
      <p className="prose-width">
        On any machine with Bulwark installed, run the command below next to the file. It checks every event’s hash, the
        proofs against the signed checkpoint and the signature of the file as a whole. Take the verifier key from a source
        you trust (the copy kept when the system was installed, or this page), not from the file itself.
      </p>
      <CopyCode value={command} label="Copy command" testId="verify-export-command" />
    </section>
  );
}

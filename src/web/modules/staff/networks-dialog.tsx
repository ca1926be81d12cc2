// Edits a member's allowed IP ranges: one address or CIDR range per line; empty means no restriction.
import { useEffect, useState } from 'react';
import { isApiError } from '../../api.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { ProblemAlert } from '../../components/problem-alert.js';

export function NetworksDialog({
  open,
  name,
  current,
  busy,
  error,
  onSave,
  onCancel,
}: {
  open: boolean;
  name: string;
  current: string[];
  busy: boolean;
  error: unknown;
  onSave(cidrs: string[]): void;
  onCancel(): void;
}) {
  const [text, setText] = useState('');
  useEffect(() => {
    if (open) setText(current.join('\n'));
  }, [open, current]);
  const cidrs = text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return (
    <ConfirmDialog
      open={open}
      title={`Allowed networks of ${name}`}
      confirmLabel="Save"
      busyLabel="Saving…"
      busy={busy}
      onConfirm={() => onSave(cidrs)}
      onCancel={onCancel}
      footer={<ProblemAlert error={isApiError(error) ? error : null} title="The networks were not saved" />}
    >
      <p>
        Sign-ins and requests from anywhere else are refused, and sessions from elsewhere end at once. Leave empty for no restriction (new
        countries and networks still freeze the account).
      </p>
      <div className="field">
        <label htmlFor="cidrs" className="field-label">
          Addresses or ranges, one per line (e.g. <code>203.0.113.0/24</code>, <code>2001:db8::/48</code>)
        </label>
        <textarea id="cidrs" name="cidrs" className="input textarea" rows={5} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
      </div>
    </ConfirmDialog>
  );
}

// A confirmation that asks for a reason (recorded in the audit log with the action). Built on ConfirmDialog.
import { useEffect, useState, type ReactNode } from 'react';
import { isApiError } from '../../api.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { FormField } from '../../components/form-field.js';
import { ProblemAlert } from '../../components/problem-alert.js';

interface ReasonDialogProps {
  open: boolean;
  title: string;
  confirmLabel: string;
  children: ReactNode;
  /** A reason of at least 5 characters is required (otherwise optional). */
  required: boolean;
  busy: boolean;
  error: unknown;
  label?: string;
  onConfirm(reason: string): void;
  onCancel(): void;
}

export function ReasonDialog({ open, title, confirmLabel, children, required, busy, error, label = 'Reason (recorded in the audit log)', onConfirm, onCancel }: ReasonDialogProps) {
  const [reason, setReason] = useState('');
  const [invalid, setInvalid] = useState<string | undefined>();
  useEffect(() => {
    if (open) {
      setReason('');
      setInvalid(undefined);
    }
  }, [open]);
  const submit = () => {
    const r = reason.trim();
    if (required && r.length < 5) return setInvalid('Give a reason of at least 5 characters.');
    if (!required && r.length > 0 && r.length < 5) return setInvalid('A reason, when given, needs at least 5 characters.');
    onConfirm(r);
  };
  return (
    <ConfirmDialog
      open={open}
      title={title}
      confirmLabel={confirmLabel}
      busyLabel="Working…"
      busy={busy}
      onConfirm={submit}
      onCancel={onCancel}
      footer={<ProblemAlert error={isApiError(error) ? error : null} />}
    >
      {children}
      <FormField
        label={required ? label : `${label}, optional`}
        name="reason"
        maxLength={1000}
        value={reason}
        onChange={(e) => {
          setReason(e.target.value);
          setInvalid(undefined);
        }}
        error={invalid}
      />
    </ConfirmDialog>
  );
}

// Ten recovery codes, shown exactly once: the server keeps only their hashes. The person confirms they saved
// them before moving on.
import { useId, useState } from 'react';

interface RecoveryCodesPanelProps {
  codes: string[];
  /** Label of the button that appears once the person confirmed (e.g. "Continue"). */
  continueLabel: string;
  onContinue(): void;
}

export function RecoveryCodesPanel({ codes, continueLabel, onContinue }: RecoveryCodesPanelProps) {
  const [saved, setSaved] = useState(false);
  const checkId = useId();
  return (
    <section className="recovery-panel" aria-labelledby={`${checkId}-title`} data-testid="recovery-codes">
      <h2 id={`${checkId}-title`} className="section-title">
        Your recovery codes
      </h2>
      <div role="status" className="alert alert-warning">
        <p className="alert-title">Save these codes now: they will not be shown again.</p>
        <p className="alert-detail">
          Each code signs you in once if you lose your authenticator or security key. Keep them somewhere safe and
          offline (a password manager or a printed copy in a locked drawer), never with your device.
        </p>
      </div>
      <ol className="recovery-codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <div className="field field-check">
        <input id={checkId} type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} />
        <label htmlFor={checkId}>I have saved these recovery codes somewhere safe</label>
      </div>
      <div className="actions">
        <button type="button" className="button button-primary" disabled={!saved} onClick={onContinue}>
          {continueLabel}
        </button>
      </div>
    </section>
  );
}

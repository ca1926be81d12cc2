import { useEffect, useId, useRef, useState } from 'react';

interface CopyCodeProps {
  /** The exact text to copy (a key, a command). */
  value: string;
  /** Names the value for the button ("Copy verifier key"). */
  label: string;
  testId?: string;
}

/**
 * A value shown in a code block with a Copy button. The text is also selectable in one click
 * (user-select: all) where the clipboard API is unavailable or refused.
 */
export function CopyCode({ value, label, testId }: CopyCodeProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<number | undefined>(undefined);
  const statusId = useId();

  useEffect(() => () => window.clearTimeout(timer.current), []);

  const onCopy = async () => {
    window.clearTimeout(timer.current);
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      setState('failed');
    }
    timer.current = window.setTimeout(() => setState('idle'), 2500);
  };

  return (
    <div className="copy-code">
      <pre className="code-block" data-testid={testId}>
        <code>{value}</code>
      </pre>
      <div className="copy-code-actions">
        <button type="button" className="button button-small" onClick={() => void onCopy()} aria-describedby={statusId}>
          {label}
        </button>
        <span id={statusId} role="status" className="copy-code-status small">
          {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy refused by the browser: select the text instead' : ''}
        </span>
      </div>
    </div>
  );
}

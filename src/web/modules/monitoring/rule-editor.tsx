// The rule editor: a YAML or JSON source in a textarea, "Validate" (the server's parser: errors by path) and
// "Save draft". Saving never activates anything; the editor says so.
import { useState, type FormEvent } from 'react';
import type { RuleSource, ValidationResult } from '../../../contracts/monitoring-rules.js';
import { isApiError, type ApiError } from '../../api.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { useValidateRule } from './rules.api.js';

export function RuleEditor(props: { initial: RuleSource; saving: boolean; saveError: ApiError | null; saveLabel: string; onSave: (src: RuleSource) => void; onChange?: (src: RuleSource) => void }) {
  const [format, setFormat] = useState(props.initial.format);
  const [source, setSource] = useState(props.initial.source);
  const validate = useValidateRule();
  const [result, setResult] = useState<ValidationResult | null>(null);
  const onValidate = () => validate.mutate({ format, source }, { onSuccess: setResult });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    props.onSave({ format, source });
  };
  // A 400 from saving carries the same problems as "Validate", under rule.<path>.
  const saveProblems = props.saveError?.problem.errors ?? [];
  return (
    <form className="form" onSubmit={onSubmit} aria-label="Rule editor">
      <label className="field">
        <span className="field-label">Format</span>
        <select
          className="input input-small"
          value={format}
          onChange={(e) => {
            setFormat(e.target.value as RuleSource['format']);
            props.onChange?.({ format: e.target.value as RuleSource['format'], source });
          }}
          data-testid="rule-format"
        >
          <option value="yaml">YAML</option>
          <option value="json">JSON</option>
        </select>
      </label>
      <label className="field">
        <span className="field-label">Rule source</span>
        <textarea
          className="input textarea"
          rows={18}
          spellCheck={false}
          value={source}
          onChange={(e) => {
            setSource(e.target.value);
            setResult(null);
            props.onChange?.({ format, source: e.target.value });
          }}
          data-testid="rule-source"
        />
        <span className="field-hint">
          Conditions: threshold, velocity, structuring, rapid_in_out, high_risk_jurisdiction, sanctioned_counterparty, dormant_reactivated, baseline_deviation, all, any. Windows such as 30m, 24h,
          7d (at most 31 days). See docs/monitoring-rules.md.
        </span>
      </label>
      <div className="actions">
        <button type="button" className="button" onClick={onValidate} disabled={validate.isPending} data-testid="rule-validate">
          {validate.isPending ? 'Validating…' : 'Validate'}
        </button>
        <button type="submit" className="button button-primary" disabled={props.saving} data-testid="rule-save">
          {props.saving ? 'Saving…' : props.saveLabel}
        </button>
      </div>
      {result ? (
        result.valid ? (
          <p className="alert alert-success" role="status" data-testid="rule-valid">
            Valid: {result.rule?.name} ({result.conditionTypes.join(', ')}).
          </p>
        ) : (
          <ProblemList title="The rule is not valid" problems={result.errors} />
        )
      ) : null}
      <ProblemAlert error={isApiError(validate.error) ? validate.error : null} />
      {saveProblems.length ? <ProblemList title={props.saveError?.problem.title ?? 'Not saved'} problems={saveProblems} /> : <ProblemAlert error={props.saveError} />}
    </form>
  );
}

function ProblemList({ title, problems }: { title: string; problems: readonly { path: string; message: string }[] }) {
  return (
    <div className="alert alert-error" role="alert" data-testid="rule-errors">
      <p className="alert-title">{title}</p>
      <ul className="small">
        {problems.map((p) => (
          <li key={`${p.path}:${p.message}`}>
            <code>{p.path}</code>: {p.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

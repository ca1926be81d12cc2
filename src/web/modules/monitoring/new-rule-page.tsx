// /monitoring/rules/new — write a rule (YAML or JSON), validate it, backtest it unsaved, save it as a draft.
import { useRef } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { RuleSource } from '../../../contracts/monitoring-rules.js';
import { isApiError } from '../../api.js';
import { usePageTitle } from '../../components/page-title.js';
import { BacktestPanel } from './backtest-panel.js';
import { RuleEditor } from './rule-editor.js';
import { NEW_RULE_TEMPLATE } from './rule-labels.js';
import { useCreateRule } from './rules.api.js';

export function NewRulePage() {
  usePageTitle('New monitoring rule');
  const create = useCreateRule();
  const navigate = useNavigate();
  // The backtest panel runs what the editor holds now, unsaved.
  const current = useRef<RuleSource>({ format: 'yaml', source: NEW_RULE_TEMPLATE });
  return (
    <div className="page-wide">
      <p className="breadcrumb">
        <Link to="/monitoring">Monitoring</Link> / <Link to="/monitoring/rules">Rules</Link> / New
      </p>
      <div className="page-header">
        <h1 className="page-title">New rule</h1>
      </div>
      <section className="panel" aria-label="Rule">
        <p className="small muted">The rule is saved as a draft (version 1): it evaluates nothing until a second member approves its activation.</p>
        <RuleEditor
          initial={current.current}
          saving={create.isPending}
          saveError={isApiError(create.error) ? create.error : null}
          saveLabel="Save draft"
          onChange={(src) => (current.current = src)}
          onSave={(src) => create.mutate(src, { onSuccess: (r) => navigate(`/monitoring/rules/${encodeURIComponent(r.id)}`) })}
        />
      </section>
      <p className="small muted">The backtest below runs the rule as it stands in the editor, unsaved.</p>
      <BacktestPanel source={() => current.current} />
    </div>
  );
}

// Backtest panel: a date range (default the last 90 days) → alerts the rule would have raised (distinct dedup
// keys), traders, alerts per day, a sample of hits, events scanned and the time taken.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import type { RuleSource } from '../../../contracts/monitoring-rules.js';
import { isApiError } from '../../api.js';
import { formatCount, formatUtc } from '../../components/format.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { useBacktest } from './rules.api.js';

const day = (d: Date) => d.toISOString().slice(0, 10);

export function BacktestPanel(props: { ruleId?: string; version?: number; source?: () => RuleSource }) {
  const bt = useBacktest();
  const [from, setFrom] = useState(day(new Date(Date.now() - 90 * 86_400_000)));
  const [to, setTo] = useState(day(new Date()));
  const onRun = (e: FormEvent) => {
    e.preventDefault();
    const range = { from: `${from}T00:00:00.000Z`, to: `${to}T23:59:59.999Z` };
    bt.mutate(props.source ? { rule: props.source(), ...range } : { ruleId: props.ruleId!, ...(props.version ? { version: props.version } : {}), ...range });
  };
  const r = bt.data;
  const maxPerDay = Math.max(1, ...(r?.perDay.map((p) => p.alerts) ?? [1]));
  return (
    <section className="panel" aria-label="Backtest">
      <h2 className="panel-title">Backtest{props.version ? ` of version ${props.version}` : ''}</h2>
      <p className="small muted">Runs the rule over the stored events of the range, with the same evaluator as live monitoring. Reading trader history is audited.</p>
      <form className="inline-form" onSubmit={onRun} aria-label="Backtest range">
        <label className="field">
          <span className="field-label">From</span>
          <input className="input input-small" type="date" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="backtest-from" />
        </label>
        <label className="field">
          <span className="field-label">To</span>
          <input className="input input-small" type="date" value={to} onChange={(e) => setTo(e.target.value)} data-testid="backtest-to" />
        </label>
        <button type="submit" className="button" disabled={bt.isPending} data-testid="backtest-run">
          {bt.isPending ? 'Running…' : 'Run backtest'}
        </button>
      </form>
      <ProblemAlert error={isApiError(bt.error) ? bt.error : null} />
      {r ? (
        <div data-testid="backtest-result">
          <dl className="facts facts-inline">
            <dt>Alerts</dt>
            <dd data-testid="backtest-alerts">{formatCount(r.alerts)}</dd>
            <dt>Traders</dt>
            <dd>{formatCount(r.traders)}</dd>
            <dt>Hits before deduplication</dt>
            <dd>{formatCount(r.hits)}</dd>
            <dt>Events scanned</dt>
            <dd>{formatCount(r.eventsScanned)}</dd>
            <dt>Time</dt>
            <dd>{(r.durationMs / 1000).toFixed(1)} s</dd>
          </dl>
          {r.truncated ? <p className="alert alert-warning">Stopped at the time limit: the counts cover part of the range. Narrow the range, or use bulwark rules backtest.</p> : null}
          {r.perDay.length ? (
            <table className="table table-dense" aria-label="Alerts per day">
              <thead>
                <tr>
                  <th>Day</th>
                  <th className="num">Alerts</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {r.perDay.map((p) => (
                  <tr key={p.day}>
                    <td className="nowrap">{p.day}</td>
                    <td className="num">{p.alerts}</td>
                    <td>
                      <meter min={0} max={maxPerDay} value={p.alerts} aria-label={`${p.alerts} alerts`} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">No alert in this range.</p>
          )}
          {r.sample.length ? (
            <>
              <h3 className="subsection-title">Sample</h3>
              <table className="table table-dense" aria-label="Sample of hits">
                <thead>
                  <tr>
                    <th>Event time</th>
                    <th>Trader</th>
                    <th>Explanation</th>
                    <th className="num">Events</th>
                  </tr>
                </thead>
                <tbody>
                  {r.sample.map((s) => (
                    <tr key={`${s.traderId}:${s.eventAt}`}>
                      <td className="nowrap">{formatUtc(s.eventAt)}</td>
                      <td className="mono">
                        <Link to={`/traders/${s.traderId}`}>{s.traderId.slice(0, 8)}…</Link>
                      </td>
                      <td>{s.explanation}</td>
                      <td className="num">{s.eventCount}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

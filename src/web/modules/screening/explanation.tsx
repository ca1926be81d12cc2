// Why a candidate scored what it did, in words a compliance officer reads: which list name matched (primary, alias
// or weak alias), which screened token met which list token and how (exact, fuzzy, phonetic, initial,
// transliterated), and which factors (date of birth, country, kind) raised or lowered the score.
import type { ExplanationView } from '../../../contracts/screening.js';

const HOW: Record<string, string> = {
  exact: 'same word',
  fuzzy: 'spelled similarly',
  phonetic: 'sounds alike',
  initial: 'initial',
  transliterated: 'same word in another script',
};

const NAME_KIND: Record<string, string> = { primary: 'primary name', alias: 'alias', weak_alias: 'weak alias (scored lower)', wallet: 'wallet address' };

const pct = (x: number) => `${Math.round(x * 100)}%`;
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.round(Math.abs(x) * 100)} pts`;

/** One line: "matched the alias “…” — 3 of 3 words". */
export function ExplanationSummary({ e }: { e: ExplanationView }) {
  return (
    <span>
      {NAME_KIND[e.nameKind] ?? e.nameKind} “{e.matchedName}”
      {e.tokens.length ? ` — ${e.tokens.map((t) => `${t.query} ≈ ${t.list}`).join(', ')}` : null}
    </span>
  );
}

export function Explanation({ e, score }: { e: ExplanationView; score: number }) {
  return (
    <div className="explanation" data-testid="explanation">
      <dl className="facts">
        <dt>Screened name</dt>
        <dd>{e.queryShown ? e.query : <span className="muted">hidden by your roles</span>}</dd>
        <dt>Matched</dt>
        <dd>
          {NAME_KIND[e.nameKind] ?? e.nameKind} “{e.matchedName}”
          {e.normalisedMatchedName && e.normalisedMatchedName !== e.matchedName ? <span className="muted"> (compared as “{e.normalisedMatchedName}”)</span> : null}
        </dd>
        <dt>Name score</dt>
        <dd>{pct(e.nameScore)}</dd>
        <dt>Final score</dt>
        <dd>
          <strong>{pct(score)}</strong>
        </dd>
      </dl>
      {e.tokens.length ? (
        <table className="table table-dense" aria-label="Words compared">
          <thead>
            <tr>
              <th scope="col">Screened word</th>
              <th scope="col">List word</th>
              <th scope="col">How</th>
              <th scope="col">Similarity</th>
            </tr>
          </thead>
          <tbody>
            {e.tokens.map((t, i) => (
              <tr key={i}>
                <td className="mono">{t.query}</td>
                <td className="mono">{t.list}</td>
                <td>{HOW[t.how] ?? t.how}</td>
                <td>{pct(t.score)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {e.factors.length ? (
        <ul className="factor-list" aria-label="Factors">
          {e.factors.map((f, i) => (
            <li key={i}>
              <span className={f.effect > 0 ? 'badge badge-warning' : f.effect < 0 ? 'badge badge-ok' : 'badge badge-neutral'}>{signed(f.effect)}</span> {f.factor.replace('_', ' ')}: {f.detail}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No date of birth, country or kind factor applied.</p>
      )}
    </div>
  );
}

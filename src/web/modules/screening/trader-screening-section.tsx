// The Screening panel of a trader's profile (inside the Risk section, for screening.read): status, last screened,
// recent screenings, hits; for screening.review, "Screen now" and "Screen counterparties"; and the evidence export.
import { useState } from 'react';
import { isApiError } from '../../api.js';
import { formatUtc } from '../../components/format.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { useCan } from '../roles/roles.api.js';
import { HitTable } from './hit-table.js';
import { downloadEvidence, useScreenTrader, useTraderScreening } from './screening.api.js';
import { listLabel, TRADER_STATUS } from './screening-labels.js';

export function TraderScreeningSection({ traderId }: { traderId: string }) {
  const canRead = useCan('screening.read');
  if (!canRead) return null;
  return <Panel traderId={traderId} />;
}

function Panel({ traderId }: { traderId: string }) {
  const data = useTraderScreening(traderId);
  const canReview = useCan('screening.review');
  const screen = useScreenTrader(traderId);
  const [exportError, setExportError] = useState<unknown>(null);
  if (!data.data) return <QueryFallback query={data} />;
  const s = data.data;
  const st = TRADER_STATUS[s.status] ?? { label: s.status, badge: 'badge' };
  const last = s.runs[0];
  return (
    <div className="trader-screening" data-testid="trader-screening">
      <h3 className="subsection-title">Sanctions, PEP and wallet screening</h3>
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <span className={st.badge}>{st.label}</span>
        </dd>
        <dt>Last screened</dt>
        <dd>{s.lastScreenedAt ? `${formatUtc(s.lastScreenedAt)} UTC` : '—'}</dd>
        {last ? (
          <>
            <dt>Last screening</dt>
            <dd>
              {last.trigger.replace('_', ' ')}, {last.subjectCount} subjects, {last.candidateCount} candidates, against{' '}
              {last.listVersions.length ? last.listVersions.map((v) => `${listLabel(v.source)} v${v.version}`).join(', ') : 'no lists'}
            </dd>
          </>
        ) : null}
      </dl>
      <HitTable hits={s.hits} />
      <div className="actions">
        {canReview ? (
          <>
            <button type="button" className="button button-small" disabled={screen.isPending} onClick={() => screen.mutate('screen')}>
              Screen now
            </button>{' '}
            <button type="button" className="button button-small" disabled={screen.isPending} onClick={() => screen.mutate('counterparties')}>
              Screen counterparties
            </button>{' '}
          </>
        ) : null}
        <button
          type="button"
          className="button button-small"
          onClick={() => {
            setExportError(null);
            downloadEvidence(traderId).catch(setExportError);
          }}
        >
          Export evidence (JSON)
        </button>
      </div>
      <ProblemAlert error={isApiError(screen.error) ? screen.error : isApiError(exportError) ? exportError : null} />
    </div>
  );
}

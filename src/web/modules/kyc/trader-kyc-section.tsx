// The KYC panel of a trader's profile: the trader's cases (linking to the review screen) and, for members who
// may open cases, a button to open one when none is open.
import { useNavigate } from 'react-router-dom';
import { isApiError } from '../../api.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { QueryFallback } from '../consent/query-fallback.js';
import { useCan } from '../roles/roles.api.js';
import { CaseTable } from './kyc-queue-page.js';
import { useOpenCase, useTraderCases } from './kyc.api.js';

export function TraderKycCases({ traderId }: { traderId: string }) {
  const cases = useTraderCases(traderId);
  const canOpen = useCan('kyc.submit');
  const open = useOpenCase();
  const navigate = useNavigate();
  if (!cases.data) return <QueryFallback query={cases} />;
  const hasOpen = cases.data.cases.some((c) => c.state !== 'approved' && c.state !== 'rejected');
  return (
    <div data-testid="trader-kyc-cases">
      <CaseTable cases={cases.data.cases} />
      {canOpen && !hasOpen ? (
        <p>
          <button type="button" className="button button-small" disabled={open.isPending} onClick={() => open.mutate(traderId, { onSuccess: (v) => navigate(`/kyc/cases/${v.case.id}`) })}>
            Open a KYC case
          </button>
        </p>
      ) : null}
      <ProblemAlert error={isApiError(open.error) ? open.error : null} />
    </div>
  );
}

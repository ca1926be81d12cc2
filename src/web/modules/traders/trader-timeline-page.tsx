// /traders/:id/timeline — the trader timeline on its own, full width (the same panel as on the profile). The
// timeline endpoint opens the trader for its section itself: 404 for a missing trader, 403 for a member whose
// roles do not show the timeline, both shown by the panel.
import { Link, useParams } from 'react-router-dom';
import { usePageTitle } from '../../components/page-title.js';
import { TraderTimelineSection } from './trader-timeline-section.js';

export function TraderTimelinePage() {
  const { id = '' } = useParams();
  usePageTitle('Timeline · Traders');
  return (
    <div className="page-wide">
      <p className="breadcrumb">
        <Link to="/traders">Traders</Link> / <Link to={`/traders/${encodeURIComponent(id)}`}>Profile</Link> / Timeline
      </p>
      <h1 className="page-title">Trader timeline</h1>
      <TraderTimelineSection traderId={id} />
    </div>
  );
}

// /traders/:id — a trader's profile: a header (name, status, VIP, KYC state and risk where the member's roles
// show them), then one panel per section in the order the server lists them. A section the server does not list
// is not rendered at all (and its own endpoint would answer 403 anyway: hiding it here is never the guard).
// Opening this page is one audited profile view; the server records the fields and sections shown.
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import { EXCHANGE_SECTIONS, type ExchangeSection as ExchangeSectionName } from '../../../contracts/exchange.js';
import type { ProfileSection, ProfileView } from '../../../contracts/traders.js';
import { isApiError } from '../../api.js';
import { formatUtc } from '../../components/format.js';
import { usePageTitle } from '../../components/page-title.js';
import { TraderConsentsSection } from '../consent/trader-consents-section.js';
import { SectionErrorPanel } from '../errors/error-pages.js';
import { ExchangeSection } from '../exchange/exchange-section.js';
import { TraderTicketsSection } from '../support/trader-tickets-section.js';
import { KYC_BADGES, KYC_LABELS, RISK_BADGES, STATUS_BADGES } from './trader-badges.js';
import { TraderKycCases } from '../kyc/trader-kyc-section.js';
import { TraderScreeningSection } from '../screening/trader-screening-section.js';
import { TraderAmlSection } from '../cases/trader-aml-section.js';
import { FieldFacts, FieldValue, hasField, RevealProvider, type FieldName } from './trader-fields.js';
import { TraderEditDetails } from './trader-edit-details.js';
import { TraderNotesSection } from './trader-notes-section.js';
import { TraderTimelineSection } from './trader-timeline-section.js';
import { TraderWithdrawalLimits } from '../withdrawal-limits/trader-withdrawal-limits.js';
import { useTraderProfile } from './traders.api.js';

export function TraderProfilePage() {
  const { id = '' } = useParams();
  const profile = useTraderProfile(id);
  const t = profile.data?.trader.fields;
  usePageTitle(t ? `${t.displayName ?? t.accountRef ?? 'Trader'} · Traders` : 'Trader');

  if (!profile.data) {
    return (
      <div className="page-wide">
        <p className="breadcrumb">
          <Link to="/traders">Traders</Link>
        </p>
        {profile.isError ? (
          isApiError(profile.error) && profile.error.status === 404 ? (
            <TraderNotFound />
          ) : (
            <SectionErrorPanel error={profile.error} onRetry={() => void profile.refetch()} />
          )
        ) : (
          <p className="muted" role="status">
            Loading…
          </p>
        )}
      </div>
    );
  }
  // Keyed by trader: revealed values never carry over to another trader's page.
  return <Profile key={profile.data.trader.id} profile={profile.data} />;
}

/** A missing trader and one the member may not open read the same (ids cannot be probed). */
function TraderNotFound() {
  return (
    <section className="panel" data-testid="trader-not-found">
      <h1 className="page-title">Trader not found</h1>
      <p className="lead">There is no trader with this id that your roles can open.</p>
      <Link className="button" to="/traders">
        Back to the traders
      </Link>
    </section>
  );
}

function Profile({ profile }: { profile: ProfileView }) {
  const view = profile.trader;
  const f = view.fields;
  const title = f.displayName ?? f.accountRef ?? 'Trader';
  return (
    <RevealProvider view={view}>
      <div className="page-wide" data-testid="trader-profile">
        <p className="breadcrumb">
          <Link to="/traders">Traders</Link> / <span className="mono">{f.accountRef ?? view.id}</span>
        </p>
        <div className="page-header">
          <h1 className="page-title">{title}</h1>
          <div className="profile-badges" data-testid="profile-badges">
            {f.status ? <span className={STATUS_BADGES[f.status] ?? 'badge'}>{f.status}</span> : null}
            {f.vip ? <span className="badge badge-ok">VIP</span> : null}
            {profile.kyc ? <span className={KYC_BADGES[profile.kyc.state] ?? 'badge'}>KYC {KYC_LABELS[profile.kyc.state]}</span> : null}
            {profile.risk ? <span className={RISK_BADGES[profile.risk.level] ?? 'badge'}>risk {profile.risk.level}</span> : null}
          </div>
        </div>
        <section className="panel" aria-label="Account" data-testid="trader-account">
          <dl className="facts profile-summary">
            <dt>Account</dt>
            <dd className="mono">{f.accountRef ?? '—'}</dd>
            <dt>Kind</dt>
            <dd>{f.kind ?? '—'}</dd>
            <dt>Country</dt>
            <dd>{f.country ?? '—'}</dd>
            <dt>Customer since</dt>
            <dd className="mono">{f.createdAt ? `${formatUtc(f.createdAt).slice(0, 10)}` : '—'}</dd>
          </dl>
          <TraderEditDetails view={view} />
        </section>
        {profile.sections.map((s) => (
          <SectionPanel key={s} section={s} profile={profile} />
        ))}
        {/* Shown to members who may request a limit change (it renders nothing otherwise). */}
        <TraderWithdrawalLimits traderId={view.id} />
      </div>
    </RevealProvider>
  );
}

function isExchangeSection(s: ProfileSection): s is ExchangeSectionName {
  return (EXCHANGE_SECTIONS as readonly string[]).includes(s);
}

function Panel({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="panel" aria-labelledby={`trader-${id}-title`} data-testid={`trader-${id}`}>
      <h2 id={`trader-${id}-title`} className="panel-title">
        {title}
      </h2>
      {children}
    </section>
  );
}

const FINANCIAL_ROWS: readonly [FieldName, string][] = [
  ['bankAccount', 'Bank account (IBAN)'],
  ['wallets', 'Withdrawal wallets'],
  ['activityBand', 'Activity band (30 days)'],
  ['tradingVolume30d', 'Trading volume (30 days)'],
];

/** One section of the profile, by name. */
function SectionPanel({ section, profile }: { section: ProfileSection; profile: ProfileView }) {
  const view = profile.trader;
  const id = view.id;
  const business = view.fields.kind === 'business';
  if (isExchangeSection(section)) {
    // The trader's own financial details (bank account, wallets) sit with the balances they fund: the same
    // section rule (exchange view + the financial class) shows both.
    if (section === 'balances' && FINANCIAL_ROWS.some(([f]) => hasField(view, f))) {
      return (
        <>
          <Panel id="financial" title="Financial details">
            <FieldFacts view={view} rows={FINANCIAL_ROWS} />
          </Panel>
          <ExchangeSection traderId={id} section={section} />
        </>
      );
    }
    return <ExchangeSection traderId={id} section={section} />;
  }
  switch (section) {
    case 'identity':
      return (
        <Panel id="identity" title="Identity">
          <FieldFacts
            view={view}
            rows={business ? [['legalName', 'Legal name'], ['registrationNumber', 'Registration number']] : [['legalName', 'Legal name'], ['dateOfBirth', 'Date of birth'], ['idDocumentNumber', 'ID document number']]}
          />
        </Panel>
      );
    case 'contact':
      return (
        <Panel id="contact" title="Contact">
          <FieldFacts view={view} rows={[['email', 'E-mail'], ['phone', 'Phone']]} />
        </Panel>
      );
    case 'business':
      // Shown with the identity class; an individual has no directors or owners to show.
      if (!business) return null;
      return (
        <Panel id="business" title="Business: directors and owners">
          <h3 className="subsection-title">Directors</h3>
          {hasField(view, 'directors') ? <FieldValue field="directors" label="Directors" /> : <p className="muted">Not visible to your roles.</p>}
          <h3 className="subsection-title">Ultimate beneficial owners</h3>
          {hasField(view, 'ubos') ? <FieldValue field="ubos" label="Ultimate beneficial owners" /> : <p className="muted">Not visible to your roles.</p>}
        </Panel>
      );
    case 'kyc':
      return (
        <Panel id="kyc" title={business ? 'KYB' : 'KYC'}>
          <dl className="facts">
            <dt>State</dt>
            <dd>{profile.kyc ? <span className={KYC_BADGES[profile.kyc.state] ?? 'badge'}>{KYC_LABELS[profile.kyc.state]}</span> : '—'}</dd>
          </dl>
          <TraderKycCases traderId={id} />
        </Panel>
      );
    case 'risk':
      return (
        <Panel id="risk" title="Risk">
          <dl className="facts">
            <dt>Risk level</dt>
            <dd>{profile.risk ? <span className={RISK_BADGES[profile.risk.level] ?? 'badge'}>{profile.risk.level}</span> : '—'}</dd>
          </dl>
          <TraderScreeningSection traderId={id} />
          <TraderAmlSection traderId={id} />
        </Panel>
      );
    case 'tickets':
      return <TraderTicketsSection traderId={id} />;
    case 'notes':
      return <TraderNotesSection traderId={id} />;
    case 'consents':
      return <TraderConsentsSection traderId={id} />;
    case 'timeline':
      return <TraderTimelineSection traderId={id} linkToPage />;
  }
}

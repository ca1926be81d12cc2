// /traders — the Traders section: exact-match search, list filters, and the list itself with cursor paging.
// Values come masked per the member's roles and are shown exactly as sent; nothing is unmasked here.
//
// The search value (an e-mail, a phone number, a name…) is personal data: it is sent in a POST body and kept in
// this component's state only — never in the page URL, the history, a query key or browser storage. The list
// filters (status, country, VIP, and risk/KYC state for the roles that see those sections) are not personal
// values and live in the URL, so Back returns to the same list.
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { KYC_STATES, RISK_LEVELS, SEARCH_KINDS, TRADER_STATUSES, type TraderView } from '../../../contracts/traders.js';
import { isApiError } from '../../api.js';
import { CursorPager, useCursorStack } from '../../components/cursor-pager.js';
import { usePageTitle } from '../../components/page-title.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { ForbiddenPanel, SectionErrorPanel } from '../errors/error-pages.js';
import { useCan } from '../roles/roles.api.js';
import { KYC_LABELS, STATUS_BADGES } from './trader-badges.js';
import { useTraderList, useTraderSearch, type SearchKind, type TraderFilters } from './traders.api.js';

const SEARCH_LABELS: Record<SearchKind, string> = { email: 'E-mail', phone: 'Phone', name: 'Legal name', accountRef: 'Account reference', wallet: 'Wallet address' };

function oneOf<T extends string>(values: readonly T[], v: string | null): T | undefined {
  return v !== null && (values as readonly string[]).includes(v) ? (v as T) : undefined;
}

export function TradersPage() {
  usePageTitle('Traders');
  const canSearch = useCan('trader.search');
  // The server answers 403 to these filters for members whose profile lacks the risk or KYC section.
  const canScreening = useCan('screening.read');
  const canMonitoring = useCan('monitoring.read');
  const canRisk = canScreening || canMonitoring;
  const canKyc = useCan('kyc.read');
  const search = useTraderSearch();

  return (
    <div className="page-wide">
      <div className="page-header">
        <h1 className="page-title">Traders</h1>
      </div>
      {canSearch ? <SearchForm search={search} /> : null}
      {search.data ? (
        <section className="panel" aria-labelledby="search-results-title" data-testid="search-results">
          <div className="panel-head">
            <h2 id="search-results-title" className="panel-title">
              Search results
            </h2>
            <button type="button" className="button button-small" onClick={() => search.reset()}>
              Back to the list
            </button>
          </div>
          <TraderTable traders={search.data.traders} empty="No trader matches exactly. Search needs the full value (e.g. the whole e-mail address)." />
        </section>
      ) : (
        <TraderList canRisk={canRisk} canKyc={canKyc} />
      )}
    </div>
  );
}

function SearchForm({ search }: { search: ReturnType<typeof useTraderSearch> }) {
  const [by, setBy] = useState<SearchKind>('email');
  const [value, setValue] = useState('');
  const [invalid, setInvalid] = useState<string | undefined>();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = value.trim();
    if (!v) return setInvalid('Enter the exact value to search for.');
    search.mutate({ by, value: v });
  };
  const problem = search.error && isApiError(search.error) ? search.error : null;
  return (
    <section className="panel" aria-labelledby="trader-search-title">
      <h2 id="trader-search-title" className="panel-title">
        Find a trader
      </h2>
      <form className="inline-form trader-search" onSubmit={submit} role="search" aria-labelledby="trader-search-title" noValidate>
        <div className="field">
          <label htmlFor="trader-search-by" className="field-label">
            Search by
          </label>
          <select id="trader-search-by" className="input" value={by} onChange={(e) => setBy(e.target.value as SearchKind)}>
            {SEARCH_KINDS.map((k) => (
              <option key={k} value={k}>
                {SEARCH_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        <div className={invalid ? 'field field-invalid trader-search-value' : 'field trader-search-value'}>
          <label htmlFor="trader-search-value" className="field-label">
            Exact value
          </label>
          <input
            id="trader-search-value"
            className="input"
            name="value"
            type="search"
            // Personal data: keep it out of the browser's form history.
            autoComplete="off"
            maxLength={320}
            value={value}
            aria-invalid={invalid ? true : undefined}
            aria-describedby={invalid ? 'trader-search-error' : undefined}
            onChange={(e) => {
              setValue(e.target.value);
              setInvalid(undefined);
            }}
          />
          {invalid ? (
            <p id="trader-search-error" className="field-error">
              {invalid}
            </p>
          ) : null}
        </div>
        <div className="filter-actions">
          <button type="submit" className="button button-primary" disabled={search.isPending}>
            {search.isPending ? 'Searching…' : 'Search'}
          </button>
        </div>
      </form>
      <p className="small muted trader-search-hint">Exact match only. The value you search for is never written to the audit log or the address bar; the search itself is recorded.</p>
      {problem ? <ProblemAlert error={problem} /> : null}
    </section>
  );
}

function TraderList({ canRisk, canKyc }: { canRisk: boolean; canKyc: boolean }) {
  const [params, setParams] = useSearchParams();
  const pages = useCursorStack();
  const [countryError, setCountryError] = useState<string | undefined>();
  const filters: TraderFilters = {
    status: oneOf(TRADER_STATUSES, params.get('status')),
    country: params.get('country') ?? undefined,
    risk: canRisk ? oneOf(RISK_LEVELS, params.get('risk')) : undefined,
    kycState: canKyc ? oneOf(KYC_STATES, params.get('kycState')) : undefined,
    vip: oneOf(['true', 'false'] as const, params.get('vip')),
  };
  const list = useTraderList(filters, pages.cursor);

  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const next = new URLSearchParams();
    for (const k of ['status', 'risk', 'kycState', 'vip']) {
      const v = String(form.get(k) ?? '');
      if (v) next.set(k, v);
    }
    const country = String(form.get('country') ?? '').trim().toUpperCase();
    if (country && !/^[A-Z]{2}$/.test(country)) return setCountryError('Two letters (ISO 3166-1 code, e.g. DE).');
    if (country) next.set('country', country);
    setCountryError(undefined);
    pages.reset();
    setParams(next);
  };

  // A member whose roles do not open traders gets the forbidden message alone, not filters for a list they cannot see.
  if (isApiError(list.error) && list.error.status === 403 && !params.toString()) return <ForbiddenPanel />;

  return (
    <>
      <section className="panel" aria-labelledby="trader-filter-title">
        <h2 id="trader-filter-title" className="panel-title">
          Filter the list
        </h2>
        {/* Remounted when the URL changes so the controls show the filters in force. */}
        <form key={params.toString()} className="filter-form" onSubmit={apply} aria-label="Filter traders" noValidate>
          <FilterSelect label="Status" name="status" value={filters.status} options={TRADER_STATUSES.map((s) => [s, s])} />
          <div className={countryError ? 'field field-invalid' : 'field'}>
            <label htmlFor="trader-filter-country" className="field-label">
              Country
            </label>
            <input
              id="trader-filter-country"
              className="input input-small"
              name="country"
              maxLength={2}
              placeholder="DE"
              defaultValue={filters.country ?? ''}
              aria-invalid={countryError ? true : undefined}
              aria-describedby={countryError ? 'trader-filter-country-error' : undefined}
            />
            {countryError ? (
              <p id="trader-filter-country-error" className="field-error">
                {countryError}
              </p>
            ) : null}
          </div>
          <FilterSelect label="VIP" name="vip" value={filters.vip} options={[['true', 'VIP only'], ['false', 'Not VIP']]} />
          {canRisk ? <FilterSelect label="Risk" name="risk" value={filters.risk} options={RISK_LEVELS.map((r) => [r, r])} /> : null}
          {canKyc ? <FilterSelect label="KYC state" name="kycState" value={filters.kycState} options={KYC_STATES.map((s) => [s, KYC_LABELS[s]])} /> : null}
          <div className="filter-actions">
            <button type="submit" className="button button-primary">
              Apply
            </button>
            {params.toString() ? (
              <button
                type="button"
                className="button"
                onClick={() => {
                  pages.reset();
                  setParams(new URLSearchParams());
                }}
              >
                Clear
              </button>
            ) : null}
          </div>
        </form>
      </section>
      {list.isError ? (
        <SectionErrorPanel error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <section className="panel" aria-labelledby="trader-list-title" data-testid="trader-list">
          <h2 id="trader-list-title" className="panel-title">
            Traders
          </h2>
          {!list.data ? (
            <p className="muted" role="status">
              Loading…
            </p>
          ) : (
            <>
              <TraderTable traders={list.data.traders} empty={params.toString() ? 'No trader matches these filters.' : 'There are no traders yet.'} />
              <CursorPager stack={pages} nextCursor={list.data.nextCursor} previousLabel="Previous page" nextLabel="Next page" />
            </>
          )}
        </section>
      )}
    </>
  );
}

function FilterSelect({ label, name, value, options }: { label: string; name: string; value: string | undefined; options: [string, string][] }) {
  const id = `trader-filter-${name}`;
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <select id={id} className="input" name={name} defaultValue={value ?? ''}>
        <option value="">Any</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

const hidden = <span className="muted">hidden</span>;

/** A masked value as the server sent it, with "(masked)" so nobody mistakes it for the real one. */
function Shown({ t, field }: { t: TraderView; field: 'email' | 'phone' }) {
  const v = t.fields[field];
  if (v === undefined) return hidden;
  return (
    <>
      <span className="mono">{v}</span>
      {t.masked.includes(field) ? <span className="visually-hidden"> (masked)</span> : null}
    </>
  );
}

function TraderTable({ traders, empty }: { traders: TraderView[]; empty: string }) {
  return (
    <div className="table-scroll">
      <table className="table table-dense">
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">Name</th>
            <th scope="col">Country</th>
            <th scope="col">Status</th>
            <th scope="col">VIP</th>
            <th scope="col">E-mail</th>
            <th scope="col">Phone</th>
          </tr>
        </thead>
        <tbody>
          {traders.length === 0 ? (
            <tr>
              <td colSpan={7} className="table-empty">
                {empty}
              </td>
            </tr>
          ) : (
            traders.map((t) => {
              const f = t.fields;
              const href = `/traders/${encodeURIComponent(t.id)}`;
              return (
                <tr key={t.id} data-trader={t.id}>
                  <td className="mono nowrap">
                    <Link to={href}>{f.accountRef ?? t.id}</Link>
                  </td>
                  <td className="cell-main">
                    <Link to={href}>{f.displayName ?? '—'}</Link>
                  </td>
                  <td>{f.country ?? hidden}</td>
                  <td>{f.status ? <span className={STATUS_BADGES[f.status] ?? 'badge'}>{f.status}</span> : hidden}</td>
                  <td>{f.vip === undefined ? hidden : f.vip ? 'VIP' : <span className="muted">—</span>}</td>
                  <td>
                    <Shown t={t} field="email" />
                  </td>
                  <td className="nowrap">
                    <Shown t={t} field="phone" />
                  </td>
                </tr>
              );
            })
          )}
        </tbody>
      </table>
    </div>
  );
}

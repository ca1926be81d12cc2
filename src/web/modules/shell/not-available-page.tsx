import { usePageTitle } from '../../components/page-title.js';
import type { Section } from './sections.js';

/** Placeholder for a section whose module has not shipped: says so plainly, shows no sample data. */
export function NotAvailablePage({ section }: { section: Section }) {
  usePageTitle(section.label);
  return (
    <>
      <div className="page-header">
        <h1 className="page-title">{section.label}</h1>
      </div>
      <section className="panel empty-state" data-testid="not-available">
        <h2 className="panel-title">Not available yet</h2>
        <p>{section.description}</p>
        <p className="muted">This section is not part of this version of Bulwark yet.</p>
      </section>
    </>
  );
}

import { useEffect } from 'react';

/** Sets the document title ("Traders · Bulwark") so tabs and screen readers name the page. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Bulwark` : 'Bulwark';
  }, [title]);
}

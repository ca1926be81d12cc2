// The one-time bootstrap token travels in the URL fragment (/bootstrap#token=…) so it never
// reaches server logs or Referer headers. It is taken out of the address bar as soon as the
// app starts, kept in memory only, and forgotten once the administrator exists.
import { BootstrapToken } from '../../../contracts/bootstrap.js';

let captured: string | null = null;

/**
 * Reads `token` from location.hash (if present), removes the fragment from the address bar and
 * history entry, and returns the token captured so far. Safe to call more than once.
 */
export function captureBootstrapToken(): string | null {
  const hash = window.location.hash;
  if (hash.length > 1) {
    const params = new URLSearchParams(hash.slice(1));
    const token = params.get('token');
    if (token !== null) {
      captured = token;
      params.delete('token');
      const rest = params.toString();
      const url = `${window.location.pathname}${window.location.search}${rest ? `#${rest}` : ''}`;
      window.history.replaceState(window.history.state, '', url);
    }
  }
  return captured;
}

/** Whether a captured value has the shape of a bootstrap token (the server decides if it is valid). */
export function isWellFormedToken(token: string): boolean {
  return BootstrapToken.safeParse(token).success;
}

export function forgetBootstrapToken(): void {
  captured = null;
}

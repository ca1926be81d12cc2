import type { ReactNode } from 'react';

interface AuthCardProps {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
  /** Card width: narrow forms (default), instructions (medium), multi-step forms (wide). */
  size?: 'narrow' | 'medium' | 'wide';
}

/** The centred card used by every page shown outside a session (sign-in, set-up, errors). */
export function AuthCard({ title, subtitle, children, size = 'narrow' }: AuthCardProps) {
  return (
    <div className="auth-page">
      <header className="auth-brand" aria-label="Bulwark">
        <img src="/favicon.svg" alt="" className="brand-mark" width={28} height={28} />
        <span className="brand-name">Bulwark</span>
        <span className="brand-tag">Back office</span>
      </header>
      <main className={size === 'narrow' ? 'auth-card' : `auth-card auth-card-${size}`} id="main">
        <h1 className="auth-title">{title}</h1>
        {subtitle ? <div className="auth-subtitle">{subtitle}</div> : null}
        {children}
      </main>
      <footer className="auth-footer">Restricted system. Access is logged and audited.</footer>
    </div>
  );
}

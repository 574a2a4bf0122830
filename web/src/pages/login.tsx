import { useEffect, useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { useAuth } from '../auth';
import { ErrorAlert } from '../components/ui';

/** Only same-site paths are followed after login. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function LoginPage() {
  const { me, login } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get('next'));
  // Single sign-on, when the server has a provider configured: a plain link, the browser goes there.
  const [sso, setSso] = useState<{ enabled: boolean; name: string | null; loginUrl: string | null } | null>(null);
  useEffect(() => {
    fetch('/api/auth/oidc')
      .then((r) => (r.ok ? r.json() : null))
      .then((info: typeof sso) => setSso(info))
      .catch(() => setSso(null));
  }, []);

  if (me) return <Navigate to={next} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
      void navigate(next, { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login-page">
      <form className="card login-card stack" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <div>
          <h1 id="login-title">Llano</h1>
          <div className="muted">Sign in to the observatory's data platform</div>
        </div>
        <ErrorAlert error={error} />
        <label className="field">
          Username
          <input
            name="username"
            autoComplete="username"
            autoFocus
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </label>
        <label className="field">
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <button className="btn primary" type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {sso?.enabled && sso.loginUrl ? (
          <a className="btn" href={`${sso.loginUrl}?next=${encodeURIComponent(next)}`}>
            Sign in with {sso.name}
          </a>
        ) : null}
      </form>
    </main>
  );
}

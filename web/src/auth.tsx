import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { api, ApiError, onUnauthorized } from './api/client';
import type { Me, User } from './api/types';
import { Loading } from './components/ui';
import { rememberSignedIn, SESSION_URL, takeEarly } from './lib/early-fetch';

interface AuthState {
  /** undefined while checking the session; null when logged out. */
  me: Me | null | undefined;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);

  useEffect(() => {
    (takeEarly<Me>(SESSION_URL) ?? api.get<Me>(SESSION_URL)).then(setMe).catch((e) => {
      if (e instanceof ApiError && e.status === 401) setMe(null);
      else setMe(null);
    });
    return onUnauthorized(() => setMe(null));
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const r = await api.post<{ token: string; user: User }>('/api/auth/login', { username, password });
    setMe({ ...r.user, via: 'session' });
  }, []);

  const logout = useCallback(async () => {
    await api.post('/api/auth/logout').catch(() => undefined);
    setMe(null);
  }, []);

  useEffect(() => {
    if (me !== undefined) rememberSignedIn(me !== null);
  }, [me]);

  const value = useMemo(() => ({ me, login, logout }), [me, login, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** Renders its children for a logged-in user; otherwise sends to /login?next=<here>. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { me } = useAuth();
  const location = useLocation();
  if (me === undefined) return <Loading label="Checking your session…" />;
  if (me === null) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login${next && next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} replace />;
  }
  return <>{children}</>;
}

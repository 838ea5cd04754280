import type { SessionInfo, UserRole } from '@comeback/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import { ApiError, api, setRequestState } from './client';
import type { Locale } from '../i18n/i18n';

const WORKSPACE_KEY = 'comeback.workspace';
const LOCALE_KEY = 'comeback.locale';

export interface SessionState {
  /** null: signed out (or the session expired). */
  session: SessionInfo | null;
  loading: boolean;
  workspaceId: string | null;
  role: UserRole | null;
  /** Editors and owners change things; viewers only look. */
  canEdit: boolean;
  isOwner: boolean;
  /** The workspace's currency (ISO 4217) for its money. */
  currency: string;
  locale: Locale;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  switchWorkspace(id: string): void;
  setLocale(locale: Locale): void;
}

const SessionContext = createContext<SessionState | null>(null);

async function loadSession(): Promise<SessionInfo | null> {
  try {
    return await api<SessionInfo>('GET', '/api/v1/session');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

function storedLocale(): Locale {
  return localStorage.getItem(LOCALE_KEY) === 'he' ? 'he' : 'en';
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: ['session'], queryFn: loadSession, staleTime: 60_000 });
  const session = query.data ?? null;

  const stored = localStorage.getItem(WORKSPACE_KEY);
  const membership =
    session?.workspaces.find((w) => w.id === stored) ?? session?.workspaces[0] ?? null;
  const workspaceId = membership?.id ?? null;
  // Set during render, before any child query runs with the wrong headers.
  setRequestState({ csrfToken: session?.csrfToken ?? null, workspaceId });

  const [localLocale, setLocalLocale] = useState<Locale>(storedLocale);
  const locale: Locale = session?.user.locale ?? localLocale;
  useEffect(() => {
    document.documentElement.lang = locale;
    document.documentElement.dir = locale === 'he' ? 'rtl' : 'ltr';
  }, [locale]);

  const signInMutation = useMutation({
    mutationFn: (body: { email: string; password: string }) =>
      api<SessionInfo>('POST', '/api/v1/session', body),
    onSuccess: (info) => {
      setRequestState({ csrfToken: info.csrfToken });
      queryClient.setQueryData(['session'], info);
    },
  });

  const signIn = useCallback(
    async (email: string, password: string) => {
      await signInMutation.mutateAsync({ email, password });
    },
    [signInMutation],
  );

  const signOut = useCallback(async () => {
    try {
      await api('DELETE', '/api/v1/session');
    } finally {
      // The session query keeps its observer (clear() would orphan it); the rest was theirs.
      queryClient.setQueryData(['session'], null);
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
    }
  }, [queryClient]);

  const switchWorkspace = useCallback(
    (id: string) => {
      localStorage.setItem(WORKSPACE_KEY, id);
      setRequestState({ workspaceId: id });
      // Everything but the session belongs to the previous workspace.
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
      void queryClient.invalidateQueries({ queryKey: ['session'] });
    },
    [queryClient],
  );

  const setLocale = useCallback(
    (next: Locale) => {
      localStorage.setItem(LOCALE_KEY, next);
      setLocalLocale(next);
      if (!session) return;
      queryClient.setQueryData(['session'], {
        ...session,
        user: { ...session.user, locale: next },
      });
      void api<SessionInfo>('PATCH', '/api/v1/session', { locale: next }).then((info) =>
        queryClient.setQueryData(['session'], info),
      );
    },
    [queryClient, session],
  );

  const role = membership?.role ?? null;
  const value = useMemo<SessionState>(
    () => ({
      session,
      loading: query.isPending,
      workspaceId,
      role,
      canEdit: role === 'owner' || role === 'editor',
      isOwner: role === 'owner',
      currency: membership?.currency ?? 'USD',
      locale,
      signIn,
      signOut,
      switchWorkspace,
      setLocale,
    }),
    [
      session,
      query.isPending,
      workspaceId,
      role,
      membership?.currency,
      locale,
      signIn,
      signOut,
      switchWorkspace,
      setLocale,
    ],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

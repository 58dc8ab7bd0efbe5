import { Button, Center, Loader, Stack } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Navigate, useLocation } from 'react-router';
import { call } from '../api/errors';
import { useApi } from '../api/useApi';
import { AppLayout } from '../app/AppLayout';
import { KeptWritesProvider } from '../offline/KeptWritesProvider';
import { withOfflineCopy } from '../offline/offline-copies';
import { ApiErrorAlert } from '../ui/ApiErrorAlert';
import { CurrentUserContext } from './CurrentUserContext';
import { useAuth } from './useAuth';

/** Query keys of the signed-in user and their district, for screens that change either. */
export const currentUserKeys = { me: ['me'] as const, district: ['district'] as const };

/**
 * The frame of every signed-in screen: a signed-out visitor goes to the
 * sign-in screen (and comes back here afterwards); a signed-in one sees the
 * app once their profile and district are loaded.
 */
export function SignedInShell() {
  const { status } = useAuth();
  const location = useLocation();
  if (status === 'restoring') return <PageLoader label="Signing you in" />;
  if (status === 'signed-out') return <Navigate to="/sign-in" replace state={{ from: `${location.pathname}${location.search}` }} />;
  return <CurrentUserLoader />;
}

function CurrentUserLoader() {
  const api = useApi();
  // Kept in the tab like the running session, so a reload without a network opens the app, not an error.
  const me = useQuery({ queryKey: currentUserKeys.me, queryFn: () => withOfflineCopy('me', () => call(api.GET('/api/me'))), staleTime: 5 * 60_000 });
  const district = useQuery({ queryKey: currentUserKeys.district, queryFn: () => withOfflineCopy('district', () => call(api.GET('/api/district'))), staleTime: 5 * 60_000 });
  if (me.data && district.data) {
    return (
      <CurrentUserContext.Provider value={{ me: me.data, district: district.data }}>
        <KeptWritesProvider userId={me.data.userId}>
          <AppLayout />
        </KeptWritesProvider>
      </CurrentUserContext.Provider>
    );
  }
  const error = me.error ?? district.error;
  if (error) {
    return (
      <Center mih="100vh" p="md">
        <Stack maw={480}>
          <ApiErrorAlert error={error} title="Your profile could not be loaded" />
          <Button onClick={() => void Promise.all([me.refetch(), district.refetch()])}>Try again</Button>
        </Stack>
      </Center>
    );
  }
  return <PageLoader label="Loading your profile" />;
}

export function PageLoader({ label }: { label: string }) {
  return (
    <Center mih="100vh" role="status" aria-live="polite">
      <Stack align="center" gap="xs">
        <Loader aria-hidden />
        <span>{label}…</span>
      </Stack>
    </Center>
  );
}

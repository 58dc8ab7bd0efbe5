import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Schemas } from '@sessionledger/api-client';
import { ApiContext } from '../api/ApiContext';
import { createApiClient } from '../api/client';
import { call } from '../api/errors';
import { TokenStore } from '../api/tokens';
import { AuthContext, type Auth, type AuthStatus, type RestoreFailure, type SignInOutcome } from './AuthContext';
import { clearCopies, readCopy } from '../offline/offline-copies';
import { isNetworkFailure } from '../offline/outbox';
import { takeSsoCode } from './sso';

type LoginReply = Schemas['LoginReply'];

/**
 * Owns the sign-in: the token store, the typed client built on it, and the
 * status the router follows. A stored refresh token (a reload) is traded for
 * a fresh access token before anything renders as signed in; an SSO return
 * (`#sso_code=…`) is exchanged the same way.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [tokens] = useState(() => new TokenStore());
  const [status, setStatus] = useState<AuthStatus>(() => (tokens.refreshToken || window.location.hash.includes('sso_code=') ? 'restoring' : 'signed-out'));
  const [restoreFailure, setRestoreFailure] = useState<RestoreFailure>();
  const [ssoMfaToken, setSsoMfaToken] = useState<string>();

  const signedOut = useCallback(() => {
    queryClient.clear();
    clearCopies();
    setStatus('signed-out');
  }, [queryClient]);

  const api = useMemo(() => createApiClient({ tokens, onSignedOut: signedOut }), [tokens, signedOut]);

  /** Either signs in (token pair) or returns the second-factor challenge. */
  const accept = useCallback(
    (reply: LoginReply): SignInOutcome => {
      if (reply.mfaRequired && reply.mfaToken) return { done: false, mfaToken: reply.mfaToken };
      if (!reply.accessToken || !reply.refreshToken || !reply.tokenType) throw new Error('The sign-in answer had no tokens');
      tokens.set({ accessToken: reply.accessToken, refreshToken: reply.refreshToken, expiresIn: reply.expiresIn, tokenType: reply.tokenType });
      setStatus('signed-in');
      return { done: true };
    },
    [tokens],
  );

  // Once per page load: a ref, not the effect's cleanup, because React's strict mode runs effects twice and
  // an SSO code works only once.
  const restoreStarted = useRef(false);
  useEffect(() => {
    if (status !== 'restoring' || restoreStarted.current) return;
    restoreStarted.current = true;
    const ssoCode = takeSsoCode(window.location, window.history);
    const restore = async (): Promise<boolean> => {
      if (ssoCode) {
        const outcome = accept(await call(api.POST('/api/auth/sso/exchange', { body: { code: ssoCode } })));
        // An SSO account with an authenticator: the sign-in screen opens at the code step.
        if (!outcome.done) setSsoMfaToken(outcome.mfaToken);
        return outcome.done;
      }
      // Any authenticated call renews the access token from the stored refresh token (see createApiClient).
      await call(api.GET('/api/me'));
      return true;
    };
    restore()
      .then((signedIn) => setStatus(signedIn ? 'signed-in' : 'signed-out'))
      .catch((error: unknown) => {
        // A reload without a network in the middle of a session: the tab's sign-in and its copies carry on until
        // the network returns, when the first request renews the token (or ends the sign-in if it was revoked).
        if (!ssoCode && isNetworkFailure(error) && tokens.refreshToken && readCopy('me')) {
          setStatus('signed-in');
          return;
        }
        setRestoreFailure({ during: ssoCode ? 'sso' : 'reload', error });
        setStatus('signed-out');
      });
  }, [status, api, accept, tokens]);

  const auth = useMemo<Auth>(
    () => ({
      status,
      restoreFailure,
      ssoMfaToken,
      async signInWithPassword(email, password) {
        setRestoreFailure(undefined);
        return accept(await call(api.POST('/api/auth/login', { body: { email, password } })));
      },
      async completeSecondFactor(mfaToken, code) {
        accept(await call(api.POST('/api/auth/mfa', { body: { mfaToken, ...code } })));
      },
      async signOut() {
        const refreshToken = tokens.refreshToken;
        tokens.clear();
        signedOut();
        // Ends the sign-in on the server too, so the refresh token is worthless even if it was copied.
        // A network failure here still leaves this browser signed out.
        if (refreshToken) await api.POST('/api/auth/logout', { body: { refreshToken } }).catch(() => undefined);
      },
    }),
    [status, restoreFailure, ssoMfaToken, api, accept, tokens, signedOut],
  );

  return (
    <ApiContext.Provider value={api}>
      <AuthContext.Provider value={auth}>{children}</AuthContext.Provider>
    </ApiContext.Provider>
  );
}

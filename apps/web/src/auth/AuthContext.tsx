import { createContext } from 'react';

export type AuthStatus = 'restoring' | 'signed-out' | 'signed-in';

/** Why the app could not sign the visitor in by itself: an SSO return, or a reload with a stored sign-in. */
export interface RestoreFailure {
  during: 'sso' | 'reload';
  error: unknown;
}

/** A password or SSO sign-in either finishes or asks for the second factor. */
export type SignInOutcome = { done: true } | { done: false; mfaToken: string };

export interface Auth {
  status: AuthStatus;
  signInWithPassword(email: string, password: string): Promise<SignInOutcome>;
  /** The second step: the code from the authenticator app, or a recovery code. */
  completeSecondFactor(mfaToken: string, code: { code: string } | { recoveryCode: string }): Promise<void>;
  signOut(): Promise<void>;
  /** Shown on the sign-in screen: the sign-in ended, the network is down, the SSO code was refused. */
  restoreFailure: RestoreFailure | undefined;
  /** Set when an SSO sign-in came back needing the second factor: the sign-in screen opens at the code step. */
  ssoMfaToken: string | undefined;
}

export const AuthContext = createContext<Auth | undefined>(undefined);

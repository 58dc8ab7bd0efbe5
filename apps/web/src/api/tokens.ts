import type { Schemas } from '@sessionledger/api-client';

type TokenPair = Schemas['TokenPair'];

const REFRESH_KEY = 'sessionledger.refreshToken';

/**
 * Where a sign-in's tokens live.
 *
 * The access token stays in memory only: it is what every request carries and
 * it lives at most 15 minutes, so nothing is gained by storing it.
 *
 * The refresh token goes to sessionStorage. The API hands it over in JSON
 * bodies (no cookie), and without storing it a reload would sign the provider
 * out in the middle of a session. sessionStorage rather than localStorage: it
 * is per tab, so two tabs never spend the same single-use token (the second
 * spend would look like theft and end the whole sign-in), and it is gone when
 * the tab closes.
 */
export class TokenStore {
  private access: string | undefined;

  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined = safeSessionStorage()) {}

  get accessToken(): string | undefined {
    return this.access;
  }

  get refreshToken(): string | undefined {
    return this.storage?.getItem(REFRESH_KEY) ?? undefined;
  }

  set(pair: TokenPair): void {
    this.access = pair.accessToken;
    this.storage?.setItem(REFRESH_KEY, pair.refreshToken);
  }

  clear(): void {
    this.access = undefined;
    this.storage?.removeItem(REFRESH_KEY);
  }
}

/** Storage can be switched off (privacy modes throw on access); the app then simply forgets the sign-in on reload. */
function safeSessionStorage(): Storage | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window.sessionStorage;
  } catch {
    return undefined;
  }
}

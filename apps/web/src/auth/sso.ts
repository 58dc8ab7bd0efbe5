import type { paths } from '@sessionledger/api-client';

/** The API's route that starts single sign-on; a page navigation (a redirect to the district's identity provider), never a fetch. */
const SSO_START: keyof paths = '/api/auth/sso/{district}/start';

export function ssoStartUrl(district: string): string {
  return SSO_START.replace('{district}', encodeURIComponent(district));
}

/**
 * A finished SSO sign-in comes back to the app as `#sso_code=…` (a fragment:
 * never sent to a server). Takes the code out of the address bar at once, so
 * it is neither bookmarked nor reused.
 */
export function takeSsoCode(location: Pick<Location, 'hash' | 'pathname' | 'search'>, history: Pick<History, 'replaceState'>): string | undefined {
  const match = /(?:^#|&)sso_code=([^&]+)/.exec(location.hash);
  if (!match) return undefined;
  history.replaceState(null, '', location.pathname + location.search);
  return decodeURIComponent(match[1]);
}

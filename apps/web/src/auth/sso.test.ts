import { describe, expect, it, vi } from 'vitest';
import { ssoStartUrl, takeSsoCode } from './sso';

describe('single sign-on', () => {
  it('starts at the API’s route for the district, as a page navigation', () => {
    expect(ssoStartUrl('lincoln-usd')).toBe('/api/auth/sso/lincoln-usd/start');
  });

  it('takes the one-time code out of the address bar on return, keeping the rest of the address', () => {
    const history = { replaceState: vi.fn() };
    expect(takeSsoCode({ hash: '#sso_code=abc%2Ddef', pathname: '/', search: '?district=lincoln' }, history)).toBe('abc-def');
    expect(history.replaceState).toHaveBeenCalledWith(null, '', '/?district=lincoln');
  });

  it('leaves any other address alone', () => {
    const history = { replaceState: vi.fn() };
    expect(takeSsoCode({ hash: '#section', pathname: '/today', search: '' }, history)).toBeUndefined();
    expect(history.replaceState).not.toHaveBeenCalled();
  });
});

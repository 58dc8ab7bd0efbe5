import { as, signIn, TestDistrict } from '../../gateway/test/support/gateway-harness';
import { OidcTestProvider, startOidcProvider } from '../../gateway/test/support/oidc-provider';
import { BrowserPlatform, expectAccessible, freePort, launchBrowser, screenshots, startBrowserPlatform, TestBrowser } from './support/browser';

const CLIENT_ID = 'sessionledger';
const CLIENT_SECRET = 'sso-client-secret-5f1c9e0a7b3d';

/**
 * Single sign-on in the browser: the district's link to the sign-in screen
 * (`?district=<slug>`) shows the button; the identity provider sends the
 * browser back to the app with a one-time code, which the app trades for the
 * sign-in and removes from the address bar.
 */
describe('Web app: single sign-on', () => {
  let platform: BrowserPlatform;
  let browser: TestBrowser;
  let provider: OidcTestProvider;
  let district: TestDistrict;
  let slug: string;

  beforeAll(async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    provider = await startOidcProvider([{ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [`${base}/api/auth/sso/callback`] }]);
    platform = await startBrowserPlatform({ port, gatewayEnv: { SSO_REDIRECT_URI: `${base}/api/auth/sso/callback`, SSO_APP_URL: `${base}/` } });
    browser = await launchBrowser();
    district = await platform.district(1);
    slug = `sso-${district.domain.slice(1, 9)}`;
    const admin = await signIn(platform.gateway, district.admin.email);
    await as(platform.gateway, admin)
      .put('/api/district/sso')
      .send({ issuer: provider.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, allowedDomains: [district.domain], slug })
      .expect(200);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    provider?.child.kill('SIGTERM');
  });

  it('signs a provider in through the district’s identity provider and lands on Today', async () => {
    const user = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor', name: 'Sam' });
    const page = await browser.newPage();
    // The test provider signs in the account its login_hint names (a real one shows its own sign-in page here),
    // so the hint is added to the gateway's redirect to it.
    const hint = Buffer.from(JSON.stringify({ email: user.email, email_verified: true })).toString('base64url');
    await page.route(`${platform.baseUrl}/api/auth/sso/*/start`, async (route) => {
      const response = await route.fetch({ maxRedirects: 0 });
      await route.fulfill({ response, headers: { ...response.headers(), location: `${response.headers().location}&login_hint=${hint}` } });
    });

    await page.goto(`${platform.baseUrl}/sign-in?district=${slug}`);
    const button = page.getByRole('link', { name: 'Sign in with your district account' });
    await button.waitFor();
    await expectAccessible(page, 'sign-in-sso');
    await screenshots(page, 'sign-in-sso');

    await button.click();
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
    expect(await page.getByTestId('user-name').textContent()).toMatch(/^Sam User\d+$/);
    // The one-time code is gone from the address bar.
    expect(new URL(page.url()).hash).toBe('');
    await page.close();
  }, 120_000);

  it('says why single sign-on did not finish when the code is no good', async () => {
    const page = await browser.newPage();
    await page.goto(`${platform.baseUrl}/#sso_code=${'x'.repeat(43)}`);
    const alert = page.getByRole('alert').filter({ hasText: 'Single sign-on did not finish' });
    await alert.waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.close();
  }, 60_000);
});

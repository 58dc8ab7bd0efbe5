// A real OpenID provider (oidc-provider) for the SSO tests, run as its own process because the
// package is ESM only. Prints {"issuer": "..."} once listening on a free loopback port.
//
// Accounts need no registry: the login_hint *is* the account, base64url JSON
// {"email", "email_verified", "tamperAud"?}. The interaction signs that account in without a
// form, and consent is granted up front, so a test drives the whole flow with plain HTTP.
// tamperAud re-signs the ID token (with the provider's own key) for another audience, which
// stands for a token issued to another client: the one thing an honest provider cannot be asked for.
import http from 'node:http';
import Provider from 'oidc-provider';
import * as jose from 'jose';

// The clients come as the first argument (JSON), so the starter needs to pass no environment of its own.
const clients = JSON.parse(process.argv[2] ?? '[]');
const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const kid = 'sso-test-key';
const jwk = { ...(await jose.exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };

let handler = (_req, res) => res.end();
const server = http.createServer((req, res) => handler(req, res));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const decodeAccount = (id) => JSON.parse(Buffer.from(id, 'base64url').toString('utf8'));

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [jwk] },
  cookies: { keys: ['sso-fixture-cookie-key-0123456789'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  // Email claims in the ID token itself: the gateway reads the ID token, not userinfo.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(_ctx, id) {
    const account = decodeAccount(id);
    return { accountId: id, claims: async () => ({ sub: id, email: account.email, email_verified: account.email_verified }) };
  },
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

provider.use(async (ctx, next) => {
  await next();
  if (ctx.method !== 'POST' || ctx.path !== '/token' || !ctx.body?.id_token) return;
  const claims = jose.decodeJwt(ctx.body.id_token);
  const { tamperAud } = decodeAccount(claims.sub);
  if (!tamperAud) return;
  const id_token = await new jose.SignJWT({ ...claims, aud: tamperAud, azp: tamperAud }).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(privateKey);
  ctx.body = { ...ctx.body, id_token };
});

const callback = provider.callback();
handler = async (req, res) => {
  if (req.url?.startsWith('/interaction/')) {
    try {
      const details = await provider.interactionDetails(req, res);
      await provider.interactionFinished(req, res, { login: { accountId: String(details.params.login_hint) } }, { mergeWithLastSubmission: false });
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
    return;
  }
  callback(req, res);
};

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));

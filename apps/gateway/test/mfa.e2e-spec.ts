import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { decodeJwt } from 'jose';
import { generate } from 'otplib';
import request from 'supertest';
import { TenantTransactions } from '@sessionledger/persistence';
import { stopApps } from '@sessionledger/testing';
import { as, createDistrict, Session, signIn, startGateway, TEST_PASSWORD, TestDistrict, TestUser } from './support/gateway-harness';
import { addGroup, addStudent, addWorkOrder } from './support/session-fixtures';
import { SessionPlatform, sessionLogRows, startSession, startSessionPlatform } from './support/session-harness';

const MFA_TOKEN_TTL_SECONDS = 4;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The real otplib TOTP, computed here from the secret the gateway handed out.
 * `steps` 0 is the current 30-second step, 1 the next (the server accepts one
 * step either side). Never a past step: if the step turns over between here
 * and the server, a current or next code is still inside the window.
 */
function totp(secret: string, steps = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });
}

/** A 6-digit code that is certainly not the current, previous or next one. */
async function wrongCode(secret: string): Promise<string> {
  const valid = new Set(await Promise.all([-1, 0, 1, 2].map((steps) => totp(secret, steps))));
  for (let candidate = 0; ; candidate++) {
    const code = String(candidate).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
}

function expectRefusal(response: request.Response, status: number, code: string): void {
  expect({ status: response.status, code: response.body.code }).toEqual({ status, code });
}

describe('Second factor (TOTP, RFC 6238)', () => {
  let app: NestFastifyApplication;
  let district: TestDistrict;

  const http = () => request(app.getHttpServer());
  const login = (email: string) => http().post('/api/auth/login').send({ email, password: TEST_PASSWORD });
  const gatewayRows = <T>(districtId: string, sql: string, params: unknown[] = []) =>
    app.get(TenantTransactions).run(districtId, (em) => em.execute(sql, params) as Promise<T[]>);

  /** Enrols the signed-in user: the secret, the recovery codes, and the sign-in proven with the factor. Uses the current step's code. */
  async function enrol(session: Session): Promise<{ secret: string; recoveryCodes: string[]; tokens: Session }> {
    const started = await as(app, session).post('/api/me/mfa/totp').expect(200);
    const confirmed = await as(app, session).post('/api/me/mfa/totp/confirm').send({ code: await totp(started.body.secret) }).expect(200);
    return { secret: started.body.secret, recoveryCodes: confirmed.body.recoveryCodes, tokens: confirmed.body.tokens };
  }

  async function mfaToken(email: string): Promise<string> {
    const first = await login(email).expect(200);
    expect(first.body).toEqual({ mfaRequired: true, mfaToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expiresIn: MFA_TOKEN_TTL_SECONDS });
    return first.body.mfaToken;
  }

  beforeAll(async () => {
    app = await startGateway({ MFA_TOKEN_TTL_SECONDS: String(MFA_TOKEN_TTL_SECONDS), LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '1000' });
    district = await createDistrict(app, 1);
  });

  afterAll(() => stopApps(app));

  it('enrols with an otpauth URI of the secret, refuses a wrong first code, then answers ten recovery codes kept only as hashes', async () => {
    const user = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor' });
    const session = await signIn(app, user.email);

    const started = await as(app, session).post('/api/me/mfa/totp').expect(200);
    const { secret } = started.body;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(started.body.otpauthUri).toBe(
      `otpauth://totp/Sessionledger:${encodeURIComponent(user.email)}?secret=${secret}&issuer=Sessionledger&algorithm=SHA1&digits=6&period=30`,
    );
    expect((await as(app, session).get('/api/me/mfa').expect(200)).body).toEqual({ enrolled: false, pending: true, enrolledAt: null, recoveryCodesLeft: 0, required: false });

    const wrong = await as(app, session).post('/api/me/mfa/totp/confirm').send({ code: await wrongCode(secret) }).expect(400);
    expect(wrong.body).toMatchObject({ code: 'MFA.CODE_INVALID', fields: [{ field: 'code' }] });
    const malformed = await as(app, session).post('/api/me/mfa/totp/confirm').send({ code: '12345' }).expect(400);
    expect(malformed.body.fields).toEqual([{ field: 'code', problems: [expect.any(String)] }]);
    // Not enrolled yet: signing in still needs the password only.
    expect((await login(user.email).expect(200)).body.accessToken).toEqual(expect.any(String));

    const confirmed = await as(app, session).post('/api/me/mfa/totp/confirm').send({ code: await totp(secret) }).expect(200);
    const codes: string[] = confirmed.body.recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-hj-km-np-z2-9]{4}-[a-hj-km-np-z2-9]{4}-[a-hj-km-np-z2-9]{4}$/);
    expect(decodeJwt(confirmed.body.tokens.accessToken).amr).toEqual(['pwd', 'otp']);

    const [stored] = await gatewayRows<{ secret_sealed: string; pending_secret_sealed: string | null }>(district.id, `select * from gateway.user_totp where user_id = ?`, [user.id]);
    expect(stored.pending_secret_sealed).toBeNull();
    expect(stored.secret_sealed).not.toContain(secret);
    const hashes = await gatewayRows<{ code_hash: string }>(district.id, `select code_hash from gateway.mfa_recovery_code where user_id = ?`, [user.id]);
    expect(hashes).toHaveLength(10);
    for (const { code_hash } of hashes) {
      expect(code_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(codes.some((code) => code_hash.includes(code.replace(/-/g, '')))).toBe(false);
    }

    const status = await as(app, confirmed.body.tokens).get('/api/me/mfa').expect(200);
    expect(status.body).toEqual({ enrolled: true, pending: false, enrolledAt: expect.any(String), recoveryCodesLeft: 10, required: false });
    // The sign-ins made with the password alone are ended: from now on every sign-in needs the code.
    expect((await http().post('/api/auth/refresh').send({ refreshToken: session.refreshToken })).status).toBe(401);
  });

  it('asks an enrolled user for the code at sign-in: a wrong code is 401, a used one never works again, the mfaToken works once', async () => {
    const user = await district.user(['payroll']);
    const { secret } = await enrol(await signIn(app, user.email));

    const token = await mfaToken(user.email);
    expectRefusal(await http().post('/api/auth/mfa').send({ mfaToken: token, code: await wrongCode(secret) }), 401, 'AUTH.MFA_CODE_INVALID');
    // The code that confirmed the enrolment (this step) was used once already.
    expectRefusal(await http().post('/api/auth/mfa').send({ mfaToken: token, code: await totp(secret) }), 401, 'AUTH.MFA_CODE_INVALID');

    const next = await totp(secret, 1);
    const signedIn = await http().post('/api/auth/mfa').send({ mfaToken: token, code: next }).expect(200);
    expect(signedIn.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900, tokenType: 'Bearer' });
    expect(decodeJwt(signedIn.body.accessToken).amr).toEqual(['pwd', 'otp']);
    await as(app, signedIn.body).get('/api/me').expect(200);

    expectRefusal(await http().post('/api/auth/mfa').send({ mfaToken: token, code: await totp(secret, 1) }), 401, 'AUTH.MFA_TOKEN_INVALID');
    // The same code in a new sign-in: replayed.
    expectRefusal(await http().post('/api/auth/mfa').send({ mfaToken: await mfaToken(user.email), code: next }), 401, 'AUTH.MFA_CODE_INVALID');

    // Refresh keeps the factor the sign-in was proven with, for that sign-in only.
    const refreshed = await http().post('/api/auth/refresh').send({ refreshToken: signedIn.body.refreshToken }).expect(200);
    expect(decodeJwt(refreshed.body.accessToken).amr).toEqual(['pwd', 'otp']);
  });

  it('takes each recovery code once, in any spelling', async () => {
    const user = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'coach' });
    const { recoveryCodes, tokens } = await enrol(await signIn(app, user.email));
    const typed = recoveryCodes[3].replace(/-/g, ' ').toUpperCase();

    const signedIn = await http().post('/api/auth/mfa').send({ mfaToken: await mfaToken(user.email), recoveryCode: typed }).expect(200);
    expect(decodeJwt(signedIn.body.accessToken).amr).toEqual(['pwd', 'otp']);
    expect((await as(app, tokens).get('/api/me/mfa').expect(200)).body.recoveryCodesLeft).toBe(9);
    expectRefusal(await http().post('/api/auth/mfa').send({ mfaToken: await mfaToken(user.email), recoveryCode: recoveryCodes[3] }), 401, 'AUTH.MFA_CODE_INVALID');

    const both = await http().post('/api/auth/mfa').send({ mfaToken: await mfaToken(user.email), recoveryCode: recoveryCodes[4], code: '123456' }).expect(400);
    expect(both.body.fields).toEqual([{ field: 'code', problems: ['send exactly one of code and recoveryCode'] }]);
  });

  it('lets an mfaToken expire', async () => {
    const user = await district.user(['payroll']);
    const { secret } = await enrol(await signIn(app, user.email));
    const token = await mfaToken(user.email);
    await sleep(MFA_TOKEN_TTL_SECONDS * 1000 + 300);
    expectRefusal(await http().post('/api/auth/mfa').send({ mfaToken: token, code: await totp(secret, 1) }), 401, 'AUTH.MFA_TOKEN_INVALID');
    // Control: the same code completes a fresh sign-in, so the refusal was the expiry.
    await http().post('/api/auth/mfa').send({ mfaToken: await mfaToken(user.email), code: await totp(secret, 1) }).expect(200);
  });

  it('slows repeated wrong codes with their own counter (429 and Retry-After), without touching sign-in', async () => {
    const user = await district.user(['payroll']);
    const { secret } = await enrol(await signIn(app, user.email));
    const token = await mfaToken(user.email);
    const wrong = await wrongCode(secret);
    for (let i = 0; i < 3; i++) expectRefusal(await http().post('/api/auth/mfa').send({ mfaToken: token, code: wrong }), 401, 'AUTH.MFA_CODE_INVALID');
    const throttled = await http().post('/api/auth/mfa').send({ mfaToken: token, code: await totp(secret, 1) });
    expectRefusal(throttled, 429, 'AUTH.MFA_THROTTLED');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    // The password step is not held back by wrong codes.
    await mfaToken(user.email);
    await sleep(Number(throttled.headers['retry-after']) * 1000 + 100);
    await http().post('/api/auth/mfa').send({ mfaToken: token, code: await totp(secret, 1) }).expect(200);
  });

  it('needs a code to replace the recovery codes and to turn the factor off; then the password alone signs in again', async () => {
    const user = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'aide' });
    const { secret, recoveryCodes, tokens } = await enrol(await signIn(app, user.email));

    const missing = await as(app, tokens).post('/api/me/mfa/recovery-codes').send({}).expect(400);
    expect(missing.body.fields).toEqual([{ field: 'code', problems: ['send exactly one of code and recoveryCode'] }]);
    expectRefusal(await as(app, tokens).post('/api/me/mfa/recovery-codes').send({ code: await wrongCode(secret) }), 401, 'AUTH.MFA_CODE_INVALID');
    const replaced = await as(app, tokens).post('/api/me/mfa/recovery-codes').send({ code: await totp(secret, 1) }).expect(200);
    expect(replaced.body.recoveryCodes).toHaveLength(10);
    expect(replaced.body.recoveryCodes).not.toContain(recoveryCodes[0]);
    expectRefusal(await as(app, tokens).delete('/api/me/mfa').send({ recoveryCode: recoveryCodes[0] }), 401, 'AUTH.MFA_CODE_INVALID');

    await as(app, tokens).delete('/api/me/mfa').send({ recoveryCode: replaced.body.recoveryCodes[0] }).expect(204);
    expect((await as(app, tokens).get('/api/me/mfa').expect(200)).body).toMatchObject({ enrolled: false, recoveryCodesLeft: 0 });
    expect((await login(user.email).expect(200)).body.accessToken).toEqual(expect.any(String));
    expect(await gatewayRows(district.id, `select 1 from gateway.mfa_recovery_code where user_id = ?`, [user.id])).toEqual([]);
  });

  describe('required by the district', () => {
    let required: TestDistrict;
    let admin: Session;

    beforeAll(async () => {
      required = await createDistrict(app, 1);
      admin = await signIn(app, required.admin.email);
    });

    it('is set by a district admin only, audited with who and when, and never for another district', async () => {
      const provider = await required.user(['provider'], { schoolIds: [required.schools[0].id], providerKind: 'tutor' });
      expectRefusal(await as(app, await signIn(app, provider.email)).put('/api/district/security').send({ mfaRequired: true }), 403, 'AUTH.ROLE_NOT_ALLOWED');
      const bad = await as(app, admin).put('/api/district/security').send({ mfaRequired: 'yes' }).expect(400);
      expect(bad.body.fields).toEqual([{ field: 'mfaRequired', problems: [expect.any(String)] }]);
      expect((await as(app, admin).get('/api/district/security').expect(200)).body).toEqual({
        mfaRequired: false,
        mfaRoles: ['district_admin', 'payroll'],
        version: 0,
        updatedAt: null,
        updatedBy: null,
      });
    });

    it('leaves an admin or payroll user without an authenticator only the enrolment until they enrol; providers are unaffected', async () => {
      const payroll = await required.user(['payroll']);
      const provider = await required.user(['provider'], { schoolIds: [required.schools[0].id], providerKind: 'tutor' });
      const payrollSession = await signIn(app, payroll.email);
      const providerSession = await signIn(app, provider.email);

      const set = await as(app, admin).put('/api/district/security').send({ mfaRequired: true }).expect(200);
      expect(set.body).toMatchObject({ mfaRequired: true, version: 1, updatedBy: required.admin.id, updatedAt: expect.any(String) });
      // Another district is untouched.
      expect((await as(app, await signIn(app, district.admin.email)).get('/api/district/security').expect(200)).body.mfaRequired).toBe(false);

      // At once: the admin's own sign-in is kept but reaches only the enrolment; payroll's sign-ins without a second factor are ended.
      expectRefusal(await as(app, admin).get('/api/district'), 403, 'AUTH.MFA_ENROLMENT_REQUIRED');
      expect((await as(app, admin).get('/api/me/mfa').expect(200)).body).toMatchObject({ enrolled: false, required: true });
      expect((await as(app, payrollSession).get('/api/me')).status).toBe(401);
      expect((await http().post('/api/auth/refresh').send({ refreshToken: payrollSession.refreshToken })).status).toBe(401);
      // Providers are not asked.
      await as(app, providerSession).get('/api/me').expect(200);
      await http().post('/api/auth/refresh').send({ refreshToken: providerSession.refreshToken }).expect(200);

      // Signing in again is never locked out: the password gives a session that can enrol, and only that.
      const again = (await login(payroll.email).expect(200)).body as Session;
      expectRefusal(await as(app, again).get('/api/me'), 403, 'AUTH.MFA_ENROLMENT_REQUIRED');
      expect((await as(app, again).get('/api/me/mfa').expect(200)).body).toMatchObject({ enrolled: false, required: true });
      const { secret, tokens } = await enrol(again);
      expect((await as(app, tokens).get('/api/me').expect(200)).body.roles).toEqual(['payroll']);
      // Enrolling ended the password-only sign-in it was made in.
      expect((await as(app, again).get('/api/me')).status).toBe(401);
      expectRefusal(await as(app, tokens).delete('/api/me/mfa').send({ code: await totp(secret, 1) }), 422, 'MFA.REQUIRED_BY_DISTRICT');
      const token = await mfaToken(payroll.email);
      await http().post('/api/auth/mfa').send({ mfaToken: token, code: await totp(secret, 1) }).expect(200);

      // The district admin likewise.
      const adminAgain = (await login(required.admin.email).expect(200)).body as Session;
      expectRefusal(await as(app, adminAgain).put('/api/district/security').send({ mfaRequired: false }), 403, 'AUTH.MFA_ENROLMENT_REQUIRED');
      const adminFactor = await enrol(adminAgain);
      await as(app, adminFactor.tokens).get('/api/district').expect(200);
      expect((await as(app, adminFactor.tokens).get('/api/district/security').expect(200)).body.mfaRequired).toBe(true);
    });
  });
});

/**
 * The signing PIN of an account without a password (SSO sign-in only), on
 * the real posting path: gateway → session-log, PostgreSQL and Redis.
 */
describe('Signing PIN for the e-signature', () => {
  let platform: SessionPlatform;
  let district: TestDistrict;
  let admin: Session;

  /** A provider with a group, a work order and a finished, complete session to sign. */
  async function providerWithSession(): Promise<{ user: TestUser; session: Session; sessionId: () => Promise<string> }> {
    const user = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor' });
    const session = await signIn(platform.gateway, user.email);
    const students = await Promise.all([0, 1].map(() => addStudent(platform.gateway, admin, district.schools[0].id)));
    const group = await addGroup(platform.gateway, admin, district.schools[0].id, user.id, students.map((s) => s.id));
    const workOrder = await addWorkOrder(platform.gateway, admin, { type: 'tutoring', providerId: user.id, schoolId: district.schools[0].id });
    let hoursAgo = 30;
    const sessionId = async () => {
      hoursAgo -= 2;
      const startedAt = new Date(Date.now() - hoursAgo * 3600_000);
      const started = await startSession(platform.gateway, session, { service: 'tutoring', groupId: group.id, workOrderId: workOrder.id, startedAt: startedAt.toISOString() });
      for (const p of started.participants) {
        await as(platform.gateway, session)
          .patch(`/api/sessions/${started.id}/participants/${p.id}`)
          .send({
            version: 1,
            present: true,
            qualifiers: { homebound: false, detention: true, creditRecovery: false, remedial: false, remedialCriteria: [] },
            studentNote: 'You kept going on the hard problems today. Your fractions are getting faster. Next, check each answer against the estimate.',
          })
          .expect(200);
      }
      await as(platform.gateway, session)
        .post(`/api/sessions/${started.id}/end`)
        .send({ version: 1, endedAt: new Date(startedAt.getTime() + 45 * 60_000).toISOString() })
        .expect(200);
      return started.id as string;
    };
    return { user, session, sessionId };
  }

  const withoutPassword = (userId: string) =>
    platform.gateway.get(TenantTransactions).run(district.id, (em) => em.execute(`update gateway.app_user set password_hash = null where id = ?`, [userId]));

  beforeAll(async () => {
    platform = await startSessionPlatform();
    district = await platform.district(1);
    admin = await signIn(platform.gateway, district.admin.email);
  });

  afterAll(() => platform.stop());

  it('lets an account without a password set a PIN (not a trivial one) and sign with it; the signature and the trail say pin', async () => {
    const { user, session, sessionId } = await providerWithSession();
    const id = await sessionId();
    await withoutPassword(user.id);

    expectRefusal(await as(platform.gateway, session).post(`/api/sessions/${id}/post`).send({ pin: '730519' }), 422, 'SIGNATURE.PIN_NOT_SET');
    for (const trivial of ['123456', '000000', '121212', '9876543210']) {
      const refused = await as(platform.gateway, session).put('/api/me/signing-pin').send({ pin: trivial }).expect(400);
      expect(refused.body.fields).toEqual([{ field: 'pin', problems: [expect.any(String)] }]);
    }
    expect((await as(platform.gateway, session).put('/api/me/signing-pin').send({ pin: '12345' }).expect(400)).body.fields[0].field).toBe('pin');
    await as(platform.gateway, session).put('/api/me/signing-pin').send({ pin: '730519' }).expect(204);
    const [stored] = await platform.gateway
      .get(TenantTransactions)
      .run(district.id, (em) => em.execute(`select signing_pin_hash from gateway.app_user where id = ?`, [user.id]) as Promise<{ signing_pin_hash: string }[]>);
    expect(stored.signing_pin_hash).toMatch(/^\$argon2id\$/);

    // Changing it needs the PIN in force.
    expect((await as(platform.gateway, session).put('/api/me/signing-pin').send({ pin: '284617' }).expect(400)).body.fields[0].field).toBe('currentPin');
    expectRefusal(await as(platform.gateway, session).put('/api/me/signing-pin').send({ pin: '284617', currentPin: '111119' }), 403, 'SIGNING_PIN.INCORRECT');
    await as(platform.gateway, session).put('/api/me/signing-pin').send({ pin: '284617', currentPin: '730519' }).expect(204);

    expectRefusal(await as(platform.gateway, session).post(`/api/sessions/${id}/post`).send({ password: TEST_PASSWORD }), 422, 'SIGNATURE.PIN_REQUIRED');
    const both = await as(platform.gateway, session).post(`/api/sessions/${id}/post`).send({ password: TEST_PASSWORD, pin: '284617' }).expect(400);
    expect(both.body.fields[0].field).toBe('pin');

    const posted = await as(platform.gateway, session).post(`/api/sessions/${id}/post`).send({ pin: '284617' }).expect(200);
    expect(posted.body.signature).toMatchObject({ version: 1, signerId: user.id, method: 'pin' });
    const versions = await as(platform.gateway, session).get(`/api/sessions/${id}/versions`).expect(200);
    expect(versions.body.items[0].signature.method).toBe('pin');
    const trail = await as(platform.gateway, admin).get(`/api/sessions/${id}/history`).expect(200);
    expect(trail.body.items.find((entry: { action: string }) => entry.action === 'posted').detail).toMatchObject({ version: 1, signatureMethod: 'pin' });
    const [row] = await sessionLogRows<{ signature_method: string }>(platform.sessionLog, district.id, `select signature_method from session_log.session_version where session_id = ?`, [id]);
    expect(row.signature_method).toBe('pin');

    const amended = await as(platform.gateway, session)
      .post(`/api/sessions/${id}/amendments`)
      .send({ pin: '284617', basedOnVersion: 1, reason: 'Ended ten minutes earlier', changes: { adjustedMinutes: 35 } })
      .expect(200);
    expect(amended.body.signature).toMatchObject({ version: 2, method: 'pin' });
  });

  it('counts wrong PINs on their own counter: 403 each, then 429, and a right PIN after the wait signs', async () => {
    const { user, session, sessionId } = await providerWithSession();
    const id = await sessionId();
    // Four wrong password signatures while the account still had one: a shared counter would hold the second wrong PIN back.
    for (let i = 0; i < 4; i++) {
      expectRefusal(await as(platform.gateway, session).post(`/api/sessions/${id}/post`).send({ password: 'not my password' }), 403, 'SIGNATURE.PASSWORD_INCORRECT');
    }
    await withoutPassword(user.id);
    await as(platform.gateway, session).put('/api/me/signing-pin').send({ pin: '591736' }).expect(204);
    // LOGIN_MAX_FAILURES_PER_ACCOUNT (5) wrong PINs are refused as wrong; the next is held back.
    for (let i = 0; i < 5; i++) expectRefusal(await as(platform.gateway, session).post(`/api/sessions/${id}/post`).send({ pin: '591737' }), 403, 'SIGNATURE.PIN_INCORRECT');
    const throttled = await as(platform.gateway, session).post(`/api/sessions/${id}/post`).send({ pin: '591736' });
    expectRefusal(throttled, 429, 'SIGNATURE.THROTTLED');
    await sleep(Number(throttled.headers['retry-after']) * 1000 + 100);
    const posted = await as(platform.gateway, session).post(`/api/sessions/${id}/post`).send({ pin: '591736' }).expect(200);
    expect(posted.body.signature.method).toBe('pin');
  });

  it('keeps password accounts signing with the password (method password), and refuses them a PIN', async () => {
    const { session, sessionId } = await providerWithSession();
    const id = await sessionId();
    expectRefusal(await as(platform.gateway, session).put('/api/me/signing-pin').send({ pin: '730519' }), 422, 'SIGNING_PIN.HAS_PASSWORD');
    expectRefusal(await as(platform.gateway, session).post(`/api/sessions/${id}/post`).send({ pin: '730519' }), 422, 'SIGNATURE.PASSWORD_REQUIRED');
    const posted = await as(platform.gateway, session).post(`/api/sessions/${id}/post`).send({ password: TEST_PASSWORD }).expect(200);
    expect(posted.body.signature.method).toBe('password');
    const trail = await as(platform.gateway, admin).get(`/api/sessions/${id}/history`).expect(200);
    expect(trail.body.items.find((entry: { action: string }) => entry.action === 'posted').detail).toMatchObject({ signatureMethod: 'password' });
  });
});

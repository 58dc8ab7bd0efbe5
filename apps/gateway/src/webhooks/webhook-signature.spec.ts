import { newWebhookSecret, signWebhook, verifyWebhook } from './webhook-signature';

describe('webhook signatures', () => {
  // The published Standard Webhooks test vector: receivers' existing libraries must accept what we send.
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const timestamp = 1614265330;
  const body = '{"test": 2432232314}';

  it('reproduces the Standard Webhooks reference signature', () => {
    expect(signWebhook(secret, id, timestamp, body)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('verifies a header holding several signatures and refuses a changed body, id or timestamp', () => {
    const header = `v1,bm9wZQ== ${signWebhook(secret, id, timestamp, body)}`;
    expect(verifyWebhook(secret, id, timestamp, body, header)).toBe(true);
    expect(verifyWebhook(secret, id, timestamp, '{"test": 2432232315}', header)).toBe(false);
    expect(verifyWebhook(secret, 'msg_other', timestamp, body, header)).toBe(false);
    expect(verifyWebhook(secret, id, timestamp + 1, body, header)).toBe(false);
  });

  it('makes secrets of 32 random bytes with the whsec_ prefix', () => {
    const made = newWebhookSecret();
    expect(made).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(made.slice(6), 'base64')).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(made);
  });
});

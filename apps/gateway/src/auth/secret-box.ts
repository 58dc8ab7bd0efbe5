import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Environment } from '@sessionledger/config';

const VERSION = 'v1';

/**
 * Seals secrets the gateway must read back (districts' OpenID client secrets,
 * webhook signing secrets) with AES-256-GCM under SSO_SECRET_KEY. The caller's
 * context (the district, the record) is the additional authenticated data, so
 * a sealed secret copied into another row does not open there. A database
 * dump alone never yields a secret.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer | undefined) {}

  static fromEnvironment(env: Environment): SecretBox {
    if (env.SSO_SECRET_KEY !== '') return new SecretBox(Buffer.from(env.SSO_SECRET_KEY, 'base64'));
    // Development and tests: secrets sealed by this process are readable by it only, like an unset JWT_SECRET.
    return new SecretBox(env.NODE_ENV !== 'production' ? randomBytes(32) : undefined);
  }

  get available(): boolean {
    return this.key !== undefined;
  }

  /** Throws when no key is configured: callers check `available` first to answer with their own error. */
  seal(plaintext: string, context: string): string {
    if (!this.key) throw new Error('no secret key is configured');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  /** The secret, or undefined when it cannot be opened (a rotated key, a tampered or moved row, no key). */
  open(sealed: string, context: string): string | undefined {
    if (!this.key) return undefined;
    const [version, iv, tag, ciphertext] = sealed.split('.');
    try {
      if (version !== VERSION) return undefined;
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}

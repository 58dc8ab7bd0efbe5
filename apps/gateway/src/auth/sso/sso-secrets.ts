import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DomainError } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';

const VERSION = 'v1';

/**
 * Seals districts' OpenID client secrets with AES-256-GCM under SSO_SECRET_KEY.
 * The district id is the additional authenticated data, so a sealed secret
 * copied into another district's row does not open there. A database dump
 * alone never yields a client secret.
 */
@Injectable()
export class SsoSecrets {
  private readonly key: Buffer | undefined;

  constructor(env: Environment) {
    if (env.SSO_SECRET_KEY !== '') this.key = Buffer.from(env.SSO_SECRET_KEY, 'base64');
    // Development and tests: secrets sealed by this process are readable by it only, like an unset JWT_SECRET.
    else if (env.NODE_ENV !== 'production') this.key = randomBytes(32);
  }

  seal(plaintext: string, districtId: string): string {
    const key = this.requireKey();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(districtId));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  open(sealed: string, districtId: string): string {
    const key = this.requireKey();
    const [version, iv, tag, ciphertext] = sealed.split('.');
    try {
      if (version !== VERSION) throw new Error('unknown version');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(districtId));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      // A rotated key or a tampered row: the admin must enter the secret again.
      throw new DomainError('unprocessable', 'SSO.SECRET_UNREADABLE', "The district's SSO client secret cannot be decrypted; a district admin must set it again");
    }
  }

  private requireKey(): Buffer {
    if (!this.key) throw new DomainError('unavailable', 'SSO.UNAVAILABLE', 'Single sign-on is not available: SSO_SECRET_KEY is not set on this server');
    return this.key;
  }
}

import { Injectable } from '@nestjs/common';
import { DomainError } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';
import { SecretBox } from '../secret-box';

/**
 * Districts' OpenID client secrets, sealed under the gateway's data key (see
 * SecretBox). The district id is the associated data, so a sealed secret
 * copied into another district's row does not open there. A database dump
 * alone never yields a client secret.
 */
@Injectable()
export class SsoSecrets {
  private readonly box: SecretBox;

  constructor(env: Environment) {
    this.box = SecretBox.fromEnvironment(env);
  }

  seal(plaintext: string, districtId: string): string {
    if (!this.box.available) unavailable();
    return this.box.seal(plaintext, districtId);
  }

  open(sealed: string, districtId: string): string {
    const secret = this.box.available ? this.box.open(sealed, districtId) : unavailable();
    // A rotated key or a tampered row: the admin must enter the secret again.
    if (secret === undefined) {
      throw new DomainError('unprocessable', 'SSO.SECRET_UNREADABLE', "The district's SSO client secret cannot be decrypted; a district admin must set it again");
    }
    return secret;
  }
}

function unavailable(): never {
  throw new DomainError('unavailable', 'SSO.UNAVAILABLE', 'Single sign-on is not available: SSO_SECRET_KEY is not set on this server');
}

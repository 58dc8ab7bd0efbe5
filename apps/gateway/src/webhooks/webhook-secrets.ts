import { Injectable } from '@nestjs/common';
import { DomainError } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';
import { SecretBox } from '../auth/secret-box';

/**
 * Webhook signing secrets, sealed at rest under SSO_SECRET_KEY (see
 * SecretBox). The context binds a sealed secret to its district and endpoint,
 * so one copied into another row does not open there.
 */
@Injectable()
export class WebhookSecrets {
  private readonly box: SecretBox;

  constructor(env: Environment) {
    this.box = SecretBox.fromEnvironment(env);
  }

  seal(secret: string, districtId: string, endpointId: string): string {
    if (!this.box.available) {
      throw new DomainError('unavailable', 'WEBHOOK.UNAVAILABLE', 'Webhooks are not available: SSO_SECRET_KEY, which seals their signing secrets, is not set on this server');
    }
    return this.box.seal(secret, context(districtId, endpointId));
  }

  /** Undefined when the secret cannot be opened (the key changed): the endpoint needs a new secret (rotate it). */
  open(sealed: string, districtId: string, endpointId: string): string | undefined {
    return this.box.open(sealed, context(districtId, endpointId));
  }
}

function context(districtId: string, endpointId: string): string {
  return `webhook:${districtId}:${endpointId}`;
}

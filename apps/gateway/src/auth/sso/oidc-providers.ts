import { Injectable } from '@nestjs/common';
import { BaseClient, custom, Issuer } from 'openid-client';
import { DomainError } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';

/** Discovery documents (and with them the JWKS location) change rarely; a provider outage should not be hit on every sign-in. */
const DISCOVERY_TTL_MS = 10 * 60 * 1000;

custom.setHttpOptionsDefaults({ timeout: 5000 });

export interface OidcClientSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

/** Trailing slashes differ between what admins type and what providers publish; nothing else may. */
export function sameIssuer(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

@Injectable()
export class OidcProviders {
  private readonly discovered = new Map<string, { issuer: Issuer<BaseClient>; at: number }>();

  constructor(private readonly env: Environment) {}

  async discover(issuerUrl: string): Promise<Issuer<BaseClient>> {
    const cached = this.discovered.get(issuerUrl);
    if (cached && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.issuer;
    let issuer: Issuer<BaseClient>;
    try {
      issuer = await Issuer.discover(issuerUrl);
    } catch {
      throw new DomainError('unavailable', 'SSO.PROVIDER_UNAVAILABLE', 'The OpenID provider could not be reached or published no valid discovery document');
    }
    // A discovery document naming another issuer would make ID-token issuer checks compare against the wrong party.
    if (!sameIssuer(String(issuer.metadata.issuer), issuerUrl)) {
      throw new DomainError('unprocessable', 'SSO.ISSUER_MISMATCH', 'The OpenID provider publishes a different issuer than the one configured');
    }
    this.discovered.set(issuerUrl, { issuer, at: Date.now() });
    return issuer;
  }

  async client(settings: OidcClientSettings): Promise<BaseClient> {
    const issuer = await this.discover(settings.issuer);
    return new issuer.Client({
      client_id: settings.clientId,
      client_secret: settings.clientSecret,
      redirect_uris: [this.env.SSO_REDIRECT_URI],
      response_types: ['code'],
    });
  }
}

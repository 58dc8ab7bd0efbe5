import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { Actor } from '@sessionledger/auth';
import { Conflict, DomainError, invalid } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';
import { TenantTransactions } from '@sessionledger/persistence';
import { AuditLog, auditActorOf, changedFields, createdFields } from '../../audit/audit-log';
import { DistrictSsoResponse, PutDistrictSsoRequest } from './district-sso.dto';
import { OidcProviders } from './oidc-providers';
import { SsoSecrets } from './sso-secrets';

interface DistrictSsoRow {
  district_id: string;
  slug: string | null;
  issuer: string;
  client_id: string;
  client_secret_sealed: string;
  allowed_domains: string[];
  version: number;
}

export interface DistrictSsoSettings {
  districtId: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  allowedDomains: string[];
}

function auditedFields(row: DistrictSsoRow): Record<string, unknown> {
  return { slug: row.slug, issuer: row.issuer, clientId: row.client_id, allowedDomains: [...row.allowed_domains].sort() };
}

export const SSO_NOT_CONFIGURED = () => new DomainError('not_found', 'SSO.NOT_CONFIGURED', 'Single sign-on is not configured for this district');

export async function readSsoRow(em: EntityManager, districtId: string): Promise<DistrictSsoRow | undefined> {
  const [row] = (await em.execute(`select * from gateway.district_sso where district_id = ?`, [districtId])) as DistrictSsoRow[];
  return row;
}

@Injectable()
export class DistrictSsoService {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly secrets: SsoSecrets,
    private readonly providers: OidcProviders,
    private readonly env: Environment,
    private readonly audit: AuditLog,
  ) {}

  get(actor: Actor): Promise<DistrictSsoResponse> {
    return this.transactions.run(actor.districtId, async (em) => {
      const row = await readSsoRow(em, actor.districtId);
      if (!row) throw SSO_NOT_CONFIGURED();
      return this.toResponse(row);
    });
  }

  async put(actor: Actor, request: PutDistrictSsoRequest): Promise<DistrictSsoResponse> {
    // A loopback provider over http exists for tests and local demos only; in production every issuer is https.
    if (this.env.NODE_ENV === 'production' && !request.issuer.startsWith('https:')) {
      throw invalid('issuer', 'issuer must be an https URL');
    }
    // Refuses a mistyped issuer now, not at a teacher's first sign-in.
    await this.providers.discover(request.issuer);
    return this.transactions.run(actor.districtId, async (em) => {
      const existing = await readSsoRow(em, actor.districtId);
      // A secret belongs to its client id: keeping the old one for a new client would fail at every sign-in.
      if (request.clientSecret === undefined && (!existing || existing.client_id !== request.clientId)) {
        throw invalid('clientSecret', 'clientSecret is required when SSO is first configured or clientId changes');
      }
      const sealed = request.clientSecret !== undefined ? this.secrets.seal(request.clientSecret, actor.districtId) : existing!.client_secret_sealed;
      if (request.slug) {
        const [owner] = (await em.execute(`select gateway.sso_district(?) as district_id`, [request.slug])) as { district_id: string | null }[];
        if (owner?.district_id && owner.district_id !== actor.districtId) throw new Conflict('SSO.SLUG_TAKEN', 'Another district already uses this slug');
      }
      const [row] = (await em.execute(
        `insert into gateway.district_sso (district_id, slug, issuer, client_id, client_secret_sealed, allowed_domains)
         values (?, ?, ?, ?, ?, array(select jsonb_array_elements_text(?::jsonb)))
         on conflict (district_id) do update set slug = excluded.slug, issuer = excluded.issuer, client_id = excluded.client_id,
           client_secret_sealed = excluded.client_secret_sealed, allowed_domains = excluded.allowed_domains,
           version = gateway.district_sso.version + 1, updated_at = now()
         returning *`,
        [actor.districtId, request.slug ?? null, request.issuer, request.clientId, sealed, JSON.stringify([...new Set(request.allowedDomains)])],
      )) as DistrictSsoRow[];
      await this.recordChange(em, actor, existing, row, request.clientSecret !== undefined);
      return this.toResponse(row);
    });
  }

  /** In the change's transaction. The secret is never recorded, sealed or not: only that a new one was set. */
  private async recordChange(em: EntityManager, actor: Actor, before: DistrictSsoRow | undefined, after: DistrictSsoRow, clientSecretChanged: boolean): Promise<void> {
    const now = auditedFields(after);
    const changed = before ? changedFields(auditedFields(before), now) : { before: null, after: createdFields(now) };
    if (!changed && !clientSecretChanged) return;
    await this.audit.record(em, actor.districtId, auditActorOf(actor), [
      {
        action: 'district.sso.update',
        subjectType: 'district',
        subjectId: actor.districtId,
        before: changed?.before ?? null,
        after: changed?.after ?? null,
        detail: { configured: before ? 'changed' : 'first', clientSecretChanged },
      },
    ]);
  }

  /** The settings a sign-in needs, secret opened; undefined when the district has none. */
  async settingsFor(districtId: string): Promise<DistrictSsoSettings | undefined> {
    const row = await this.transactions.run(districtId, (em) => readSsoRow(em, districtId));
    if (!row) return undefined;
    return {
      districtId,
      issuer: row.issuer,
      clientId: row.client_id,
      clientSecret: this.secrets.open(row.client_secret_sealed, districtId),
      allowedDomains: row.allowed_domains,
    };
  }

  private toResponse(row: DistrictSsoRow): DistrictSsoResponse {
    return {
      issuer: row.issuer,
      clientId: row.client_id,
      allowedDomains: row.allowed_domains,
      slug: row.slug,
      clientSecretSet: true,
      version: row.version,
      redirectUri: this.env.SSO_REDIRECT_URI,
    };
  }
}

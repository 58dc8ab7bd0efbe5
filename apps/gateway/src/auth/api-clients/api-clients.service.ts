import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Actor, ApiScope } from '@sessionledger/auth';
import { DomainError, newId, NotFound, Page, pageOf } from '@sessionledger/common';
import { TenantTransactions } from '@sessionledger/persistence';
import { AuditLog, auditActorOf } from '../../audit/audit-log';
import { ApiClientListQuery, ApiClientReply, ApiClientSecretReply, CreateApiClientBody } from './api-clients.dto';

/** Active (unrevoked) clients a district may hold: enough for its systems, few enough to review. */
export const MAX_API_CLIENTS_PER_DISTRICT = 25;

interface ApiClientRow {
  id: string;
  client_id: string;
  name: string;
  scopes: ApiScope[];
  created_at: Date;
  updated_at: Date;
  revoked_at: Date | null;
}

const COLUMNS = 'id, client_id, name, scopes, created_at, updated_at, revoked_at';

/** 256 random bits: guessing is hopeless, so SHA-256 (no stretching) is the right store for it. */
export function newClientSecret(): { secret: string; hash: string } {
  const secret = `sls_${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashClientSecret(secret) };
}

export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares in constant time; a missing hash still costs the comparison, so timing tells nothing about which clients exist. */
export function clientSecretMatches(secret: string, storedHash: string | undefined): boolean {
  const presented = Buffer.from(hashClientSecret(secret), 'hex');
  const stored = Buffer.from(storedHash ?? '0'.repeat(64), 'hex');
  return timingSafeEqual(presented, stored) && storedHash !== undefined;
}

/** District admins create, list, rotate and revoke their district's API clients. */
@Injectable()
export class ApiClientsService {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly audit: AuditLog,
  ) {}

  create(actor: Actor, body: CreateApiClientBody): Promise<ApiClientSecretReply> {
    return this.transactions.run(actor.districtId, async (em) => {
      // Serialises creations per district, so parallel requests cannot pass the limit together.
      await em.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`api_client:${actor.districtId}`]);
      const [{ active }] = (await em.execute(`select count(*)::int as active from gateway.api_client where district_id = ? and revoked_at is null`, [
        actor.districtId,
      ])) as { active: number }[];
      if (active >= MAX_API_CLIENTS_PER_DISTRICT) {
        throw new DomainError('unprocessable', 'API_CLIENT.LIMIT_REACHED', `A district may have at most ${MAX_API_CLIENTS_PER_DISTRICT} active API clients; revoke one first`);
      }
      const { secret, hash } = newClientSecret();
      const [row] = (await em.execute(
        `insert into gateway.api_client (id, district_id, client_id, name, scopes, secret_hash, created_by)
         values (?, ?, ?, ?, array(select jsonb_array_elements_text(?::jsonb)), ?, ?) returning ${COLUMNS}`,
        [newId(), actor.districtId, `slc_${randomBytes(16).toString('base64url')}`, body.name, JSON.stringify(body.scopes), hash, actor.userId],
      )) as ApiClientRow[];
      await this.audit.record(em, actor.districtId, auditActorOf(actor), [
        { action: 'api-client.create', subjectType: 'api-client', subjectId: row.id, after: { clientId: row.client_id, name: row.name, scopes: row.scopes } },
      ]);
      return { ...toReply(row), clientSecret: secret };
    });
  }

  list(actor: Actor, query: ApiClientListQuery): Promise<Page<ApiClientReply>> {
    return this.transactions.run(actor.districtId, async (em) => {
      const params = [actor.districtId, query.updatedSince ?? null];
      const where = `district_id = ? and (?::timestamptz is null or updated_at >= ?::timestamptz)`;
      const rows = (await em.execute(
        `select ${COLUMNS} from gateway.api_client where ${where} order by created_at desc, id limit ? offset ?`,
        [...params, params[1], query.pageSize, (query.page - 1) * query.pageSize],
      )) as ApiClientRow[];
      const [{ total }] = (await em.execute(`select count(*)::int as total from gateway.api_client where ${where}`, [...params, params[1]])) as { total: number }[];
      return pageOf(rows.map(toReply), total, query);
    });
  }

  /** Revoking twice is the same as once; its tokens fail from the next request (the actor loader reads `revoked_at`). */
  revoke(actor: Actor, id: string): Promise<void> {
    return this.transactions.run(actor.districtId, async (em) => {
      // The row as it was, locked, so only the request that really revokes it writes the entry.
      const [was] = (await em.execute(`select client_id, name, revoked_at from gateway.api_client where id = ? and district_id = ? for update`, [id, actor.districtId])) as Pick<
        ApiClientRow,
        'client_id' | 'name' | 'revoked_at'
      >[];
      if (!was) throw new NotFound('api_client', id);
      if (was.revoked_at) return;
      await em.execute(`update gateway.api_client set revoked_at = now(), updated_at = now() where id = ?`, [id]);
      await this.audit.record(em, actor.districtId, auditActorOf(actor), [
        { action: 'api-client.revoke', subjectType: 'api-client', subjectId: id, before: { revoked: false }, after: { revoked: true }, detail: { clientId: was.client_id, name: was.name } },
      ]);
    });
  }

  /** A new secret, shown once; the old one stops at once. Tokens already issued run out within their lifetime. */
  rotateSecret(actor: Actor, id: string): Promise<ApiClientSecretReply> {
    return this.transactions.run(actor.districtId, async (em) => {
      const { secret, hash } = newClientSecret();
      const [row] = (await em.execute(
        `update gateway.api_client set secret_hash = ?, updated_at = now() where id = ? and district_id = ? and revoked_at is null returning ${COLUMNS}`,
        [hash, id, actor.districtId],
      )) as ApiClientRow[];
      if (!row) throw new NotFound('api_client', id);
      // That the secret changed, never the secret or its hash.
      await this.audit.record(em, actor.districtId, auditActorOf(actor), [
        { action: 'api-client.secret.rotate', subjectType: 'api-client', subjectId: row.id, detail: { clientId: row.client_id, name: row.name } },
      ]);
      return { ...toReply(row), clientSecret: secret };
    });
  }
}

function toReply(row: ApiClientRow): ApiClientReply {
  return {
    id: row.id,
    clientId: row.client_id,
    name: row.name,
    scopes: row.scopes,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    revokedAt: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
  };
}

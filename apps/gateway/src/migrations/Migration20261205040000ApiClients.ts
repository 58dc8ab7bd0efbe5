import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from '@sessionledger/persistence';

const S = 'gateway';

/**
 * Machine credentials (OAuth 2.0 client credentials) per district. Only the
 * SHA-256 of a secret is kept: the secrets are 256 random bits, so a fast hash
 * is as strong as a slow one, and a copy of the database hands out no client.
 */
export class Migration20261205040000ApiClients extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE TABLE ${S}.api_client (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL REFERENCES ${S}.district (id) DEFERRABLE INITIALLY DEFERRED,
        client_id text NOT NULL UNIQUE CHECK (client_id ~ '^slc_[A-Za-z0-9_-]{22}$'),
        name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
        scopes text[] NOT NULL CHECK (cardinality(scopes) > 0),
        secret_hash text NOT NULL CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`,
      `CREATE INDEX api_client_district_idx ON ${S}.api_client (district_id, created_at DESC, id)`,
      ...tenantIsolation(`${S}.api_client`),
      // The token endpoint knows no district until the client is found; this is its only cross-district read.
      `CREATE FUNCTION ${S}.api_client_candidate(candidate_client_id text)
        RETURNS TABLE (id uuid, district_id uuid, secret_hash text, scopes text[])
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
          SELECT id, district_id, secret_hash, scopes FROM ${S}.api_client
          WHERE client_id = candidate_client_id AND revoked_at IS NULL $$`,
    ];
    for (const statement of statements) this.addSql(statement);
  }
}

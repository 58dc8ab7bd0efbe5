import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from '@sessionledger/persistence';

const S = 'gateway';

/** Per-district OpenID Connect sign-in; the client secret is stored sealed (AES-256-GCM), never in clear. */
export class Migration20261204030000DistrictSso extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE TABLE ${S}.district_sso (
        district_id uuid PRIMARY KEY REFERENCES ${S}.district (id) DEFERRABLE INITIALLY DEFERRED,
        slug text CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
        issuer text NOT NULL,
        client_id text NOT NULL,
        client_secret_sealed text NOT NULL,
        allowed_domains text[] NOT NULL CHECK (cardinality(allowed_domains) > 0),
        version integer NOT NULL DEFAULT 1,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      // Sign-in links name a district before anyone is signed in, so slugs are unique across the installation.
      `CREATE UNIQUE INDEX district_sso_slug_idx ON ${S}.district_sso (slug) WHERE slug IS NOT NULL`,
      ...tenantIsolation(`${S}.district_sso`),
      // The start of an SSO sign-in knows no district yet; this is its only cross-district read, and it returns only the id.
      `CREATE FUNCTION ${S}.sso_district(slug_or_id text)
        RETURNS uuid
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
          SELECT district_id FROM ${S}.district_sso
          WHERE slug = lower(slug_or_id) OR district_id::text = lower(slug_or_id) LIMIT 1 $$`,
    ];
    for (const statement of statements) this.addSql(statement);
  }
}

import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from '@sessionledger/persistence';

const S = 'gateway';

/**
 * One row per sign-in (a refresh-token family; the id is the family id): how
 * and where it began, when and from where it was last refreshed, and who
 * ended it, when and why. Access tokens name their sign-in (`sid`), and the
 * per-request actor read checks it is not ended, so ending one is immediate.
 */
export class Migration20261205020000SignIns extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE TABLE ${S}.sign_in (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL,
        user_id uuid NOT NULL,
        method text CHECK (method IN ('password', 'sso')),
        user_agent text CHECK (char_length(user_agent) <= 256),
        device text NOT NULL CHECK (char_length(device) BETWEEN 1 AND 64),
        started_at timestamptz NOT NULL,
        started_address text CHECK (char_length(started_address) <= 100),
        last_used_at timestamptz NOT NULL,
        address text CHECK (char_length(address) <= 100),
        expires_at timestamptz NOT NULL,
        ended_at timestamptz,
        ended_by uuid,
        end_reason text CHECK (end_reason IN ('signed_out', 'ended', 'refresh_reused', 'password_reset', 'deactivated')),
        CHECK ((ended_at IS NULL) = (end_reason IS NULL)),
        FOREIGN KEY (district_id, user_id) REFERENCES ${S}.app_user (district_id, id) DEFERRABLE INITIALLY DEFERRED
      )`,
      `CREATE INDEX sign_in_active_idx ON ${S}.sign_in (district_id, user_id, started_at DESC, id DESC) WHERE ended_at IS NULL`,
      ...tenantIsolation(`${S}.sign_in`),
      // Families still alive at this point were started before anything was recorded about them: no method, agent or address.
      `INSERT INTO ${S}.sign_in (id, district_id, user_id, device, started_at, last_used_at, expires_at)
        SELECT family_id, district_id, user_id, 'Unknown device', min(issued_at), max(issued_at), max(expires_at)
          FROM ${S}.refresh_token
         GROUP BY family_id, district_id, user_id
        HAVING bool_or(used_at IS NULL AND revoked_at IS NULL AND expires_at > now())`,
    ];
    for (const statement of statements) this.addSql(statement);
  }
}

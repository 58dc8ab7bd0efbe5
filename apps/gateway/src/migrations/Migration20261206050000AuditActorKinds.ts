import { Migration } from '@mikro-orm/migrations';

/**
 * Entries written without a signed-in account: operator commands run on the
 * server (create-district, seed-demo, roster-import) and failed single
 * sign-ons of someone the district does not know. Both had no honest
 * `actor_kind` before; claiming `user` with no user would hide them.
 */
export class Migration20261206050000AuditActorKinds extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE gateway.audit_event DROP CONSTRAINT audit_event_actor_kind_check`);
    this.addSql(`ALTER TABLE gateway.audit_event ADD CONSTRAINT audit_event_actor_kind_check CHECK (actor_kind IN ('user', 'api_client', 'operator', 'anonymous'))`);
  }
}

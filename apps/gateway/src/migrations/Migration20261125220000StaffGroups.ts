import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from '@sessionledger/persistence';

const S = 'gateway';

/** Teacher (staff) groups, for reporting coaching time by group; district-wide when school_id is null. */
export class Migration20261125220000StaffGroups extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE TABLE ${S}.staff_group (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL REFERENCES ${S}.district (id) DEFERRABLE INITIALLY DEFERRED,
        name text NOT NULL,
        school_id uuid,
        active boolean NOT NULL DEFAULT true,
        version integer NOT NULL DEFAULT 1,
        FOREIGN KEY (district_id, school_id) REFERENCES ${S}.school (district_id, id) DEFERRABLE INITIALLY DEFERRED,
        UNIQUE (district_id, id)
      )`,
      ...tenantIsolation(`${S}.staff_group`),
      `CREATE TABLE ${S}.staff_group_member (
        district_id uuid NOT NULL,
        group_id uuid NOT NULL,
        user_id uuid NOT NULL,
        PRIMARY KEY (group_id, user_id),
        FOREIGN KEY (district_id, group_id) REFERENCES ${S}.staff_group (district_id, id) DEFERRABLE INITIALLY DEFERRED,
        FOREIGN KEY (district_id, user_id) REFERENCES ${S}.app_user (district_id, id) DEFERRABLE INITIALLY DEFERRED
      )`,
      `CREATE INDEX staff_group_member_user_idx ON ${S}.staff_group_member (district_id, user_id)`,
      ...tenantIsolation(`${S}.staff_group_member`),
    ];
    for (const statement of statements) this.addSql(statement);
  }
}

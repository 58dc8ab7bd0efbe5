import { Migration } from '@mikro-orm/migrations';
import { SCHOOL_CHANGED } from '@sessionledger/contracts';

const S = 'gateway';

/**
 * Every service keeps a copy of the district's schools (their state codes go
 * into posted snapshots and the state's report). Schools are written by the
 * API, roster import's set-based SQL, the demo seed and operator commands;
 * announcing from each was how codes got lost. The table itself now writes the
 * SchoolChanged event into the outbox, in the writer's transaction, whoever the
 * writer is, and bumps the version a writer left unchanged so replicas (which
 * keep the newest version) take the change. Existing schools are announced once.
 */
export class Migration20261204000000SchoolAnnouncements extends Migration {
  override async up(): Promise<void> {
    const payload = `jsonb_build_object('districtId', s.district_id, 'schoolId', s.id, 'name', s.name,
      'stateSchoolCode', s.state_school_code, 'active', s.active, 'version', s.version)`;
    const statements = [
      `CREATE FUNCTION ${S}.school_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.version = OLD.version THEN NEW.version := OLD.version + 1; END IF;
          RETURN NEW;
        END $$`,
      `CREATE TRIGGER school_version_bump BEFORE UPDATE OF name, state_school_code, active ON ${S}.school
        FOR EACH ROW WHEN ((NEW.name, NEW.state_school_code, NEW.active) IS DISTINCT FROM (OLD.name, OLD.state_school_code, OLD.active))
        EXECUTE FUNCTION ${S}.school_version_bump()`,
      `CREATE FUNCTION ${S}.school_announce() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO ${S}.outbox_event (id, district_id, name, payload, correlation_id)
          SELECT gen_random_uuid(), s.district_id, '${SCHOOL_CHANGED.name}', ${payload}, NULLIF(current_setting('app.correlation_id', true), '')
          FROM (SELECT NEW.*) s;
          RETURN NULL;
        END $$`,
      `CREATE TRIGGER school_announce_insert AFTER INSERT ON ${S}.school
        FOR EACH ROW EXECUTE FUNCTION ${S}.school_announce()`,
      `CREATE TRIGGER school_announce_update AFTER UPDATE ON ${S}.school
        FOR EACH ROW WHEN ((NEW.name, NEW.state_school_code, NEW.active) IS DISTINCT FROM (OLD.name, OLD.state_school_code, OLD.active))
        EXECUTE FUNCTION ${S}.school_announce()`,
      `INSERT INTO ${S}.outbox_event (id, district_id, name, payload)
        SELECT gen_random_uuid(), s.district_id, '${SCHOOL_CHANGED.name}', ${payload} FROM ${S}.school s`,
    ];
    for (const statement of statements) this.addSql(statement);
  }
}

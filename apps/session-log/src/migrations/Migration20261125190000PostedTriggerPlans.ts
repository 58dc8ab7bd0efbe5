import { Migration } from '@mikro-orm/migrations';

const S = 'session_log';

/*
 * The participant trigger looks its session up once per row. PL/pgSQL caches
 * a generic plan per connection; one made while the session table was small
 * (a new district, a fresh database, no ANALYZE yet) is a sequential scan,
 * kept for the connection's life as the table grows (bench/post-pipeline: a
 * 19k-session seed took 102 s instead of 3 s). A custom plan per call takes
 * the primary key.
 */
export class Migration20261125190000PostedTriggerPlans extends Migration {
  override async up(): Promise<void> {
    this.addSql(`CREATE OR REPLACE FUNCTION ${S}.refuse_posted_participant_change() RETURNS trigger LANGUAGE plpgsql
      SET plan_cache_mode = force_custom_plan AS $$
        DECLARE
          row_session uuid := CASE WHEN TG_OP = 'INSERT' THEN NEW.session_id ELSE OLD.session_id END;
        BEGIN
          IF EXISTS (SELECT 1 FROM ${S}.session s WHERE s.id = row_session AND s.posted_version IS NOT NULL)
             AND NOT ${S}.amending(row_session) THEN
            RAISE EXCEPTION 'session % is posted: its participants change only by amendment', row_session USING ERRCODE = 'check_violation';
          END IF;
          RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END $$`);
  }
}

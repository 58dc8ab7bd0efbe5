import { Migration } from '@mikro-orm/migrations';
import { OWNER_ROLE } from '@sessionledger/persistence';

const S = 'payroll';

/*
 * Disposal of pay past the district's retention (docs/retention.md). The
 * unit is a closed pay period that ended before the cutoff: its pay and
 * billable lines go with it, then every decision left without a line. An
 * open period is never disposed of, so a settled total only ever disappears
 * whole, never changes.
 *
 * Lines, decisions and periods refuse DELETE by trigger, and still do for
 * the app role: dispose_pay_periods (SECURITY DEFINER, owner-owned) sets a
 * transaction-local flag the triggers honour only for the owner. It works on
 * the calling transaction's district only.
 *
 * Kept back: a period with a billable line of a held student or school, or a
 * pay line of a session held at a held school; and any period whose lines a
 * kept period reverses (recursively), since the reversal points at them.
 * Newest periods go first, so a reversing period always leaves before (or
 * with) the period it reverses.
 */
export class Migration20261206030000Retention extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE FUNCTION ${S}.disposing() RETURNS boolean LANGUAGE sql STABLE AS
        $$ SELECT current_user = '${OWNER_ROLE}' AND coalesce(current_setting('payroll.disposing', true), '') = 'on' $$`,
      `CREATE OR REPLACE FUNCTION ${S}.append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' AND ${S}.disposing() THEN RETURN OLD; END IF;
          RAISE EXCEPTION '% rows are never changed or deleted: an amendment reverses and re-adds', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
        END $$`,
      `CREATE OR REPLACE FUNCTION ${S}.pay_period_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' AND ${S}.disposing() AND OLD.status = 'closed' THEN RETURN OLD; END IF;
          IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'pay periods are never deleted' USING ERRCODE = 'integrity_constraint_violation'; END IF;
          IF TG_OP = 'UPDATE' AND (OLD.status = 'closed' OR NEW.starts_on <> OLD.starts_on OR NEW.ends_on <> OLD.ends_on) THEN
            RAISE EXCEPTION 'pay period % is closed or its dates would change', OLD.id USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          IF EXISTS (SELECT 1 FROM ${S}.pay_period p WHERE p.district_id = NEW.district_id AND p.id <> NEW.id
                     AND p.starts_on <= NEW.ends_on AND p.ends_on >= NEW.starts_on) THEN
            RAISE EXCEPTION 'pay period % to % overlaps another', NEW.starts_on, NEW.ends_on USING ERRCODE = 'exclusion_violation';
          END IF;
          RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END $$`,
      `CREATE INDEX pay_decision_session_date_idx ON ${S}.pay_decision (district_id, session_date)`,
      `CREATE FUNCTION ${S}.dispose_pay_periods(cutoff date, held_students uuid[], held_schools uuid[], max_rows integer)
        RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
        DECLARE
          district uuid := NULLIF(current_setting('app.district_id', true), '')::uuid;
          doomed uuid[];
          deleted integer;
        BEGIN
          IF district IS NULL THEN
            RAISE EXCEPTION 'dispose_pay_periods runs inside one district''s transaction';
          END IF;
          WITH RECURSIVE reversal AS (
            SELECT r.period_id AS reversing_period, o.period_id AS reversed_period
              FROM ${S}.pay_line r JOIN ${S}.pay_line o ON o.district_id = r.district_id AND o.id = r.reverses_line_id
             WHERE r.district_id = district AND r.period_id <> o.period_id
            UNION ALL
            SELECT r.period_id, o.period_id
              FROM ${S}.billable_line r JOIN ${S}.billable_line o ON o.district_id = r.district_id AND o.id = r.reverses_line_id
             WHERE r.district_id = district AND r.period_id <> o.period_id
          ), kept (id) AS (
            SELECT p.id FROM ${S}.pay_period p
             WHERE p.district_id = district
               AND (p.status <> 'closed' OR p.ends_on >= cutoff
                 OR EXISTS (SELECT 1 FROM ${S}.billable_line b WHERE b.district_id = district AND b.period_id = p.id
                             AND (b.student_id = ANY(held_students) OR coalesce(b.school_id = ANY(held_schools), false)))
                 OR EXISTS (SELECT 1 FROM ${S}.pay_line l JOIN ${S}.pay_decision d
                               ON d.district_id = l.district_id AND d.session_id = l.session_id AND d.session_version = l.session_version
                             WHERE l.district_id = district AND l.period_id = p.id AND d.school_id = ANY(held_schools)))
            UNION
            SELECT reversal.reversed_period FROM kept JOIN reversal ON reversal.reversing_period = kept.id
          )
          SELECT coalesce(array_agg(candidate.id), '{}') INTO doomed FROM (
            SELECT p.id FROM ${S}.pay_period p
             WHERE p.district_id = district AND p.status = 'closed' AND p.ends_on < cutoff
               AND p.id NOT IN (SELECT kept.id FROM kept)
             ORDER BY p.starts_on DESC
             LIMIT max_rows) candidate;
          IF cardinality(doomed) = 0 THEN RETURN 0; END IF;
          PERFORM set_config('payroll.disposing', 'on', true);
          DELETE FROM ${S}.pay_line WHERE district_id = district AND period_id = ANY(doomed);
          DELETE FROM ${S}.billable_line WHERE district_id = district AND period_id = ANY(doomed);
          DELETE FROM ${S}.pay_decision d
           WHERE d.district_id = district AND d.session_date < cutoff AND NOT d.school_id = ANY(held_schools)
             AND NOT EXISTS (SELECT 1 FROM ${S}.pay_line l
                              WHERE l.district_id = district AND l.session_id = d.session_id AND l.session_version = d.session_version)
             AND NOT EXISTS (SELECT 1 FROM ${S}.billable_line b
                              WHERE b.district_id = district AND b.session_id = d.session_id AND b.session_version = d.session_version);
          DELETE FROM ${S}.pay_period WHERE district_id = district AND id = ANY(doomed);
          GET DIAGNOSTICS deleted = ROW_COUNT;
          PERFORM set_config('payroll.disposing', 'off', true);
          RETURN deleted;
        END $$`,
    ];
    for (const statement of statements) this.addSql(statement);
  }
}

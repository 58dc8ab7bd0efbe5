import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from '@sessionledger/persistence';

const S = 'session_log';

/*
 * Which consumer has applied which signed version (payroll acknowledges each
 * one with an event), so that versions whose event was lost on the way (Redis
 * emptied after the relay marked it published) can be found and republished.
 * session_version stays immutable: acknowledgements live beside it.
 *
 * The reconciler looks across districts through one SECURITY DEFINER
 * function, as the outbox relay does; it republishes per district under
 * row-level security. The expression index finds a version's outbox row.
 */
export class Migration20261125170000Reconciliation extends Migration {
  override async up(): Promise<void> {
    const statements = [
      `CREATE TABLE ${S}.session_version_ack (
        district_id uuid NOT NULL,
        session_id uuid NOT NULL,
        version integer NOT NULL,
        consumer text NOT NULL,
        acked_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (district_id, session_id, version, consumer),
        FOREIGN KEY (district_id, session_id, version) REFERENCES ${S}.session_version (district_id, session_id, version)
      )`,
      ...tenantIsolation(`${S}.session_version_ack`),

      `CREATE INDEX outbox_event_session_version_idx ON ${S}.outbox_event
        (district_id, (payload #>> '{snapshot,sessionId}'), ((payload #>> '{snapshot,version}')::integer))
        WHERE name IN ('session-log.session-posted', 'session-log.session-amended')`,

      `CREATE FUNCTION ${S}.unacknowledged_versions(by_consumer text, signed_before timestamptz, max_rows integer)
        RETURNS TABLE (district_id uuid, session_id uuid, version integer)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
          SELECT v.district_id, v.session_id, v.version
            FROM ${S}.session_version v
           WHERE v.signed_at < signed_before
             AND NOT EXISTS (SELECT 1 FROM ${S}.session_version_ack a
                              WHERE a.district_id = v.district_id AND a.session_id = v.session_id
                                AND a.version = v.version AND a.consumer = by_consumer)
           ORDER BY v.signed_at
           LIMIT max_rows $$`,
    ];
    for (const statement of statements) this.addSql(statement);
  }
}

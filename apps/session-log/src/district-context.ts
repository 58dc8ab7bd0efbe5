import { EntityManager } from '@mikro-orm/postgresql';
import { ServiceUnavailable } from '@sessionledger/common';
import { schemaOf } from '@sessionledger/contracts';
import { DEFAULT_SESSION_CATALOG, DistrictSettings, SessionCatalogDocument, settingsWithDefaults } from '@sessionledger/session-rules';

export interface DistrictContext {
  timeZone: string;
  settings: DistrictSettings;
}

export interface WriteFacts {
  catalog: SessionCatalogDocument;
  district: DistrictContext;
}

const SCHEMA = schemaOf('session-log');

/**
 * The catalog and the district facts (time zone, windows, from this service's
 * replica) a session write works with, in one statement rather than two: every start, participant change and end needs
 * both. Read in the write's own transaction, so never stale (a cache would
 * need invalidating on every replica of session-log when either changes).
 */
export async function writeFacts(em: EntityManager, districtId: string): Promise<WriteFacts> {
  const [row] = await em.execute<{ catalog: SessionCatalogDocument | null; time_zone: string | null; settings: object | null }[]>(
    `select (select c.document from ${SCHEMA}.session_catalog c where c.district_id = ?) as catalog,
            d.time_zone, d.settings
       from (select 1) as one
       left join ${SCHEMA}.district_replica d on d.district_id = ?`,
    [districtId, districtId],
  );
  // A district whose settings have not arrived is refused rather than guessed at: a wrong zone or window would bill families.
  if (!row?.time_zone) throw new ServiceUnavailable('session-log', 'the district’s settings have not reached session-log yet; try again in a moment');
  return {
    catalog: row.catalog ?? DEFAULT_SESSION_CATALOG,
    district: { timeZone: row.time_zone, settings: settingsWithDefaults((row.settings ?? {}) as Partial<DistrictSettings>) },
  };
}

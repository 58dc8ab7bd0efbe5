import { EntityManager } from '@mikro-orm/postgresql';
import { ServiceUnavailable } from '@sessionledger/common';
import { DistrictSettings, settingsWithDefaults } from '@sessionledger/contracts';
import { DistrictReplica } from '@sessionledger/district-replica';

export interface DistrictContext {
  timeZone: string;
  settings: DistrictSettings;
}

/**
 * The district facts the session rules need (time zone, windows), from this
 * service's replica. A district whose settings have not arrived yet is refused
 * rather than guessed at: a wrong time zone or notice window would bill families.
 */
export async function districtContext(em: EntityManager, districtId: string): Promise<DistrictContext> {
  const replica = await em.findOne(DistrictReplica, { districtId });
  if (!replica) throw new ServiceUnavailable('session-log', 'the district’s settings have not reached session-log yet; try again in a moment');
  return { timeZone: replica.timeZone, settings: settingsWithDefaults(replica.settings as Partial<DistrictSettings>) };
}

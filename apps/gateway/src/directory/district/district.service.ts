import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { Actor } from '@sessionledger/auth';
import { invalid, isTimeZone } from '@sessionledger/common';
import { DISTRICT_SETTINGS_CHANGED } from '@sessionledger/contracts';
import { recordEvent } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { AuditLog, auditActorOf, changedFields } from '../../audit/audit-log';
import { District, DEFAULT_DISTRICT_SETTINGS } from '../directory.entities';
import { assertVersion, findOr404 } from '../shared/records';
import { DistrictResponse, UpdateDistrictRequest } from './district.dto';

/**
 * A district's clock: an IANA zone by its region name ("America/Chicago") or
 * UTC. Abbreviations and fixed offsets that Intl also takes ("EST", "+05:00")
 * are refused: they are nobody's clock across daylight-saving changes.
 */
export function isDistrictTimeZone(zone: string): boolean {
  return (zone.includes('/') || zone === 'UTC') && isTimeZone(zone);
}

export function toDistrictResponse(district: District): DistrictResponse {
  return {
    id: district.id,
    name: district.name,
    timeZone: district.timeZone,
    settings: { ...DEFAULT_DISTRICT_SETTINGS, ...district.settings },
    version: district.version,
  };
}

/** Records the settings every service replicates; called in the transaction of the change. */
export function announceDistrictSettings(em: EntityManager, district: District, version: number): void {
  recordEvent(em, DISTRICT_SETTINGS_CHANGED, {
    districtId: district.id,
    name: district.name,
    timeZone: district.timeZone,
    version,
    settings: { ...DEFAULT_DISTRICT_SETTINGS, ...district.settings },
  });
}

@Injectable()
export class DistrictService {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly audit: AuditLog,
  ) {}

  get(actor: Actor): Promise<DistrictResponse> {
    return this.transactions.run(actor.districtId, async (em) =>
      toDistrictResponse(await findOr404(em, District, { id: actor.districtId }, 'district')),
    );
  }

  update(actor: Actor, request: UpdateDistrictRequest): Promise<DistrictResponse> {
    if (request.timeZone !== undefined && !isDistrictTimeZone(request.timeZone)) {
      throw invalid('timeZone', 'must be an IANA time zone such as America/Chicago');
    }
    return this.transactions.run(actor.districtId, async (em) => {
      const district = await findOr404(em, District, { id: actor.districtId }, 'district');
      assertVersion(district, request.version, 'district');
      const before = toDistrictResponse(district);
      if (request.name !== undefined) district.name = request.name;
      if (request.timeZone !== undefined) district.timeZone = request.timeZone;
      if (request.settings) district.settings = { ...DEFAULT_DISTRICT_SETTINGS, ...district.settings, ...request.settings };
      await em.flush();
      announceDistrictSettings(em, district, district.version);
      await em.flush();
      const after = toDistrictResponse(district);
      const changed = changedFields({ ...before }, { ...after });
      if (changed) {
        await this.audit.record(em, actor.districtId, auditActorOf(actor), [{ action: 'district.settings.update', subjectType: 'district', subjectId: district.id, ...changed }]);
      }
      return after;
    });
  }
}

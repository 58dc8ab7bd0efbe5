import { Injectable } from '@nestjs/common';
import { OptimisticLockError, UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Conflict, ServiceUnavailable } from '@sessionledger/common';
import { ActorSnapshot, BellScheduleDays, BellScheduleReply, SchoolDays, SetBellScheduleCommand, WEEKDAYS } from '@sessionledger/contracts';
import { DistrictReplica } from '@sessionledger/district-replica';
import { pgArray, TenantTransactions } from '@sessionledger/persistence';
import { requireDistrictAdmin, requireSchoolInScope } from '../reporting-access';
import { BellSchedule } from './bell-schedule.entity';
import { minutesOutsideSchoolDay } from './school-day';

const RECOMPUTE_BATCH = 5_000;

function toReply(schoolId: string, schedule: BellSchedule | null, timeZone: string | null): BellScheduleReply {
  return {
    schoolId,
    days: schedule ? schedule.days : null,
    timeZone,
    version: schedule?.version ?? 0,
    updatedAt: schedule ? schedule.updatedAt.toISOString() : null,
    updatedBy: schedule?.updatedBy ?? null,
  };
}

/** Every weekday named, null where the school has no day. */
function normalized(days: BellScheduleDays): SchoolDays {
  return Object.fromEntries(WEEKDAYS.map((day) => [day, days[day] ? { start: days[day]!.start, end: days[day]!.end } : null])) as SchoolDays;
}

/** A PostgreSQL array literal, bound as one parameter (MikroORM would spread a JS array into a list). */
/**
 * Bell schedules: the school day per weekday that "minutes outside the school
 * day" are counted against. The gateway has checked that the school is one
 * of the district's; here the actor's scope is applied again.
 */
@Injectable()
export class BellSchedulesService {
  constructor(private readonly transactions: TenantTransactions) {}

  get(actor: ActorSnapshot, schoolId: string): Promise<BellScheduleReply> {
    requireSchoolInScope(actor, schoolId);
    return this.transactions.run(actor.districtId, async (em) => {
      const schedule = await em.findOne(BellSchedule, { schoolId });
      return toReply(schoolId, schedule, await timeZoneOf(em, actor.districtId));
    });
  }

  /** A new schedule applies to the school's records already received too: their minutes outside the school day are computed again. */
  async set(command: SetBellScheduleCommand): Promise<BellScheduleReply> {
    const { actor, schoolId, body } = command;
    requireDistrictAdmin(actor);
    const stale = (current?: number) =>
      new Conflict('BELL_SCHEDULE.STALE', 'The bell schedule was changed by someone else; reload it and try again', current === undefined ? undefined : { currentVersion: current });
    try {
      return await this.transactions.run(actor.districtId, async (em) => {
        await em.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [bellScheduleLockKey(actor.districtId, schoolId)]);
        let schedule = await em.findOne(BellSchedule, { schoolId });
        const currentVersion = schedule?.version ?? 0;
        if (currentVersion !== body.version) throw stale(currentVersion);
        const days = normalized(body.days);
        if (!schedule) {
          schedule = new BellSchedule({ districtId: actor.districtId, schoolId, days, updatedBy: actor.userId });
          em.persist(schedule);
        } else {
          Object.assign(schedule, { days, updatedBy: actor.userId, updatedAt: new Date() });
        }
        await em.flush();
        const timeZone = await timeZoneOf(em, actor.districtId);
        const recomputedRecords = await recomputeOutsideMinutes(em, actor.districtId, schoolId, days, timeZone);
        return { ...toReply(schoolId, schedule, timeZone), recomputedRecords };
      });
    } catch (error) {
      if (error instanceof OptimisticLockError || error instanceof UniqueConstraintViolationException) throw stale();
      throw error;
    }
  }
}

/**
 * Setting a school's schedule holds this lock exclusively while it recomputes the school's records; recording a
 * posted session holds it shared while it reads the schedule. So a record is never computed with a schedule that
 * is being replaced and then missed by the recomputation.
 */
export function bellScheduleLockKey(districtId: string, schoolId: string): string {
  return `state-reporting.bell-schedule:${districtId}:${schoolId}`;
}

async function timeZoneOf(em: EntityManager, districtId: string): Promise<string | null> {
  return (await em.findOne(DistrictReplica, { districtId }))?.timeZone ?? null;
}

interface RecordTimes {
  id: string;
  time_in: Date | null;
  time_out: Date | null;
  time_away_minutes: number;
  minutes: number;
}

/** Every record of students of the school (current and history alike), in batches; returns how many. */
async function recomputeOutsideMinutes(em: EntityManager, districtId: string, schoolId: string, days: SchoolDays, timeZone: string | null): Promise<number> {
  let after = '00000000-0000-0000-0000-000000000000';
  let total = 0;
  for (;;) {
    const rows: RecordTimes[] = await em.execute(
      `select id, time_in, time_out, time_away_minutes, minutes from state_reporting.reportable_record
        where district_id = ? and student_school_id = ? and id > ? order by id limit ?`,
      [districtId, schoolId, after, RECOMPUTE_BATCH],
    );
    if (rows.length === 0) return total;
    if (!timeZone) throw new ServiceUnavailable('state-reporting', 'the district’s settings (its time zone) have not reached state reporting yet');
    const minutes = rows.map((row) =>
      minutesOutsideSchoolDay(
        { timeIn: row.time_in ? new Date(row.time_in) : null, timeOut: row.time_out ? new Date(row.time_out) : null, timeAwayMinutes: row.time_away_minutes, minutes: row.minutes },
        days,
        timeZone,
      ),
    );
    await em.execute(
      `update state_reporting.reportable_record r set minutes_outside_school_day = v.minutes
         from unnest(?::uuid[], ?::int[]) as v(id, minutes)
        where r.district_id = ? and r.id = v.id`,
      [pgArray(rows.map((row) => row.id)), pgArray(minutes), districtId],
    );
    total += rows.length;
    after = rows[rows.length - 1].id;
  }
}

import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { invalid } from '@sessionledger/common';
import { CoachingDashboardCommand, CoachingDashboardReply, CoachingGroup, CoachingGrouping, DashboardCommand, DosageDashboardCommand, DosageDashboardReply, DosageTotals, MinutesDashboardCommand, MinutesDashboardReply, MinutesGroup, MinutesGrouping } from '@sessionledger/contracts';
import { settingsWithDefaults } from '@sessionledger/session-rules';
import { DistrictReplica } from '@sessionledger/district-replica';
import { pgArray, TenantTransactions } from '@sessionledger/persistence';
import { reportingScope, requireSchoolInScope } from '../reporting-access';

/** The key and label SQL of each grouping; whitelisted, never built from input. */
const MINUTES_KEYS: Record<MinutesGrouping, { key: string; label: string; from?: string }> = {
  service: { key: 'r.service', label: 'r.service' },
  school: { key: 'r.school_id::text', label: 'coalesce(max(r.school_code), r.school_id::text)' },
  provider: { key: 'r.provider_id::text', label: 'max(r.provider_name)' },
  category: { key: `coalesce(r.work_order_type, 'none')`, label: `coalesce(r.work_order_type, 'none')` },
  week: { key: `to_char(date_trunc('week', r.session_date::timestamp), 'YYYY-MM-DD')`, label: `to_char(date_trunc('week', r.session_date::timestamp), 'YYYY-MM-DD')` },
  qualifier: {
    key: 'q.qualifier',
    label: 'q.qualifier',
    from: `cross join lateral (values ('homebound', r.homebound), ('detention', r.detention), ('credit_recovery', r.credit_recovery), ('remedial', r.remedial),
      ('none', not (r.homebound or r.detention or r.credit_recovery or r.remedial))) as q(qualifier, applies)`,
  },
};

const COACHING_KEYS: Record<CoachingGrouping, { key: string; label: string; from?: string }> = {
  // The coaching log's own category when the district's coaching fields have one, else the service.
  category: { key: 'coalesce(r.category, r.service)', label: 'coalesce(r.category, r.service)' },
  school: { key: 'r.school_id::text', label: 'coalesce(max(r.school_code), r.school_id::text)' },
  provider: { key: 'r.provider_id::text', label: 'max(r.provider_name)' },
  teacher: { key: 'r.teacher_id::text', label: 'max(r.teacher_name)' },
  // A teacher in no group counts under 'none'; one in two groups counts in both (the groups do not add up to the total).
  teacher_group: {
    key: `tg.value->>'id'`,
    label: `max(tg.value->>'name')`,
    from: `cross join lateral jsonb_array_elements(coalesce(nullif(r.teacher_groups, '[]'::jsonb), '[{"id":"none","name":"none"}]'::jsonb)) as tg`,
  },
};

interface Scope {
  where: string;
  params: unknown[];
  anonymized: boolean;
  minGroupSize: number;
}


function dosagePercent(planned: number, delivered: number): number | null {
  return planned > 0 ? Math.round((delivered * 100) / planned) : null;
}

/**
 * Aggregates over the current version of every posted session, read live
 * (records are written in the same transaction that takes the posted
 * event, so a post shows as soon as state reporting has taken it). Anonymized,
 * a group of fewer distinct people than the district's minimum is left out
 * and counted in `suppressedGroups`.
 */
@Injectable()
export class DashboardQueries {
  constructor(private readonly transactions: TenantTransactions) {}

  minutes(command: MinutesDashboardCommand): Promise<MinutesDashboardReply> {
    const grouping = MINUTES_KEYS[command.groupBy];
    return this.transactions.run(command.actor.districtId, async (em) => {
      const scope = await this.scope(em, command);
      const rows: (MinutesGroup & { minutes: string })[] = await em.execute(
        `select ${grouping.key} as key, ${grouping.label} as label, coalesce(sum(r.minutes), 0)::bigint as minutes,
            count(distinct r.student_id)::int as students, count(distinct r.session_id)::int as sessions, count(*)::int as records
          from state_reporting.reportable_record r ${grouping.from ?? ''}
          where ${scope.where} ${grouping.from ? 'and q.applies' : ''}
          group by ${grouping.key} order by ${grouping.key}`,
        scope.params,
      );
      const groups = rows.map((row) => ({ ...row, minutes: Number(row.minutes) }));
      const shown = scope.anonymized ? groups.filter((g) => g.students >= scope.minGroupSize) : groups;
      return { ...this.replyBase(command, scope, groups.length - shown.length), groupBy: command.groupBy, groups: shown };
    });
  }

  coaching(command: CoachingDashboardCommand): Promise<CoachingDashboardReply> {
    const grouping = COACHING_KEYS[command.groupBy];
    return this.transactions.run(command.actor.districtId, async (em) => {
      const scope = await this.scope(em, command);
      const rows: (CoachingGroup & { minutes: string })[] = await em.execute(
        `select ${grouping.key} as key, ${grouping.label} as label, coalesce(sum(r.minutes), 0)::bigint as minutes,
            count(distinct r.teacher_id)::int as teachers, count(distinct r.session_id)::int as sessions
          from state_reporting.coaching_record r ${grouping.from ?? ''}
          where ${scope.where}
          group by ${grouping.key} order by ${grouping.key}`,
        scope.params,
      );
      const groups = rows.map((row) => ({ ...row, minutes: Number(row.minutes) }));
      const shown = scope.anonymized ? groups.filter((g) => g.teachers >= scope.minGroupSize) : groups;
      return { ...this.replyBase(command, scope, groups.length - shown.length), groupBy: command.groupBy, groups: shown };
    });
  }

  /** Per student, planned against delivered minutes; anonymized, the totals alone (none under the minimum). */
  dosage(command: DosageDashboardCommand): Promise<DosageDashboardReply> {
    return this.transactions.run(command.actor.districtId, async (em) => {
      const scope = await this.scope(em, command);
      const [sums]: { students: number; planned: string; delivered: string }[] = await em.execute(
        `select count(distinct r.student_id)::int as students, coalesce(sum(r.planned_minutes), 0)::bigint as planned, coalesce(sum(r.minutes), 0)::bigint as delivered
          from state_reporting.reportable_record r where ${scope.where}`,
        scope.params,
      );
      const totals: DosageTotals = {
        students: sums.students,
        plannedMinutes: Number(sums.planned),
        deliveredMinutes: Number(sums.delivered),
        dosagePercent: dosagePercent(Number(sums.planned), Number(sums.delivered)),
      };
      const page = { page: command.page, pageSize: command.pageSize };
      if (scope.anonymized) {
        const suppressed = totals.students < scope.minGroupSize;
        return { ...this.replyBase(command, scope, suppressed ? 1 : 0), totals: suppressed ? null : totals, items: [], ...page, total: 0 };
      }
      const rows: { student_id: string; student_name: string; state_id: string | null; sessions: number; planned: string; delivered: string }[] = await em.execute(
        `select r.student_id, max(r.student_name) as student_name, max(r.state_id) as state_id, count(distinct r.session_id)::int as sessions,
            coalesce(sum(r.planned_minutes), 0)::bigint as planned, coalesce(sum(r.minutes), 0)::bigint as delivered
          from state_reporting.reportable_record r where ${scope.where}
          group by r.student_id order by max(r.student_name), r.student_id limit ? offset ?`,
        [...scope.params, command.pageSize, (command.page - 1) * command.pageSize],
      );
      const items = rows.map((row) => ({
        studentId: row.student_id,
        studentName: row.student_name,
        stateId: row.state_id,
        sessions: row.sessions,
        students: 1,
        plannedMinutes: Number(row.planned),
        deliveredMinutes: Number(row.delivered),
        dosagePercent: dosagePercent(Number(row.planned), Number(row.delivered)),
      }));
      return { ...this.replyBase(command, scope, 0), totals, items, ...page, total: totals.students };
    });
  }

  /** Current records of the dates and school asked for, within the admin's schools; and the district's anonymization minimum. */
  private async scope(em: EntityManager, command: DashboardCommand): Promise<Scope> {
    const { actor, from, to, schoolId } = command;
    if (from && to && to < from) throw invalid('to', `must be on or after from (${from})`);
    const schools = reportingScope(actor);
    if (schoolId) requireSchoolInScope(actor, schoolId);
    const conditions = ['r.district_id = ?', 'r.current'];
    const params: unknown[] = [actor.districtId];
    const where = (condition: string, param: unknown) => {
      conditions.push(condition);
      params.push(param);
    };
    if (from) where('r.session_date >= ?::date', from);
    if (to) where('r.session_date <= ?::date', to);
    if (schoolId) where('r.school_id = ?::uuid', schoolId);
    else if (schools !== 'all') where('r.school_id = any(?::uuid[])', pgArray(schools));
    const replica = await em.findOne(DistrictReplica, { districtId: actor.districtId });
    return {
      where: conditions.join(' and '),
      params,
      anonymized: command.anonymized === true,
      minGroupSize: settingsWithDefaults(replica?.settings).anonymizationMinGroupSize,
    };
  }

  private replyBase(command: DashboardCommand, scope: Scope, suppressedGroups: number) {
    return {
      from: command.from ?? null,
      to: command.to ?? null,
      schoolId: command.schoolId ?? null,
      anonymized: scope.anonymized,
      minGroupSize: scope.minGroupSize,
      suppressedGroups,
    };
  }
}

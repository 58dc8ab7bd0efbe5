import { Injectable } from '@nestjs/common';
import { LockMode } from '@mikro-orm/core';
import { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { Conflict, FieldProblem, Forbidden, NotFound, ServiceUnavailable, ValidationFailed } from '@sessionledger/common';
import {
  ActorSnapshot,
  cancellationStatus,
  CancelOccurrenceCommand,
  ClosureDaysReply,
  CreateSeriesCommand,
  DistrictSettings,
  EditSeriesBody,
  EditSeriesCommand,
  ListOccurrencesCommand,
  ListCalendarOccurrencesCommand,
  ListSeriesCommand,
  MAX_OCCURRENCE_WINDOW_DAYS,
  OccurrenceReply,
  SeriesPageReply,
  SeriesReply,
  SetClosureDaysCommand,
  settingsWithDefaults,
  UpdateFutureSessionsCommand,
} from '@sessionledger/contracts';
import { DistrictReplica } from '@sessionledger/district-replica';
import { TenantTransactions } from '@sessionledger/persistence';
import { expandSeries, type Occurrence, parseRecurrenceRule, RecurrenceInvalid, type SeriesDefinition } from '../recurrence';
import { instantAt, parseLocalDateTime } from '../recurrence/local-time';
import { ClosureDayRow, OccurrenceOverride, Series } from './series.entities';

interface District {
  timeZone: string;
  settings: DistrictSettings;
}

/** Both 'HH:MM' and 'HH:MM:SS' are accepted; the rule engine reads seconds. */
function withSeconds(localDateTime: string): string {
  return localDateTime.length === 16 ? `${localDateTime}:00` : localDateTime;
}

function invalid(field: string, problem: string): ValidationFailed {
  return new ValidationFailed([{ field, problems: [problem] }]);
}

/** Every series field a request can get wrong, checked by expanding nothing; the expander's `dtstart` is the API's `start`. */
function assertDefinition(definition: SeriesDefinition): void {
  try {
    expandSeries(definition, { from: new Date(0), to: new Date(0) });
  } catch (error) {
    if (!(error instanceof RecurrenceInvalid)) throw error;
    const fields: FieldProblem[] = (error.fields ?? []).map((problem) => (problem.field === 'dtstart' ? { ...problem, field: 'start' } : problem));
    throw new ValidationFailed(fields, error.message);
  }
}

function ruleParts(rrule: string): string[] {
  return rrule
    .trim()
    .replace(/^RRULE:/i, '')
    .split(';')
    .filter((part) => part.trim() !== '');
}

/** The rule with its end replaced (COUNT and UNTIL cannot both be given). */
function withEnd(rrule: string, end: string | undefined): string {
  const kept = ruleParts(rrule).filter((part) => !/^(COUNT|UNTIL)=/i.test(part.trim()));
  return [...kept, ...(end ? [end] : [])].join(';');
}

function utcStamp(instant: Date): string {
  return `${instant.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
}

function visible(actor: ActorSnapshot, series: Series): boolean {
  return (
    actor.roles.includes('district_admin') ||
    (actor.roles.includes('school_admin') && actor.schoolIds.includes(series.schoolId)) ||
    (actor.roles.includes('provider') && series.providerId === actor.userId)
  );
}

function scopeOf(actor: ActorSnapshot): FilterQuery<Series> | 'all' | 'none' {
  if (actor.roles.includes('district_admin')) return 'all';
  const scopes: FilterQuery<Series>[] = [];
  if (actor.roles.includes('school_admin')) scopes.push({ schoolId: { $in: actor.schoolIds } });
  if (actor.roles.includes('provider')) scopes.push({ providerId: actor.userId });
  return scopes.length ? { $or: scopes } : 'none';
}

function toSeriesReply(series: Series, timeZone: string): SeriesReply {
  return {
    id: series.id,
    providerId: series.providerId,
    schoolId: series.schoolId,
    service: series.service,
    description: series.description,
    placeOfService: series.placeOfService,
    type: series.type,
    groupId: series.groupId,
    groupName: series.groupName,
    students: series.students,
    start: series.dtstart,
    timeZone,
    durationMinutes: series.durationMinutes,
    rrule: series.rrule,
    exdates: series.exdates,
    workOrderId: series.workOrderId,
    splitFrom: series.splitFrom,
    sessionDefaults: series.sessionDefaults,
    defaultsFrom: series.defaultsFrom?.toISOString() ?? null,
    version: series.version,
    createdAt: series.createdAt.toISOString(),
    createdBy: series.createdBy,
  };
}

function toOccurrenceReply(series: Series, occurrence: Occurrence, override: OccurrenceOverride | undefined, timeZone: string): OccurrenceReply {
  const edited = override?.edited ? override : undefined;
  const durationMinutes = edited?.durationMinutes ?? series.durationMinutes;
  const startsAt = edited?.startsAt ?? occurrence.start;
  const local = edited?.startsAt ? localOf(edited.startsAt, timeZone) : { localStart: occurrence.localStart, localDate: occurrence.localDate };
  const defaults = series.defaultsFrom && occurrence.start > series.defaultsFrom ? series.sessionDefaults : null;
  return {
    seriesId: series.id,
    occurrenceStart: occurrence.start.toISOString(),
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + durationMinutes * 60_000).toISOString(),
    ...local,
    durationMinutes,
    service: edited?.service ?? series.service,
    // A "this occurrence" edit is more specific than the defaults a session left for all later ones.
    description: edited && edited.description !== null ? edited.description : (defaults?.description ?? series.description),
    placeOfService: edited && edited.placeOfService !== null ? edited.placeOfService : series.placeOfService,
    type: series.type,
    providerId: series.providerId,
    schoolId: series.schoolId,
    groupId: series.groupId,
    students: series.students,
    workOrderId: series.workOrderId,
    overridden: Boolean(edited),
    sessionDefaults: defaults,
    cancellation:
      override?.cancelledAt && override.attendance
        ? {
            cancelledAt: override.cancelledAt.toISOString(),
            cancelledBy: override.cancelledBy ?? '',
            reason: override.cancelReason,
            attendance: override.attendance,
          }
        : null,
  };
}

function localOf(instant: Date, timeZone: string): { localStart: string; localDate: string } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  const localDate = `${part('year')}-${part('month')}-${part('day')}`;
  return { localStart: `${localDate}T${part('hour')}:${part('minute')}:${part('second')}`, localDate };
}

/**
 * Series, their occurrences and the district's closure days. The gateway has
 * resolved the people (provider approved at the school, the group, the
 * students); this applies the actor's scope again, the recurrence rule in the
 * district's time zone and the notice window.
 */
@Injectable()
export class SeriesService {
  constructor(private readonly transactions: TenantTransactions) {}

  create(command: CreateSeriesCommand): Promise<SeriesReply> {
    const { actor, body } = command;
    const administers = actor.roles.includes('district_admin') || (actor.roles.includes('school_admin') && actor.schoolIds.includes(command.schoolId));
    const ownSchedule = actor.roles.includes('provider') && command.providerId === actor.userId && actor.schoolIds.includes(command.schoolId);
    if (!administers && !ownSchedule) throw new Forbidden('SERIES.NOT_ALLOWED', 'Providers schedule their own series; admins those of their schools');
    return this.transactions.run(actor.districtId, async (em) => {
      const district = await this.district(em, actor.districtId);
      const series = new Series({
        districtId: actor.districtId,
        providerId: command.providerId,
        schoolId: command.schoolId,
        service: body.service,
        description: body.description?.trim() || null,
        placeOfService: body.placeOfService?.trim() || null,
        type: body.type,
        groupId: body.groupId ?? null,
        groupName: command.groupName ?? null,
        students: command.students,
        dtstart: withSeconds(body.start),
        durationMinutes: body.durationMinutes,
        rrule: body.rrule.trim(),
        exdates: body.exdates ?? [],
        workOrderId: body.workOrderId ?? null,
        createdBy: actor.userId,
      });
      assertDefinition(this.definition(series, district, []));
      em.persist(series);
      await em.flush();
      return toSeriesReply(series, district.timeZone);
    });
  }

  list(command: ListSeriesCommand): Promise<SeriesPageReply> {
    const { actor } = command;
    const scope = scopeOf(actor);
    if (scope === 'none') return Promise.resolve({ items: [], page: command.page, pageSize: command.pageSize, total: 0 });
    return this.transactions.run(actor.districtId, async (em) => {
      const district = await this.district(em, actor.districtId);
      const conditions: FilterQuery<Series>[] = scope === 'all' ? [] : [scope];
      if (command.providerId) conditions.push({ providerId: command.providerId });
      if (command.schoolId) conditions.push({ schoolId: command.schoolId });
      const [items, total] = await em.findAndCount(Series, conditions.length ? { $and: conditions } : {}, {
        orderBy: { createdAt: 'desc', id: 'asc' },
        limit: command.pageSize,
        offset: (command.page - 1) * command.pageSize,
      });
      return { items: items.map((series) => toSeriesReply(series, district.timeZone)), page: command.page, pageSize: command.pageSize, total };
    });
  }

  get(actor: ActorSnapshot, seriesId: string): Promise<SeriesReply> {
    return this.transactions.run(actor.districtId, async (em) => {
      const district = await this.district(em, actor.districtId);
      return toSeriesReply(await this.visibleSeries(em, actor, seriesId), district.timeZone);
    });
  }

  /** Occurrences starting in [from, to) as the rule gives them, with their overrides and cancellations. */
  occurrences(command: ListOccurrencesCommand): Promise<OccurrenceReply[]> {
    const { actor } = command;
    const from = new Date(command.from);
    const to = new Date(command.to);
    if (to <= from) throw invalid('to', 'must be after from');
    if (to.getTime() - from.getTime() > MAX_OCCURRENCE_WINDOW_DAYS * 86_400_000) throw invalid('to', `must be at most ${MAX_OCCURRENCE_WINDOW_DAYS} days after from`);
    return this.transactions.run(actor.districtId, async (em) => {
      const district = await this.district(em, actor.districtId);
      const series = await this.visibleSeries(em, actor, command.seriesId);
      const occurrences = expandSeries(this.definition(series, district, await this.closures(em)), { from, to });
      const overrides = await em.find(OccurrenceOverride, { seriesId: series.id, occurrenceStart: { $gte: from, $lt: to } });
      const byStart = new Map(overrides.map((override) => [override.occurrenceStart.getTime(), override]));
      return occurrences.map((occurrence) => toOccurrenceReply(series, occurrence, byStart.get(occurrence.start.getTime()), district.timeZone));
    });
  }

  /**
   * A calendar's planned side: the occurrences in [from, to) of every series
   * the actor reads, narrowed to a provider, a school or a student (whose
   * series name them or one of their groups).
   */
  calendarOccurrences(command: ListCalendarOccurrencesCommand): Promise<OccurrenceReply[]> {
    const { actor } = command;
    const from = new Date(command.from);
    const to = new Date(command.to);
    if (to <= from) throw invalid('to', 'must be after from');
    if (to.getTime() - from.getTime() > MAX_OCCURRENCE_WINDOW_DAYS * 86_400_000) throw invalid('to', `must be at most ${MAX_OCCURRENCE_WINDOW_DAYS} days after from`);
    const scope = scopeOf(actor);
    if (scope === 'none') return Promise.resolve([]);
    return this.transactions.run(actor.districtId, async (em) => {
      const district = await this.district(em, actor.districtId);
      const conditions: FilterQuery<Series>[] = scope === 'all' ? [] : [scope];
      if (command.providerId) conditions.push({ providerId: command.providerId });
      if (command.schoolId) conditions.push({ schoolId: command.schoolId });
      const student = command.studentId;
      const series = (await em.find(Series, conditions.length ? { $and: conditions } : {})).filter(
        (one) => !student || (one.groupId !== null && command.groupIds.includes(one.groupId)) || one.students.some((s) => s.studentId === student),
      );
      if (!series.length) return [];
      const closures = await this.closures(em);
      const overrides = await em.find(OccurrenceOverride, { seriesId: { $in: series.map((one) => one.id) }, occurrenceStart: { $gte: from, $lt: to } });
      const byKey = new Map(overrides.map((override) => [`${override.seriesId}/${override.occurrenceStart.getTime()}`, override]));
      return series
        .flatMap((one) =>
          expandSeries(this.definition(one, district, closures), { from, to }).map((occurrence) =>
            toOccurrenceReply(one, occurrence, byKey.get(`${one.id}/${occurrence.start.getTime()}`), district.timeZone),
          ),
        )
        .sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.seriesId.localeCompare(b.seriesId));
    });
  }

  occurrence(actor: ActorSnapshot, seriesId: string, occurrenceStart: string): Promise<OccurrenceReply> {
    return this.transactions.run(actor.districtId, async (em) => {
      const district = await this.district(em, actor.districtId);
      const series = await this.visibleSeries(em, actor, seriesId);
      const occurrence = await this.occurrenceOf(em, series, district, new Date(occurrenceStart));
      const override = await em.findOne(OccurrenceOverride, { seriesId, occurrenceStart: occurrence.start });
      return toOccurrenceReply(series, occurrence, override ?? undefined, district.timeZone);
    });
  }

  edit(command: EditSeriesCommand): Promise<SeriesReply> {
    const { actor, body } = command;
    return this.transactions.run(actor.districtId, async (em) => {
      const district = await this.district(em, actor.districtId);
      const series = await this.lockedSeries(em, actor, command.seriesId, body.version);
      let written = series;
      if (body.scope === 'this') await this.editOne(em, actor, series, district, body);
      else if (body.scope === 'all') this.editAll(series, district, body);
      else written = await this.split(em, actor, series, district, body);
      series.version += 1;
      await em.flush();
      return toSeriesReply(written, district.timeZone);
    });
  }

  cancel(command: CancelOccurrenceCommand): Promise<OccurrenceReply> {
    const { actor, body } = command;
    const now = new Date();
    const cancelledAt = body.cancelledAt ? new Date(body.cancelledAt) : now;
    if (cancelledAt.getTime() > now.getTime() + 60_000) throw invalid('cancelledAt', 'must not be in the future');
    return this.transactions.run(actor.districtId, async (em) => {
      const district = await this.district(em, actor.districtId);
      const series = await this.lockedSeries(em, actor, command.seriesId);
      const occurrence = await this.occurrenceOf(em, series, district, new Date(body.occurrenceStart));
      let override = await em.findOne(OccurrenceOverride, { seriesId: series.id, occurrenceStart: occurrence.start });
      if (override?.cancelledAt) throw new Conflict('OCCURRENCE.ALREADY_CANCELLED', 'This occurrence is already cancelled');
      if (!override) {
        override = new OccurrenceOverride(actor.districtId, series.id, occurrence.start, actor.userId);
        em.persist(override);
      }
      const startsAt = override.edited && override.startsAt ? override.startsAt : occurrence.start;
      override.cancelledAt = cancelledAt;
      override.cancelledBy = actor.userId;
      override.cancelReason = body.reason?.trim() || null;
      override.attendance = cancellationStatus(startsAt, cancelledAt, district.settings.cancellationNoticeHours);
      override.updatedAt = now;
      override.updatedBy = actor.userId;
      series.version += 1;
      await em.flush();
      return toOccurrenceReply(series, occurrence, override, district.timeZone);
    });
  }

  /**
   * Replaces the series' defaults for occurrences after `after` (a later
   * update replaces an earlier one). They are columns of the series, so an
   * 'all' edit keeps them and a 'following' split copies them.
   */
  updateFutureSessions(command: UpdateFutureSessionsCommand): Promise<SeriesReply> {
    const { actor } = command;
    return this.transactions.run(actor.districtId, async (em) => {
      const district = await this.district(em, actor.districtId);
      const series = await this.lockedSeries(em, actor, command.seriesId, command.version);
      series.sessionDefaults = command.defaults;
      series.defaultsFrom = new Date(command.after);
      series.version += 1;
      await em.flush();
      return toSeriesReply(series, district.timeZone);
    });
  }

  closureDays(actor: ActorSnapshot): Promise<ClosureDaysReply> {
    return this.transactions.run(actor.districtId, async (em) => ({ days: await this.closureList(em) }));
  }

  /** The district's closure days, replaced as a whole. */
  setClosureDays(command: SetClosureDaysCommand): Promise<ClosureDaysReply> {
    const { actor, body } = command;
    if (!actor.roles.includes('district_admin')) throw new Forbidden('CLOSURE_DAYS.NOT_ALLOWED', 'Only a district admin manages closure days');
    const seen = new Set<string>();
    const problems = body.days.flatMap((day, index) => {
      if (seen.has(day.date)) return [{ field: `days[${index}].date`, problems: [`${day.date} is listed twice`] }];
      seen.add(day.date);
      return [];
    });
    if (problems.length) throw new ValidationFailed(problems);
    return this.transactions.run(actor.districtId, async (em) => {
      await em.nativeDelete(ClosureDayRow, {});
      for (const day of body.days) em.persist(new ClosureDayRow(actor.districtId, day.date, day.name?.trim() || null));
      await em.flush();
      return { days: await this.closureList(em) };
    });
  }

  private async editOne(em: EntityManager, actor: ActorSnapshot, series: Series, district: District, body: EditSeriesBody): Promise<void> {
    for (const field of ['rrule', 'exdates'] as const) {
      if (body[field] !== undefined) throw invalid(field, 'changes the series: use scope following or all');
    }
    const occurrence = await this.occurrenceOf(em, series, district, new Date(body.occurrenceStart ?? ''));
    let override = await em.findOne(OccurrenceOverride, { seriesId: series.id, occurrenceStart: occurrence.start });
    if (override?.cancelledAt) throw new Conflict('OCCURRENCE.CANCELLED', 'A cancelled occurrence cannot be changed');
    if (!override) {
      override = new OccurrenceOverride(actor.districtId, series.id, occurrence.start, actor.userId);
      em.persist(override);
    }
    override.edited = true;
    if (body.service !== undefined) override.service = body.service;
    if (body.description !== undefined) override.description = body.description?.trim() || null;
    if (body.placeOfService !== undefined) override.placeOfService = body.placeOfService?.trim() || null;
    if (body.durationMinutes !== undefined) override.durationMinutes = body.durationMinutes;
    if (body.startTime !== undefined) {
      const moved = parseLocalDateTime(`${occurrence.localDate}T${body.startTime}:00`);
      if (!moved) throw invalid('startTime', 'must be a local time of day HH:MM');
      override.startsAt = instantAt(moved, district.timeZone);
    }
    override.updatedAt = new Date();
    override.updatedBy = actor.userId;
  }

  private editAll(series: Series, district: District, body: EditSeriesBody): void {
    this.apply(series, body);
    assertDefinition(this.definition(series, district, []));
  }

  /**
   * "This and following": the series ends before the occurrence (UNTIL, or
   * the COUNT generated so far) and a new one starts there with the changes,
   * taking the overrides from there on. What happened before stays as it was.
   */
  private async split(em: EntityManager, actor: ActorSnapshot, series: Series, district: District, body: EditSeriesBody): Promise<Series> {
    const occurrence = await this.occurrenceOf(em, series, district, new Date(body.occurrenceStart ?? ''));
    const rule = parseRecurrenceRule(series.rrule);
    const original = this.definition(series, district, []);
    const firstStart = instantAt(parseLocalDateTime(series.dtstart)!, district.timeZone);
    const generatedBefore = expandSeries({ ...original, exdates: [] }, { from: firstStart, to: occurrence.start }).length;
    if (generatedBefore === 0) {
      this.editAll(series, district, body);
      return series;
    }
    const next = new Series({
      districtId: series.districtId,
      providerId: series.providerId,
      schoolId: series.schoolId,
      service: series.service,
      description: series.description,
      placeOfService: series.placeOfService,
      type: series.type,
      groupId: series.groupId,
      groupName: series.groupName,
      students: series.students,
      dtstart: occurrence.localStart,
      durationMinutes: series.durationMinutes,
      rrule: rule.count === undefined ? series.rrule : withEnd(series.rrule, `COUNT=${rule.count - generatedBefore}`),
      exdates: series.exdates,
      workOrderId: series.workOrderId,
      createdBy: actor.userId,
      splitFrom: series.id,
    });
    [next.sessionDefaults, next.defaultsFrom] = [series.sessionDefaults, series.defaultsFrom];
    this.apply(next, body);
    assertDefinition(this.definition(next, district, []));
    series.rrule = withEnd(series.rrule, rule.count === undefined ? `UNTIL=${utcStamp(new Date(occurrence.start.getTime() - 1000))}` : `COUNT=${generatedBefore}`);
    em.persist(next);
    const moved = await em.find(OccurrenceOverride, { seriesId: series.id, occurrenceStart: { $gte: occurrence.start } });
    for (const override of moved) override.seriesId = next.id;
    return next;
  }

  private apply(series: Series, body: EditSeriesBody): void {
    if (body.service !== undefined) series.service = body.service;
    if (body.description !== undefined) series.description = body.description?.trim() || null;
    if (body.placeOfService !== undefined) series.placeOfService = body.placeOfService?.trim() || null;
    if (body.durationMinutes !== undefined) series.durationMinutes = body.durationMinutes;
    if (body.startTime !== undefined) series.dtstart = `${series.dtstart.slice(0, 10)}T${body.startTime}:00`;
    if (body.rrule !== undefined) series.rrule = body.rrule.trim();
    if (body.exdates !== undefined) series.exdates = body.exdates;
  }

  private definition(series: Series, district: District, closures: string[]): SeriesDefinition {
    return {
      rrule: series.rrule,
      dtstart: series.dtstart,
      timeZone: district.timeZone,
      exdates: series.exdates,
      closures,
      durationMinutes: series.durationMinutes,
    };
  }

  /** The occurrence the rule gives at exactly `start` (closure days and excluded dates have none). */
  private async occurrenceOf(em: EntityManager, series: Series, district: District, start: Date): Promise<Occurrence> {
    if (Number.isNaN(start.getTime())) throw invalid('occurrenceStart', 'must be the start of an occurrence of the series');
    const [occurrence] = expandSeries(this.definition(series, district, await this.closures(em)), { from: start, to: new Date(start.getTime() + 1) });
    if (!occurrence) throw new NotFound('occurrence');
    return occurrence;
  }

  private async closures(em: EntityManager): Promise<string[]> {
    return (await em.find(ClosureDayRow, {}, { fields: ['day'] })).map((row) => row.day);
  }

  private async closureList(em: EntityManager): Promise<{ date: string; name: string | null }[]> {
    const rows = await em.find(ClosureDayRow, {}, { orderBy: { day: 'asc' } });
    return rows.map((row) => ({ date: row.day, name: row.name }));
  }

  /** Another district's series, or one outside the actor's scope, is simply not found. */
  private async visibleSeries(em: EntityManager, actor: ActorSnapshot, seriesId: string, lock = false): Promise<Series> {
    const series = await em.findOne(Series, { id: seriesId }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
    if (!series || !visible(actor, series)) throw new NotFound('series');
    return series;
  }

  /** Locked for the write; a version older than the stored one is a stale write. */
  private async lockedSeries(em: EntityManager, actor: ActorSnapshot, seriesId: string, version?: number): Promise<Series> {
    const series = await this.visibleSeries(em, actor, seriesId, true);
    if (version !== undefined && series.version !== version) {
      throw new Conflict('SERIES.STALE', `The series was changed by someone else (now version ${series.version}); reload it and try again`, {
        currentVersion: series.version,
      });
    }
    return series;
  }

  /**
   * The district's time zone and notice window from this service's replica. A
   * district whose settings have not arrived is refused rather than guessed at:
   * a wrong zone moves every session, a wrong window bills families.
   */
  private async district(em: EntityManager, districtId: string): Promise<District> {
    const replica = await em.findOne(DistrictReplica, { districtId });
    if (!replica) throw new ServiceUnavailable('scheduling', 'the district’s settings have not reached scheduling yet; try again in a moment');
    return { timeZone: replica.timeZone, settings: settingsWithDefaults(replica.settings as Partial<DistrictSettings>) };
  }
}

import { Injectable } from '@nestjs/common';
import { LockMode } from '@mikro-orm/core';
import { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { Conflict, FieldProblem, Forbidden, invalid, NotFound, pageOf, ServiceUnavailable, ValidationFailed } from '@sessionledger/common';
import { ActorSnapshot, CancelOccurrenceCommand, ClosureDaysReply, CreateSeriesCommand, EditSeriesBody, EditSeriesCommand, ListOccurrencesCommand, ListCalendarOccurrencesCommand, ListSeriesCommand, MAX_OCCURRENCE_WINDOW_DAYS, OccurrenceReply, SeriesPageReply, SeriesReply, SetClosureDaysCommand, UpdateFutureSessionsCommand } from '@sessionledger/contracts';
import { cancellationStatus, DistrictSettings, settingsWithDefaults } from '@sessionledger/session-rules';
import { DistrictReplica } from '@sessionledger/district-replica';
import { TenantTransactions } from '@sessionledger/persistence';
import { expandSeries, type Occurrence, parseRecurrenceRule, RecurrenceInvalid, type SeriesDefinition } from '../recurrence';
import { civilDate, formatLocalDate, formatLocalDateTime, instantAt, localDayAt, parseLocalDateTime, wallClockAt } from '../recurrence/local-time';
import { ClosureDayRow, OccurrenceOverride, Series, SeriesSegment } from './series.entities';

interface District {
  timeZone: string;
  settings: DistrictSettings;
}

/** Both 'HH:MM' and 'HH:MM:SS' are accepted; the rule engine reads seconds. */
function withSeconds(localDateTime: string): string {
  return localDateTime.length === 16 ? `${localDateTime}:00` : localDateTime;
}

/** `exdates` take what `start` takes ('HH:MM' or 'HH:MM:SS'), and dates; stored as the rule engine reads them. */
function exdatesOf(exdates: string[]): string[] {
  return exdates.map((text) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(text) ? `${text}:00` : text));
}

/**
 * What an occurrence takes from the definition that gave it: the series'
 * own, or a segment an "all" edit froze. Each gives occurrences in
 * [effectiveFrom, endsBefore) only.
 */
type Definition = Pick<
  Series,
  'dtstart' | 'rrule' | 'exdates' | 'durationMinutes' | 'service' | 'description' | 'placeOfService' | 'sequence' | 'effectiveFrom' | 'endsBefore'
>;

interface DefinedOccurrence {
  occurrence: Occurrence;
  definition: Definition;
}

/** Fields of an edit that change what occurrences look like (the version and scope do not). */
const DEFINITION_FIELDS = ['service', 'description', 'placeOfService', 'durationMinutes', 'startTime', 'rrule', 'exdates'] as const;

function laterOf(a: Date, b: Date | null): Date {
  return b && b > a ? b : a;
}

function earlierOf(a: Date, b: Date | null): Date {
  return b && b < a ? b : a;
}

/** The instant a district day (a day number) begins. */
function midnightOf(day: number, timeZone: string): Date {
  return instantAt({ ...civilDate(day), hour: 0, minute: 0, second: 0 }, timeZone);
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

/** Guardians and students with no staff role: their reads are always of their own family's students. */
function readsOwnFamily(actor: ActorSnapshot): boolean {
  return actor.roles.length > 0 && actor.roles.every((role) => role === 'guardian' || role === 'student');
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
    effectiveFrom: series.effectiveFrom?.toISOString() ?? null,
    endsBefore: series.endsBefore?.toISOString() ?? null,
    version: series.version,
    createdAt: series.createdAt.toISOString(),
    createdBy: series.createdBy,
  };
}

function toOccurrenceReply(
  series: Series,
  { occurrence, definition }: DefinedOccurrence,
  override: OccurrenceOverride | undefined,
  timeZone: string,
): OccurrenceReply {
  const edited = override?.edited ? override : undefined;
  const durationMinutes = edited?.durationMinutes ?? definition.durationMinutes;
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
    service: edited?.service ?? definition.service,
    // A "this occurrence" edit is more specific than the defaults a session left for all later ones.
    description: edited && edited.description !== null ? edited.description : (defaults?.description ?? definition.description),
    placeOfService: edited && edited.placeOfService !== null ? edited.placeOfService : definition.placeOfService,
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
    sequence: definition.sequence + (override?.sequence ?? 0),
  };
}

function localOf(instant: Date, timeZone: string): { localStart: string; localDate: string } {
  const wall = wallClockAt(instant, timeZone);
  // en-CA writes years outside 1000–9999 unpadded and without an era; those stay Intl's.
  if (wall.year < 1000 || wall.year > 9999) return intlLocalOf(instant, timeZone);
  return { localStart: formatLocalDateTime(wall), localDate: formatLocalDate(wall) };
}

function intlLocalOf(instant: Date, timeZone: string): { localStart: string; localDate: string } {
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
        exdates: exdatesOf(body.exdates ?? []),
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
    if (scope === 'none') return Promise.resolve(pageOf([], 0, command));
    return this.transactions.run(actor.districtId, async (em) => {
      const district = await this.district(em, actor.districtId);
      const conditions: FilterQuery<Series>[] = scope === 'all' ? [] : [scope];
      if (command.providerId) conditions.push({ providerId: command.providerId });
      if (command.schoolId) conditions.push({ schoolId: command.schoolId });
      if (command.updatedSince) conditions.push({ updatedAt: { $gte: new Date(command.updatedSince) } });
      const [items, total] = await em.findAndCount(Series, conditions.length ? { $and: conditions } : {}, {
        orderBy: { createdAt: 'desc', id: 'asc' },
        limit: command.pageSize,
        offset: (command.page - 1) * command.pageSize,
      });
      return pageOf(items.map((series) => toSeriesReply(series, district.timeZone)), total, command);
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
      // Any write to a series (an occurrence's override or cancellation included) stamps it, and may change any of its occurrences.
      if (command.updatedSince && series.updatedAt! < new Date(command.updatedSince)) return [];
      const segments = await em.find(SeriesSegment, { seriesId: series.id });
      const occurrences = this.expand(series, segments, district, await this.closures(em), { from, to });
      const overrides = await em.find(OccurrenceOverride, { seriesId: series.id, occurrenceStart: { $gte: from, $lt: to } });
      const byStart = new Map(overrides.map((override) => [override.occurrenceStart.getTime(), override]));
      return occurrences.map((one) => toOccurrenceReply(series, one, byStart.get(one.occurrence.start.getTime()), district.timeZone));
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
    // A guardian or student reads one child's calendar at a time, the child the gateway found linked to them:
    // the student filter below keeps only that child's series and its groups'.
    const scope = command.studentId && readsOwnFamily(actor) ? 'all' : scopeOf(actor);
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
      const seriesIds = series.map((one) => one.id);
      const overrides = await em.find(OccurrenceOverride, { seriesId: { $in: seriesIds }, occurrenceStart: { $gte: from, $lt: to } });
      const byKey = new Map(overrides.map((override) => [`${override.seriesId}/${override.occurrenceStart.getTime()}`, override]));
      const segments = new Map<string, SeriesSegment[]>();
      for (const segment of await em.find(SeriesSegment, { seriesId: { $in: seriesIds }, endsBefore: { $gt: from } })) {
        segments.set(segment.seriesId, [...(segments.get(segment.seriesId) ?? []), segment]);
      }
      return series
        .flatMap((one) =>
          this.expand(one, segments.get(one.id) ?? [], district, closures, { from, to }).map((defined) =>
            toOccurrenceReply(one, defined, byKey.get(`${one.id}/${defined.occurrence.start.getTime()}`), district.timeZone),
          ),
        )
        .sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.seriesId.localeCompare(b.seriesId));
    });
  }

  occurrence(actor: ActorSnapshot, seriesId: string, occurrenceStart: string): Promise<OccurrenceReply> {
    return this.transactions.run(actor.districtId, async (em) => {
      const district = await this.district(em, actor.districtId);
      const series = await this.visibleSeries(em, actor, seriesId);
      const defined = await this.occurrenceOf(em, series, district, new Date(occurrenceStart));
      const override = await em.findOne(OccurrenceOverride, { seriesId, occurrenceStart: defined.occurrence.start });
      return toOccurrenceReply(series, defined, override ?? undefined, district.timeZone);
    });
  }

  edit(command: EditSeriesCommand): Promise<SeriesReply> {
    const { actor, body } = command;
    return this.transactions.run(actor.districtId, async (em) => {
      const district = await this.district(em, actor.districtId);
      const series = await this.lockedSeries(em, actor, command.seriesId, body.version);
      let written = series;
      const started = (command.startedOccurrences ?? []).map((start) => new Date(start));
      if (body.scope === 'this') await this.editOne(em, actor, series, district, body);
      else if (body.scope === 'all') await this.editAll(em, actor, series, district, body, started);
      else written = await this.split(em, actor, series, district, body, started);
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
      const defined = await this.occurrenceOf(em, series, district, new Date(body.occurrenceStart));
      const { occurrence } = defined;
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
      override.sequence += 1;
      override.updatedAt = now;
      override.updatedBy = actor.userId;
      series.version += 1;
      await em.flush();
      return toOccurrenceReply(series, defined, override, district.timeZone);
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
    const { occurrence } = await this.occurrenceOf(em, series, district, new Date(body.occurrenceStart ?? ''));
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
    override.sequence += 1;
    override.updatedAt = new Date();
    override.updatedBy = actor.userId;
  }

  /**
   * "All" keeps history (DESIGN.md "Series edits keep history"): the edit
   * applies from the day after the last occurrence that has happened, been
   * moved into the past or has a session (`effectiveFrom`); those and every
   * earlier one keep the definition they had, frozen in a segment, so their
   * keys (which sessions point at), times and text stay. Cancellations and
   * "this occurrence" edits from there on move with their day onto the new
   * definition's occurrence; one whose day the new rule no longer gives is
   * a 409 listing them unless the caller drops them.
   */
  private async editAll(em: EntityManager, actor: ActorSnapshot, series: Series, district: District, body: EditSeriesBody, started: Date[]): Promise<void> {
    // Nothing to change: no segment either (repeated empty edits would pile them up).
    if (!DEFINITION_FIELDS.some((field) => body[field] !== undefined)) return;
    const zone = district.timeZone;
    const now = new Date();
    const closures = await this.closures(em);
    const first = instantAt(parseLocalDateTime(series.dtstart)!, zone);
    // A day earlier than DTSTART's instant: a spring-forward gap can put the first occurrence before it.
    const lower = series.effectiveFrom ?? new Date(first.getTime() - 86_400_000);
    const upper = series.endsBefore;
    const bounded = (start: Date) => start >= lower && (!upper || start < upper);
    const overrides = await em.find(OccurrenceOverride, { seriesId: series.id, occurrenceStart: { $gte: lower } });
    const isOccurrence = (start: Date) =>
      bounded(start) && expandSeries(this.definition(series, district, closures), { from: start, to: new Date(start.getTime() + 1) }).length === 1;

    const frozenDays: number[] = [];
    const pastWindow = { from: lower, to: earlierOf(now, upper) };
    if (pastWindow.to > pastWindow.from) {
      const past = expandSeries(this.definition(series, district, closures), pastWindow);
      if (past.length) frozenDays.push(localDayAt(past[past.length - 1].start, zone));
    }
    for (const override of overrides) {
      if (override.edited && override.startsAt && override.startsAt < now && isOccurrence(override.occurrenceStart)) frozenDays.push(localDayAt(override.occurrenceStart, zone));
    }
    for (const start of started) if (isOccurrence(start)) frozenDays.push(localDayAt(start, zone));

    const lastFrozenDay = frozenDays.length ? Math.max(...frozenDays) : undefined;
    const cut = lastFrozenDay === undefined ? now : laterOf(now, midnightOf(lastFrozenDay + 1, zone));
    if (cut > lower) {
      if (lastFrozenDay !== undefined) em.persist(new SeriesSegment(series, cut, actor.userId));
      series.effectiveFrom = cut;
    }

    // Overrides of occurrences the old definition gives from the cut on; others (frozen, or of days no rule gives) stay where they are.
    const ahead = overrides.filter((override) => override.occurrenceStart >= (series.effectiveFrom ?? lower) && isOccurrence(override.occurrenceStart));
    const orphans = overrides.filter((override) => !ahead.includes(override) && override.occurrenceStart >= (series.effectiveFrom ?? lower));

    this.apply(series, body);
    assertDefinition(this.definition(series, district, []));
    series.sequence += 1;

    const lost: OccurrenceOverride[] = [];
    for (const override of ahead) {
      const day = localDayAt(override.occurrenceStart, zone);
      const window = { from: laterOf(midnightOf(day, zone), series.effectiveFrom), to: earlierOf(midnightOf(day + 1, zone), series.endsBefore) };
      const [target] = window.to > window.from ? expandSeries(this.definition(series, district, closures), window) : [];
      if (!target) lost.push(override);
      else if (target.start.getTime() !== override.occurrenceStart.getTime()) {
        // A row left keyed to this start by an edit before this rule would collide; the live override supersedes it.
        const stale = orphans.find((orphan) => orphan.occurrenceStart.getTime() === target.start.getTime());
        if (stale) await em.nativeDelete(OccurrenceOverride, { id: stale.id });
        override.occurrenceStart = target.start;
      }
    }
    if (lost.length && !body.dropOverrides) {
      throw new Conflict(
        'SERIES.OVERRIDES_WOULD_BE_LOST',
        `The new rule gives no occurrence on ${lost.length === 1 ? 'a day that has' : 'days that have'} a cancellation or a "this occurrence" edit; send dropOverrides: true to drop ${lost.length === 1 ? 'it' : 'them'}`,
        {
          occurrences: lost.map((override) => ({
            occurrenceStart: override.occurrenceStart.toISOString(),
            cancelled: override.cancelledAt !== null,
            edited: override.edited,
          })),
        },
      );
    }
    for (const override of lost) em.remove(override);
  }

  /**
   * "This and following": the series ends before the occurrence (UNTIL, or
   * the COUNT generated so far, and `endsBefore` the local midnight of its
   * day, which a later "all" edit of time or rule cannot move) and a new one
   * starts there with the changes, taking the overrides from there on. What
   * happened before stays as it was.
   */
  private async split(em: EntityManager, actor: ActorSnapshot, series: Series, district: District, body: EditSeriesBody, started: Date[]): Promise<Series> {
    const { occurrence, definition } = await this.occurrenceOf(em, series, district, new Date(body.occurrenceStart ?? ''));
    if (definition !== series) {
      throw new Conflict('SERIES.OCCURRENCE_FROZEN', 'This occurrence keeps the definition it had before an "all" edit; split at one from the series’ effectiveFrom on');
    }
    const rule = parseRecurrenceRule(series.rrule);
    const original = this.definition(series, district, []);
    const firstStart = instantAt(parseLocalDateTime(series.dtstart)!, district.timeZone);
    const generatedBefore = expandSeries({ ...original, exdates: [] }, { from: firstStart, to: occurrence.start }).length;
    if (generatedBefore === 0) {
      await this.editAll(em, actor, series, district, body, started);
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
    // An earlier split of this series already ended it: the new part must not reach that successor's days either.
    next.endsBefore = series.endsBefore;
    this.apply(next, body);
    assertDefinition(this.definition(next, district, []));
    series.rrule = withEnd(series.rrule, rule.count === undefined ? `UNTIL=${utcStamp(new Date(occurrence.start.getTime() - 1000))}` : `COUNT=${generatedBefore}`);
    series.endsBefore = earlierOf(midnightOf(localDayAt(occurrence.start, district.timeZone), district.timeZone), series.endsBefore);
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
    if (body.exdates !== undefined) series.exdates = exdatesOf(body.exdates);
  }

  private definition(series: Definition, district: District, closures: string[]): SeriesDefinition {
    return {
      rrule: series.rrule,
      dtstart: series.dtstart,
      timeZone: district.timeZone,
      exdates: series.exdates,
      closures,
      durationMinutes: series.durationMinutes,
    };
  }

  /** The occurrences in the window of the frozen segments and of the series' own definition, each within its bounds, in order. */
  private expand(series: Series, segments: SeriesSegment[], district: District, closures: string[], window: { from: Date; to: Date }): DefinedOccurrence[] {
    const definitions: Definition[] = [...segments, series];
    return definitions
      .flatMap((definition) => {
        const from = laterOf(window.from, definition.effectiveFrom);
        const to = earlierOf(earlierOf(window.to, definition.endsBefore), series.endsBefore);
        if (to <= from) return [];
        return expandSeries(this.definition(definition, district, closures), { from, to }).map((occurrence) => ({ occurrence, definition }));
      })
      .sort((a, b) => a.occurrence.start.getTime() - b.occurrence.start.getTime());
  }

  /** The occurrence the series gives at exactly `start` (closure days and excluded dates have none), with the definition that gives it. */
  private async occurrenceOf(em: EntityManager, series: Series, district: District, start: Date): Promise<DefinedOccurrence> {
    if (Number.isNaN(start.getTime())) throw invalid('occurrenceStart', 'must be the start of an occurrence of the series');
    const segments = await em.find(SeriesSegment, { seriesId: series.id });
    const [found] = this.expand(series, segments, district, await this.closures(em), { from: start, to: new Date(start.getTime() + 1) });
    if (!found) throw new NotFound('occurrence');
    return found;
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

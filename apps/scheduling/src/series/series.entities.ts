import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '@sessionledger/common';
import type { SeriesStudent, SeriesType, SessionDefaults } from '@sessionledger/contracts';
import { TenantScopedEntity } from '@sessionledger/persistence';

/**
 * A provider's recurring sessions: a rule over a local wall-clock start in
 * the district's time zone. Occurrences are never stored, only expanded; what
 * differs for one occurrence is an OccurrenceOverride.
 */
@Entity({ tableName: 'series' })
export class Series extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'uuid' })
  providerId: string;

  @Property({ type: 'uuid' })
  schoolId: string;

  @Property({ type: 'text' })
  service: string;

  @Property({ type: 'text', nullable: true })
  description: string | null = null;

  @Property({ type: 'text', nullable: true })
  placeOfService: string | null = null;

  @Property({ type: 'text' })
  type: SeriesType;

  @Property({ type: 'uuid', nullable: true })
  groupId: string | null = null;

  @Property({ type: 'text', nullable: true })
  groupName: string | null = null;

  @Property({ type: 'jsonb' })
  students: SeriesStudent[] = [];

  /** 'YYYY-MM-DDTHH:MM:SS', local to the district. */
  @Property({ type: 'text' })
  dtstart: string;

  @Property({ type: 'integer' })
  durationMinutes: number;

  @Property({ type: 'text' })
  rrule: string;

  @Property({ type: 'jsonb' })
  exdates: string[] = [];

  @Property({ type: 'uuid', nullable: true })
  workOrderId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  splitFrom: string | null = null;

  /** "Update future sessions": what a posted session leaves for the occurrences after `defaultsFrom`; a later one replaces it. */
  @Property({ type: 'jsonb', nullable: true })
  sessionDefaults: SessionDefaults | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  defaultsFrom: Date | null = null;

  /** Set by an "all" edit that froze the past in a SeriesSegment: the series' own definition gives no occurrence before it. */
  @Property({ type: 'timestamptz', nullable: true })
  effectiveFrom: Date | null = null;

  /** Set by a split: local midnight of the split day, so no later edit of this series can reach the successor's days. */
  @Property({ type: 'timestamptz', nullable: true })
  endsBefore: Date | null = null;

  /** iCalendar SEQUENCE of the occurrences the definition gives; raised by every edit that changes them. */
  @Property({ type: 'integer' })
  sequence = 0;

  /** Checked and raised by hand under a row lock: a "this occurrence" edit changes no column of the series but must still make older copies stale. */
  @Property({ type: 'integer' })
  version = 1;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  /** Stamped by the database on every real change, an occurrence's override included (Migration20261205050000SeriesUpdatedAt). */
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt?: Date;

  @Property({ type: 'uuid' })
  createdBy: string;

  constructor(fields: Omit<Series, 'id' | 'version' | 'createdAt' | 'splitFrom' | 'sessionDefaults' | 'defaultsFrom' | 'effectiveFrom' | 'endsBefore' | 'sequence'> & { splitFrom?: string | null }) {
    super();
    Object.assign(this, fields);
  }
}

/** What differs for one occurrence, keyed by the start the rule gives it. */
@Entity({ tableName: 'occurrence_override' })
export class OccurrenceOverride extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'uuid' })
  seriesId: string;

  @Property({ type: 'timestamptz' })
  occurrenceStart: Date;

  @Property({ type: 'timestamptz', nullable: true })
  startsAt: Date | null = null;

  @Property({ type: 'integer', nullable: true })
  durationMinutes: number | null = null;

  @Property({ type: 'text', nullable: true })
  service: string | null = null;

  @Property({ type: 'text', nullable: true })
  description: string | null = null;

  @Property({ type: 'text', nullable: true })
  placeOfService: string | null = null;

  /** Set by a "this occurrence" edit; a cancellation alone leaves it false. */
  @Property({ type: 'boolean' })
  edited = false;

  @Property({ type: 'timestamptz', nullable: true })
  cancelledAt: Date | null = null;

  @Property({ type: 'uuid', nullable: true })
  cancelledBy: string | null = null;

  @Property({ type: 'text', nullable: true })
  cancelReason: string | null = null;

  @Property({ type: 'text', nullable: true })
  attendance: 'cancelled_billable' | 'cancelled_nonbillable' | null = null;

  /** Added to the definition's sequence in the feed: raised by each edit or cancellation of this one occurrence. */
  @Property({ type: 'integer' })
  sequence = 0;

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();

  @Property({ type: 'uuid' })
  updatedBy: string;

  constructor(districtId: string, seriesId: string, occurrenceStart: Date, updatedBy: string) {
    super();
    this.districtId = districtId;
    this.seriesId = seriesId;
    this.occurrenceStart = occurrenceStart;
    this.updatedBy = updatedBy;
  }
}

/**
 * A definition a series had before an "all" edit, still giving the
 * occurrences in [effectiveFrom, endsBefore): they had happened (or had a
 * session) when the edit came, so their keys, times and text stay.
 */
@Entity({ tableName: 'series_segment' })
export class SeriesSegment extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'uuid' })
  seriesId: string;

  @Property({ type: 'text' })
  dtstart: string;

  @Property({ type: 'text' })
  rrule: string;

  @Property({ type: 'jsonb' })
  exdates: string[] = [];

  @Property({ type: 'integer' })
  durationMinutes: number;

  @Property({ type: 'text' })
  service: string;

  @Property({ type: 'text', nullable: true })
  description: string | null = null;

  @Property({ type: 'text', nullable: true })
  placeOfService: string | null = null;

  @Property({ type: 'integer' })
  sequence: number;

  @Property({ type: 'timestamptz', nullable: true })
  effectiveFrom: Date | null = null;

  @Property({ type: 'timestamptz' })
  endsBefore: Date;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'uuid' })
  createdBy: string;

  /** The series' definition as it stands, frozen up to `endsBefore`. */
  constructor(series: Series, endsBefore: Date, createdBy: string) {
    super();
    this.districtId = series.districtId;
    this.seriesId = series.id;
    this.dtstart = series.dtstart;
    this.rrule = series.rrule;
    this.exdates = [...series.exdates];
    this.durationMinutes = series.durationMinutes;
    this.service = series.service;
    this.description = series.description;
    this.placeOfService = series.placeOfService;
    this.sequence = series.sequence;
    this.effectiveFrom = series.effectiveFrom;
    this.endsBefore = endsBefore;
    this.createdBy = createdBy;
  }
}

/** A day the district is closed: occurrences that day are skipped, not moved. */
@Entity({ tableName: 'closure_day' })
export class ClosureDayRow extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'date' })
  day: string;

  @Property({ type: 'text', nullable: true })
  name: string | null;

  constructor(districtId: string, day: string, name: string | null) {
    super();
    this.districtId = districtId;
    this.day = day;
    this.name = name;
  }
}

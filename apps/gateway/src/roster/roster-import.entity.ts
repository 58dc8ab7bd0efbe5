import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '@sessionledger/common';
import { TenantScopedEntity } from '@sessionledger/persistence';
import type { Notice } from './oneroster/oneroster-files';
import type { ImportProgress, RosterCounts } from './import/roster-importer';
import type { RowError } from './import/row-readers';

export type RosterImportStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export type RosterImportSource = 'upload' | 'operator';

export interface RosterImportFailure {
  code: string;
  message: string;
  file?: string;
  /** The line of `file` at fault (a file that is not UTF-8). */
  line?: number;
}

/** One import of a OneRoster set into a district: its request, progress and result. */
@Entity({ tableName: 'roster_import' })
export class RosterImport extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'text' })
  status: RosterImportStatus = 'queued';

  @Property({ type: 'boolean' })
  dryRun: boolean;

  @Property({ type: 'text' })
  source: RosterImportSource;

  @Property({ type: 'text[]' })
  fileNames: string[];

  @Property({ type: 'text', nullable: true })
  onerosterVersion?: string | null;

  @Property({ type: 'uuid', nullable: true })
  requestedBy?: string | null;

  @Property({ type: 'jsonb' })
  progress: Partial<ImportProgress> = {};

  @Property({ type: 'jsonb' })
  counts: Partial<RosterCounts> = {};

  @Property({ type: 'integer' })
  errorCount = 0;

  @Property({ type: 'jsonb' })
  errors: RowError[] = [];

  @Property({ type: 'jsonb' })
  notices: Notice[] = [];

  @Property({ type: 'jsonb', nullable: true })
  failure?: RosterImportFailure | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  startedAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  finishedAt?: Date | null;

  constructor(districtId: string, options: { dryRun: boolean; source: RosterImportSource; fileNames: string[]; requestedBy: string | null; notices: Notice[] }) {
    super();
    this.districtId = districtId;
    this.dryRun = options.dryRun;
    this.source = options.source;
    this.fileNames = options.fileNames;
    this.requestedBy = options.requestedBy;
    this.notices = options.notices;
  }
}

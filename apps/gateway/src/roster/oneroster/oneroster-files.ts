/**
 * The OneRoster 1.1 / 1.2 CSV files this importer reads, and how a header is
 * judged. Columns are matched by name (case-insensitively), in any order:
 * `metadata.*` and `ext_*` columns are allowed by the standard and ignored,
 * as are columns of later versions. A file without a column the import needs
 * is not OneRoster and is refused whole.
 */
export const ROSTER_FILES = ['manifest.csv', 'orgs.csv', 'users.csv', 'roles.csv', 'classes.csv', 'enrollments.csv', 'academicSessions.csv'] as const;
export type RosterFileName = (typeof ROSTER_FILES)[number];

/** Files of the standard that carry nothing the directory keeps; accepted and skipped. */
export const SKIPPED_FILES = [
  'courses.csv',
  'demographics.csv',
  'userProfiles.csv',
  'categories.csv',
  'classResources.csv',
  'courseResources.csv',
  'resources.csv',
  'lineItems.csv',
  'results.csv',
  'lineItemLearningObjectiveIds.csv',
  'lineItemScoreScales.csv',
  'resultLearningObjectiveIds.csv',
  'resultScoreScales.csv',
  'scoreScales.csv',
];

export const REQUIRED_COLUMNS: Record<RosterFileName, string[]> = {
  'manifest.csv': ['propertyName', 'value'],
  'orgs.csv': ['sourcedId', 'name', 'type'],
  'users.csv': ['sourcedId', 'givenName', 'familyName'],
  'roles.csv': ['userSourcedId', 'roleType', 'role', 'orgSourcedId'],
  'classes.csv': ['sourcedId', 'title', 'schoolSourcedId'],
  'enrollments.csv': ['sourcedId', 'classSourcedId', 'schoolSourcedId', 'userSourcedId', 'role'],
  'academicSessions.csv': ['sourcedId', 'title', 'type', 'startDate', 'endDate'],
};

/** Every column of the standard's files (1.1 and 1.2), so unknown ones can be named in the report. */
const KNOWN_COLUMNS: Record<RosterFileName, string[]> = {
  'manifest.csv': ['propertyName', 'value'],
  'orgs.csv': ['sourcedId', 'status', 'dateLastModified', 'name', 'type', 'identifier', 'parentSourcedId'],
  'users.csv': [
    'sourcedId', 'status', 'dateLastModified', 'enabledUser', 'orgSourcedIds', 'role', 'username', 'userIds', 'givenName', 'familyName',
    'middleName', 'identifier', 'email', 'sms', 'phone', 'agentSourcedIds', 'grades', 'password', 'userMasterIdentifier',
    'preferredGivenName', 'preferredMiddleName', 'preferredFamilyName', 'primaryOrgSourcedId', 'pronouns',
  ],
  'roles.csv': ['sourcedId', 'status', 'dateLastModified', 'userSourcedId', 'roleType', 'role', 'beginDate', 'endDate', 'orgSourcedId', 'userProfileSourcedId'],
  'classes.csv': [
    'sourcedId', 'status', 'dateLastModified', 'title', 'grades', 'courseSourcedId', 'classCode', 'classType', 'location', 'schoolSourcedId',
    'termSourcedIds', 'subjects', 'subjectCodes', 'periods',
  ],
  'enrollments.csv': ['sourcedId', 'status', 'dateLastModified', 'classSourcedId', 'schoolSourcedId', 'userSourcedId', 'role', 'primary', 'beginDate', 'endDate'],
  'academicSessions.csv': ['sourcedId', 'status', 'dateLastModified', 'title', 'type', 'startDate', 'endDate', 'parentSourcedId', 'schoolYear'],
};

/** Whether a column is one of the standard's for this file (not metadata.*, ext_* or unknown). */
export function isStandardColumn(file: RosterFileName, column: string): boolean {
  const key = column.toLowerCase();
  return KNOWN_COLUMNS[file].some((known) => known.toLowerCase() === key);
}

export interface Notice {
  file: string;
  column?: string;
  message: string;
}

/** Column name → position, for the columns a file has. */
export class Header {
  private readonly index = new Map<string, number>();

  constructor(
    readonly file: RosterFileName,
    readonly columns: string[],
  ) {
    columns.forEach((column, position) => this.index.set(column.toLowerCase(), position));
  }

  has(column: string): boolean {
    return this.index.has(column.toLowerCase());
  }

  /** The column's name as the file spells it (for error reports). */
  name(column: string): string {
    const position = this.index.get(column.toLowerCase());
    return position === undefined ? column : this.columns[position];
  }

  /** A reader of one column; an absent column reads as ''. */
  reader(column: string): (fields: string[]) => string {
    const position = this.index.get(column.toLowerCase());
    if (position === undefined) return () => '';
    return (fields) => (fields[position] ?? '').trim();
  }
}

export class HeaderRefused extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

/** Judges a header row: refuses a file that is not OneRoster, and notes columns that will be ignored. */
export function checkHeader(file: RosterFileName, fields: string[] | undefined, notices: Notice[]): Header {
  if (!fields || fields.every((field) => field.trim() === '')) throw new HeaderRefused(file, 'the file is empty: a OneRoster file starts with its header row');
  const columns = fields.map((field) => field.trim());
  const seen = new Set<string>();
  for (const column of columns) {
    const key = column.toLowerCase();
    if (seen.has(key)) throw new HeaderRefused(file, `the header names column "${column}" twice`);
    seen.add(key);
  }
  const missing = REQUIRED_COLUMNS[file].filter((column) => !seen.has(column.toLowerCase()));
  if (missing.length) {
    throw new HeaderRefused(
      file,
      `not a OneRoster ${file} header: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (found: ${columns.join(', ').slice(0, 300)})`,
    );
  }
  const known = new Set(KNOWN_COLUMNS[file].map((column) => column.toLowerCase()));
  for (const column of columns) {
    const key = column.toLowerCase();
    if (known.has(key) || key.startsWith('metadata.') || key.startsWith('ext_') || key === '') continue;
    notices.push({ file, column, message: `"${column}" is not a OneRoster column; it was ignored` });
  }
  return new Header(file, columns);
}

/** `users.csv` or `Users.CSV` or `roster/users.csv` → the standard's name; anything else → undefined. */
export function rosterFileName(path: string): RosterFileName | 'skipped' | undefined {
  const base = path.split(/[\\/]/).pop() ?? path;
  const lower = base.toLowerCase();
  const known = ROSTER_FILES.find((name) => name.toLowerCase() === lower);
  if (known) return known;
  if (SKIPPED_FILES.some((name) => name.toLowerCase() === lower)) return 'skipped';
  return undefined;
}

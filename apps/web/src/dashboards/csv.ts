/*
 * CSV files built in the browser from what a chart's table shows, so the
 * download holds exactly the numbers on screen (and never one the API withheld).
 */

export type Cell = string | number | null;

/** A figure's numbers as rows under a header: what the table shows and the CSV holds. */
export interface FigureTable {
  head: string[];
  rows: Cell[][];
}

/**
 * Text a spreadsheet would run as a formula (=, +, -, @, and the tab or
 * carriage return some read as the start of one) is written with a leading
 * apostrophe, so a name typed as "=HYPERLINK(…)" stays text. Numbers are
 * numbers, never formulas, and are written as they are.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: Cell): string {
  if (value === null) return '';
  const text = typeof value === 'number' ? String(value) : FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180: comma-separated, CRLF after every row (the last one too), as the API's own CSVs are. */
export function buildCsv(table: FigureTable): string {
  return [table.head, ...table.rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** `minutes-by-provider-2026-09-01-to-2026-12-18-anonymized.csv`: what, which dates, and whether small groups were left out. */
export function csvFilename(what: string, range: { from: string | null; to: string | null; anonymized: boolean }): string {
  const dates = `${range.from ?? 'start'}-to-${range.to ?? 'latest'}`;
  return `${what}-${dates}${range.anonymized ? '-anonymized' : ''}.csv`;
}

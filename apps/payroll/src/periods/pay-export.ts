/**
 * The payroll export of a period: one row per provider × work order type ×
 * rate (a provider paid at two rates has two rows, so hours × rate is the
 * amount on every row), RFC 4180 (CRLF line
 * ends, fields with a comma, quote, CR or LF quoted, quotes doubled).
 * Text that a spreadsheet would run as a formula (starting with = + - @, TAB
 * or CR) gets a leading single quote. The numbers are written by this module
 * and left as numbers: a negative amount stays `-24.38`, which a spreadsheet
 * reads as a number, not a formula.
 */
export interface ProviderTotals {
  providerId: string;
  /** The payee's number in the district's payroll system; empty until payroll records it. */
  employeeNumber: string | null;
  providerName: string;
  workOrderType: string;
  rateCents: number;
  /** Net of reversals. */
  minutes: number;
  amountCents: number;
  lines: number;
}

export interface ExportedPeriod {
  startsOn: string;
  endsOn: string;
  /** An open period's file can still change (late entries, amendments): only the file after closing is final. */
  status: 'provisional' | 'final';
}

export const PAY_EXPORT_HEADER = [
  'provider_id',
  'employee_number',
  'provider_name',
  'period_start',
  'period_end',
  'work_order_type',
  'rate',
  'hours',
  'amount',
  'lines',
  'status',
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell a spreadsheet will show as text, never evaluate. */
export function safeText(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A signed integer count of hundredths as `-12.34`. */
function hundredths(value: bigint): string {
  const sign = value < 0n ? '-' : '';
  const magnitude = value < 0n ? -value : value;
  return `${sign}${magnitude / 100n}.${String(magnitude % 100n).padStart(2, '0')}`;
}

/** Minutes as hours with 2 decimals, half away from zero, in integer arithmetic (90 → 1.50, 50 → 0.83, 10 → 0.17). */
export function hoursOf(minutes: number): string {
  const scaled = BigInt(Math.abs(minutes)) * 100n;
  const rounded = scaled / 60n + (scaled % 60n >= 30n ? 1n : 0n);
  return hundredths(minutes < 0 ? -rounded : rounded);
}

/** Cents as dollars with 2 decimals (2438 → 24.38, -5 → -0.05). */
export function dollarsOf(cents: number): string {
  return hundredths(BigInt(cents));
}

const text = (value: string | null): string => csvField(safeText(value ?? ''));

export function payExportCsv(period: ExportedPeriod, rows: ProviderTotals[]): string {
  const lines = [PAY_EXPORT_HEADER.join(',')];
  for (const row of rows) {
    lines.push(
      [
        text(row.providerId),
        text(row.employeeNumber),
        text(row.providerName),
        period.startsOn,
        period.endsOn,
        text(row.workOrderType),
        dollarsOf(row.rateCents),
        hoursOf(row.minutes),
        dollarsOf(row.amountCents),
        String(row.lines),
        period.status,
      ].join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

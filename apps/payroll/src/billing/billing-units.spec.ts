import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { billingUnits, dayUnitsAdjustment } from './billing-units';

/** The repository's shared reference data sits beside the checkout: ../shared/data from the repo root. */
const REPO_ROOT = resolve(__dirname, '../../../..');
const TABLE = join(REPO_ROOT, '../shared/data/medicaid/cms_8_minute_rule_minutes_to_units.derived.csv');

function tableRows(): { minutes: number; cms: number; full15: number }[] {
  const [header, ...lines] = readFileSync(TABLE, 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
  const columns = header.split(',');
  const at = (name: string) => {
    const index = columns.indexOf(name);
    if (index < 0) throw new Error(`${TABLE} has no column ${name}`);
    return index;
  };
  const [minutes, cms, full15] = [at('total_timed_minutes'), at('units_cms_8_minute_rule'), at('units_full_15_only')];
  return lines.map((line) => {
    const cells = line.split(',');
    return { minutes: Number(cells[minutes]), cms: Number(cells[cms]), full15: Number(cells[full15]) };
  });
}

describe('billingUnits against the CMS table in ../shared/data/medicaid', () => {
  const rows = tableRows();

  it('reads every row of the table (0 to 180 minutes)', () => {
    expect(rows).toHaveLength(181);
    expect(rows.map((row) => row.minutes)).toEqual(Array.from({ length: 181 }, (_, i) => i));
  });

  it('matches both columns on every row', () => {
    const mismatches = rows.filter((row) => billingUnits(row.minutes, 'cms_8_minute') !== row.cms || billingUnits(row.minutes, 'full_15_only') !== row.full15);
    expect(mismatches).toEqual([]);
  });

  it('bills a day of several sessions on its total minutes, for every row and every way of splitting it in two', () => {
    const wrong: string[] = [];
    for (const row of rows) {
      for (let first = 0; first <= row.minutes; first += 1) {
        const second = row.minutes - first;
        for (const [rule, expected] of [['cms_8_minute', row.cms], ['full_15_only', row.full15]] as const) {
          const charged = billingUnits(first, rule) + billingUnits(second, rule);
          if (charged + dayUnitsAdjustment(first + second, charged, rule) !== expected) wrong.push(`${first}+${second} ${rule}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    // Two 22-minute sessions: 1 + 1 unit charged, one more for the 44-minute day.
    expect(dayUnitsAdjustment(44, 2, 'cms_8_minute')).toBe(1);
    // A day shortened by an amendment gives a unit back.
    expect(dayUnitsAdjustment(22, 2, 'cms_8_minute')).toBe(-1);
  });

  it('agrees with the table of unit ranges', () => {
    const [header, ...lines] = readFileSync(join(REPO_ROOT, '../shared/data/medicaid/cms_8_minute_rule_units.derived.csv'), 'utf8')
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '');
    expect(header.split(',')).toEqual(['units', 'min_minutes', 'max_minutes']);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const [units, min, max] = line.split(',').map(Number);
      for (let minutes = min; minutes <= max; minutes += 1) expect(billingUnits(minutes, 'cms_8_minute')).toBe(units);
    }
  });

  it('keeps counting past the table and refuses what is not minutes', () => {
    expect(billingUnits(188, 'cms_8_minute')).toBe(13);
    expect(billingUnits(187, 'cms_8_minute')).toBe(12);
    expect(billingUnits(195, 'full_15_only')).toBe(13);
    expect(() => billingUnits(-1, 'cms_8_minute')).toThrow();
    expect(() => billingUnits(7.5, 'cms_8_minute')).toThrow();
  });
});

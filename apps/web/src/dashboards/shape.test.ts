import { describe, expect, it } from 'vitest';
import { buildCsv } from './csv';
import { readDashboardFilters, writeDashboardFilters } from './filters';
import { coachingFigure, dosageFigure, minutesFigure, WITHHELD, type CoachingReply, type DosageReply, type MinutesReply, type Namers } from './shape';

const SCHOOL = '7b6f0c52-5d0e-4c39-9d4e-2f6f4b1f7a10';
const names: Namers = { service: (code) => ({ tutoring: 'Tutoring', coaching: 'Coaching' })[code] ?? code, school: (id) => (id === SCHOOL ? 'Lincoln Elementary' : undefined) };
const base = { from: '2026-03-01', to: '2026-03-31', schoolId: null, anonymized: false, minGroupSize: 10, suppressedGroups: 0 };

function minutes(groupBy: MinutesReply['groupBy'], groups: MinutesReply['groups'], extra: Partial<MinutesReply> = {}): MinutesReply {
  return { ...base, groupBy, groups, ...extra };
}
const group = (key: string, label: string, minutes: number, students = 3) => ({ key, label, minutes, students, sessions: 2, records: 4 });

describe('minutesFigure', () => {
  it('orders groups by their readable name and tables every number of the reply', () => {
    const figure = minutesFigure(minutes('provider', [group('b-id', 'Zoe Zed', 30), group('a-id', 'Ann Able', 105)]), names);
    expect(figure.bars).toEqual([
      { key: 'a-id', label: 'Ann Able', minutes: 105 },
      { key: 'b-id', label: 'Zoe Zed', minutes: 30 },
    ]);
    expect(figure.table).toEqual({
      head: ['Provider', 'Minutes', 'Students', 'Sessions', 'Student records'],
      rows: [
        ['Ann Able', 105, 3, 2, 4],
        ['Zoe Zed', 30, 3, 2, 4],
      ],
    });
    expect(figure.leftOut).toBeNull();
  });

  it('names codes and ids: services from the catalog, schools from the directory, no work order, no qualifier', () => {
    const label = (groupBy: MinutesReply['groupBy'], key: string, apiLabel = key) => minutesFigure(minutes(groupBy, [group(key, apiLabel, 1)]), names).bars[0].label;
    expect(label('service', 'tutoring')).toBe('Tutoring');
    expect(label('school', SCHOOL, 'S1-CODE')).toBe('Lincoln Elementary');
    expect(label('school', 'unknown-id', 'S9-CODE')).toBe('S9-CODE');
    expect(label('category', 'none')).toBe('No work order');
    expect(label('category', 'career_ladder')).toBe('Career Ladder');
    expect(label('qualifier', 'credit_recovery')).toBe('Credit recovery');
    expect(label('qualifier', 'none')).toBe('No qualifier');
    expect(label('week', '2026-03-02')).toMatch(/^Week of .*2026$/);
  });

  it('keeps weeks in time order whatever their labels', () => {
    const figure = minutesFigure(minutes('week', [group('2026-03-09', '2026-03-09', 5), group('2026-02-23', '2026-02-23', 7), group('2026-03-02', '2026-03-02', 6)]), names);
    expect(figure.bars.map((bar) => bar.key)).toEqual(['2026-02-23', '2026-03-02', '2026-03-09']);
  });

  it('anonymized: says how many groups the API left out, with a row of no numbers, in the table and so in the CSV', () => {
    const figure = minutesFigure(minutes('service', [group('tutoring', 'tutoring', 400, 12)], { anonymized: true, suppressedGroups: 2 }), names);
    expect(figure.leftOut).toBe('2 groups with fewer than 10 students each were left out');
    expect(figure.table.rows).toEqual([
      ['Tutoring', 400, 12, 2, 4],
      ['2 groups with fewer than 10 students each were left out', WITHHELD, WITHHELD, WITHHELD, WITHHELD],
    ]);
    expect(buildCsv(figure.table).split('\r\n')).toEqual([
      'Service,Minutes,Students,Sessions,Student records',
      'Tutoring,400,12,2,4',
      `2 groups with fewer than 10 students each were left out,${WITHHELD},${WITHHELD},${WITHHELD},${WITHHELD}`,
      '',
    ]);
  });

  it('says nothing was left out when the reply is not anonymized, whatever the count', () => {
    expect(minutesFigure(minutes('service', [], { suppressedGroups: 3 }), names).leftOut).toBeNull();
    expect(minutesFigure(minutes('service', [], { anonymized: true, suppressedGroups: 1 }), names).leftOut).toBe('1 group with fewer than 10 students each was left out');
  });
});

describe('coachingFigure', () => {
  it('names the teachers in no group and the coaching service, and counts teachers', () => {
    const reply: CoachingReply = {
      ...base,
      groupBy: 'teacher_group',
      groups: [
        { key: 'none', label: 'none', minutes: 50, teachers: 1, sessions: 1 },
        { key: 'g1', label: 'Grade 3 team', minutes: 80, teachers: 1, sessions: 2 },
      ],
    };
    expect(coachingFigure(reply, names).table).toEqual({
      head: ['Teacher group', 'Minutes', 'Teachers', 'Sessions'],
      rows: [
        ['Grade 3 team', 80, 1, 2],
        ['In no group', 50, 1, 1],
      ],
    });
    expect(coachingFigure({ ...reply, groupBy: 'category', groups: [{ key: 'coaching', label: 'coaching', minutes: 30, teachers: 1, sessions: 1 }] }, names).bars[0].label).toBe('Coaching');
    expect(coachingFigure({ ...reply, anonymized: true, suppressedGroups: 1, groups: [] }, names).leftOut).toBe('1 group with fewer than 10 teachers each was left out');
  });
});

describe('dosageFigure', () => {
  const student = { studentId: 's1', studentName: 'Ada Lovelace', stateId: 'ST-1', sessions: 2, students: 1, plannedMinutes: 90, deliveredMinutes: 85, dosagePercent: 94 };
  const dosage = (extra: Partial<DosageReply>): DosageReply => ({ ...base, page: 1, pageSize: 20, total: 2, totals: null, items: [], ...extra });

  it('named: a row per student of the page, then the totals over every student', () => {
    const figure = dosageFigure(dosage({ items: [student, { ...student, studentId: 's2', studentName: 'Ben', stateId: null, plannedMinutes: 0, deliveredMinutes: 0, dosagePercent: null }], totals: { students: 2, plannedMinutes: 90, deliveredMinutes: 85, dosagePercent: 94 } }));
    expect(figure.bars).toEqual([
      { key: 's1', label: 'Ada Lovelace', planned: 90, delivered: 85 },
      { key: 's2', label: 'Ben', planned: 0, delivered: 0 },
    ]);
    expect(figure.table.rows).toEqual([
      ['Ada Lovelace', 'ST-1', 90, 85, 94, 2],
      ['Ben', null, 0, 0, 'Nothing planned', 2],
      ['All 2 students', null, 90, 85, 94, null],
    ]);
  });

  it('anonymized: the totals without any name, or only the reason when the API withheld them', () => {
    const totals = dosageFigure(dosage({ anonymized: true, total: 0, totals: { students: 12, plannedMinutes: 600, deliveredMinutes: 540, dosagePercent: 90 } }));
    expect(totals.table).toEqual({ head: ['Students', 'Planned minutes', 'Delivered minutes', 'Delivered, % of planned'], rows: [[12, 600, 540, 90]] });
    expect(totals.bars).toEqual([{ key: 'all', label: 'All 12 students', planned: 600, delivered: 540 }]);

    const withheld = dosageFigure(dosage({ anonymized: true, total: 0, totals: null, suppressedGroups: 1 }));
    expect(withheld.bars).toEqual([]);
    expect(withheld.withheld).toBe('Fewer than 10 students: the totals are withheld');
    expect(withheld.table.rows).toEqual([[WITHHELD, WITHHELD, WITHHELD, WITHHELD]]);
    expect(buildCsv(withheld.table)).not.toMatch(/\d/);
  });
});

describe('dashboard filters in the address', () => {
  it('round-trips every filter and leaves the defaults out', () => {
    const search = new URLSearchParams(`school=${SCHOOL}&from=2026-03-01&to=2026-03-31&anonymized=1&minutes=week&coaching=teacher&page=3`);
    const filters = readDashboardFilters(search);
    expect(filters).toEqual({ schoolId: SCHOOL, from: '2026-03-01', to: '2026-03-31', anonymized: true, minutesBy: 'week', coachingBy: 'teacher', dosagePage: 3 });
    expect(writeDashboardFilters(filters).toString()).toBe(search.toString());
    expect(writeDashboardFilters(readDashboardFilters(new URLSearchParams())).toString()).toBe('');
  });

  it('drops what the API would refuse: an unknown grouping, a malformed day or school', () => {
    expect(readDashboardFilters(new URLSearchParams('minutes=teacher&coaching=service&from=2026-02-30&school=42'))).toMatchObject({ minutesBy: 'service', coachingBy: 'category', from: null, schoolId: null });
  });
});

import { describe, expect, it } from 'vitest';
import { closeState, groupByProvider, lineHistory, readsPayroll, runsPayroll, sessionsWithReversals, unpaidReason, type PayDecision, type PayLine } from './period';

let counter = 0;
function line(fields: Partial<PayLine> & Pick<PayLine, 'sessionId' | 'providerId'>): PayLine {
  counter += 1;
  return {
    id: `line-${counter}`,
    periodId: 'period-1',
    sessionVersion: 1,
    kind: 'payment',
    providerName: fields.providerId === 'p-tess' ? 'Tess Tutor' : 'Abe Aide',
    workOrderId: 'wo-1',
    sessionDate: '2026-11-24',
    minutes: 45,
    rateCents: 3000,
    amountCents: 2250,
    reversesLineId: null,
    createdAt: `2026-11-24T16:00:${String(counter).padStart(2, '0')}.000Z`,
    ...fields,
  };
}

function decision(sessionVersion: number, payable: boolean, reason: string): PayDecision {
  return {
    sessionVersion,
    event: sessionVersion === 1 ? 'posted' : 'amended',
    amendmentReason: sessionVersion === 1 ? null : 'Nobody came',
    payable,
    reason,
    providerId: 'p-tess',
    workOrderId: 'wo-1',
    sessionDate: '2026-11-24',
    adjustedMinutes: payable ? 45 : null,
    rateCents: payable ? 3000 : null,
    amountCents: payable ? 2250 : null,
    supersededBy: null,
    decidedAt: '2026-11-24T16:00:00.000Z',
  };
}

describe('groupByProvider', () => {
  // The API's order: session date descending, then written.
  const paid = line({ sessionId: 's-paid', providerId: 'p-tess', sessionDate: '2026-11-26' });
  const firstPay = line({ sessionId: 's-unpaid', providerId: 'p-tess', sessionDate: '2026-11-25' });
  const reversal = line({ sessionId: 's-unpaid', providerId: 'p-tess', sessionDate: '2026-11-25', sessionVersion: 2, kind: 'reversal', minutes: -45, amountCents: -2250, reversesLineId: firstPay.id });
  const aide = line({ sessionId: 's-aide', providerId: 'p-abe', minutes: 60, rateCents: 2000, amountCents: 2000 });
  const lines = [paid, firstPay, reversal, aide];

  it('groups lines per provider by name and per session in the API’s order, with sums net of reversals', () => {
    const groups = groupByProvider(lines);
    expect(groups.map((g) => [g.providerName, g.minutes, g.amountCents])).toEqual([
      ['Abe Aide', 60, 2000],
      ['Tess Tutor', 45, 2250],
    ]);
    const tess = groups[1];
    expect(tess.sessions.map((s) => [s.sessionId, s.sessionDate, s.minutes, s.amountCents, s.lines.length])).toEqual([
      ['s-paid', '2026-11-26', 45, 2250, 1],
      ['s-unpaid', '2026-11-25', 0, 0, 2],
    ]);
  });

  it('gives a session payroll’s reason when its newest decision pays nothing, and none when it pays', () => {
    const decisions = new Map([['s-unpaid', [decision(2, false, 'Tutoring pays only sessions a student attended'), decision(1, true, 'Tutoring: paid')]]]);
    const tess = groupByProvider(lines, decisions).find((g) => g.providerId === 'p-tess');
    expect(tess?.sessions.map((s) => s.unpaidReason)).toEqual([null, 'Tutoring pays only sessions a student attended']);
    expect(unpaidReason([decision(1, false, 'No work order'), decision(2, true, 'Tutoring: paid')])).toBeNull();
    expect(unpaidReason(undefined)).toBeNull();
  });

  it('asks for decisions only of the sessions with a reversal', () => {
    expect(sessionsWithReversals(lines)).toEqual(['s-unpaid']);
    expect(sessionsWithReversals([paid, aide])).toEqual([]);
  });

  it('orders a session’s lines as they were written and says what happened', () => {
    const repaid = line({ sessionId: 's-unpaid', providerId: 'p-tess', sessionVersion: 2, minutes: 30, amountCents: 1500, createdAt: reversal.createdAt });
    const [tess] = groupByProvider([repaid, reversal, firstPay]);
    expect(tess.sessions[0].lines.map((l) => l.kind)).toEqual(['payment', 'reversal', 'payment']);
    expect(lineHistory(tess.sessions[0].lines)).toBe('Paid, reversed, paid again');
    expect(lineHistory([paid])).toBe('Payment');
    expect(lineHistory([reversal])).toBe('Reversal');
  });

  it('has nothing to show for no lines', () => {
    expect(groupByProvider([])).toEqual([]);
  });
});

describe('closeState', () => {
  const open = { status: 'open' as const, lateEntryCutoff: '2026-12-20' };

  it('offers closing to payroll from the day after the late-entry cut-off, as the API allows it', () => {
    expect(closeState(open, '2026-12-20', ['payroll'])).toEqual({ kind: 'late-entries-open', closableFrom: '2026-12-21' });
    expect(closeState(open, '2026-12-21', ['payroll'])).toEqual({ kind: 'closable' });
    expect(closeState({ status: 'open', lateEntryCutoff: '2026-12-31' }, '2026-12-31', ['payroll'])).toEqual({ kind: 'late-entries-open', closableFrom: '2027-01-01' });
  });

  it('never offers it for a closed period, nor to a district admin', () => {
    expect(closeState({ ...open, status: 'closed' }, '2027-01-10', ['payroll'])).toEqual({ kind: 'closed' });
    expect(closeState(open, '2027-01-10', ['district_admin'])).toEqual({ kind: 'not-yours' });
  });
});

describe('who sees payroll', () => {
  it('shows the screens to payroll and district admins, closing and the payroll file to payroll only', () => {
    expect(readsPayroll(['payroll'])).toBe(true);
    expect(readsPayroll(['provider', 'district_admin'])).toBe(true);
    expect(readsPayroll(['provider'])).toBe(false);
    expect(readsPayroll(['school_admin'])).toBe(false);
    expect(runsPayroll(['district_admin'])).toBe(false);
    expect(runsPayroll(['payroll'])).toBe(true);
  });
});

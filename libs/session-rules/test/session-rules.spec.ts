import { AttendanceStatus, cancellationStatus, daysBetween, defaultAdjustedMinutes, durationRangeProblem, durationStepProblem, localDate, payability, PayabilityInput, QualifierFlags, rawMinutes } from '@sessionledger/session-rules';

const HOUR = 3_600_000;
const NONE: QualifierFlags = { homebound: false, detention: false, creditRecovery: false, remedial: false };

function student(attendanceStatus: AttendanceStatus | null, qualifiers: Partial<QualifierFlags> = {}) {
  return { attendanceStatus, qualifiers: { ...NONE, ...qualifiers } };
}

function session(workOrderType: string | null, participants: PayabilityInput['participants'], extra: Partial<PayabilityInput> = {}): PayabilityInput {
  return { districtId: 'd', workOrderType, description: null, careerLadderGoalTagged: false, participants, ...extra };
}

function times<T>(count: number, make: () => T): T[] {
  return Array.from({ length: count }, make);
}

describe('cancellationStatus', () => {
  const startsAt = new Date('2026-03-10T15:00:00Z');

  it('is not billable when cancelled exactly the notice window before the start', () => {
    expect(cancellationStatus(startsAt, new Date(startsAt.getTime() - 24 * HOUR), 24)).toBe('cancelled_nonbillable');
  });

  it('is billable when cancelled one millisecond inside the notice window', () => {
    expect(cancellationStatus(startsAt, new Date(startsAt.getTime() - 24 * HOUR + 1), 24)).toBe('cancelled_billable');
  });

  it('is billable when cancelled after the start', () => {
    expect(cancellationStatus(startsAt, new Date(startsAt.getTime() + 60_000), 24)).toBe('cancelled_billable');
  });

  it('follows the district’s window rather than 24 hours', () => {
    expect(cancellationStatus(startsAt, new Date(startsAt.getTime() - 3 * HOUR), 2)).toBe('cancelled_nonbillable');
    expect(cancellationStatus(startsAt, new Date(startsAt.getTime() - 30 * HOUR), 48)).toBe('cancelled_billable');
  });
});

describe('durationRangeProblem', () => {
  it('accepts exactly 15 minutes and refuses 14', () => {
    expect(durationRangeProblem(15, 30)).toBeNull();
    expect(durationRangeProblem(14, 30)).toMatch(/at least 15/);
  });

  it('accepts exactly the planned duration plus 30 and refuses a minute more', () => {
    expect(durationRangeProblem(90, 60)).toBeNull();
    expect(durationRangeProblem(91, 60)).toMatch(/at most 90/);
  });

  it('still requires 15 minutes when the plan is shorter than that', () => {
    expect(durationRangeProblem(10, 5)).toMatch(/at least 15/);
    expect(durationRangeProblem(35, 5)).toBeNull();
    expect(durationRangeProblem(40, 5)).toMatch(/at most 35/);
  });
});

describe('durationStepProblem', () => {
  it.each([5, 15, 60, 1440])('accepts %i minutes (a 5-minute step)', (minutes) => {
    expect(durationStepProblem(minutes)).toBeNull();
  });

  it.each([0, -5, 1, 7, 59])('refuses %i minutes', (minutes) => {
    expect(durationStepProblem(minutes)).toMatch(/positive multiple of 5/);
  });
});

describe('defaultAdjustedMinutes and rawMinutes', () => {
  it.each([
    [0, 0],
    [2, 0],
    [3, 5],
    [61, 60],
    [62, 60],
    [63, 65],
    [67, 65],
    [68, 70],
  ])('rounds %i raw minutes to %i', (raw, adjusted) => {
    expect(defaultAdjustedMinutes(raw)).toBe(adjusted);
  });

  it('counts whole minutes between instants, rounding half a minute up and never below zero', () => {
    const start = new Date('2026-03-10T15:00:00Z');
    expect(rawMinutes(start, new Date(start.getTime() + 61 * 60_000 + 29_000))).toBe(61);
    expect(rawMinutes(start, new Date(start.getTime() + 61 * 60_000 + 30_000))).toBe(62);
    expect(rawMinutes(start, new Date(start.getTime() - 60_000))).toBe(0);
  });
});

describe('localDate in America/Chicago', () => {
  const zone = 'America/Chicago';

  it('puts midnight on the right day on both sides of the spring-forward change (CST −6 → CDT −5)', () => {
    expect(localDate(new Date('2026-03-08T05:59:00Z'), zone)).toBe('2026-03-07');
    expect(localDate(new Date('2026-03-08T06:00:00Z'), zone)).toBe('2026-03-08');
    // After the change midnight is at 05:00Z: a fixed −6 offset would still say the 8th.
    expect(localDate(new Date('2026-03-09T04:59:00Z'), zone)).toBe('2026-03-08');
    expect(localDate(new Date('2026-03-09T05:00:00Z'), zone)).toBe('2026-03-09');
  });

  it('puts midnight on the right day on both sides of the fall-back change (CDT −5 → CST −6)', () => {
    expect(localDate(new Date('2026-11-01T04:59:00Z'), zone)).toBe('2026-10-31');
    expect(localDate(new Date('2026-11-01T05:00:00Z'), zone)).toBe('2026-11-01');
    expect(localDate(new Date('2026-11-02T05:59:00Z'), zone)).toBe('2026-11-01');
    expect(localDate(new Date('2026-11-02T06:00:00Z'), zone)).toBe('2026-11-02');
  });

  it('counts calendar days across the change as whole days', () => {
    expect(daysBetween('2026-03-07', '2026-03-09')).toBe(2);
    expect(daysBetween('2026-11-02', '2026-10-31')).toBe(-2);
  });
});

describe('payability', () => {
  it('never pays a session without a work order, and says so', () => {
    const result = payability(session(null, [student('attended', { remedial: true })]));
    expect(result).toEqual({ payable: false, reason: expect.stringMatching(/no work order/i) });
  });

  it('refuses a work order type the district does not have', () => {
    expect(payability(session('chess', [student('attended')]))).toEqual({ payable: false, reason: expect.stringContaining('chess') });
  });

  describe('Career Ladder', () => {
    const described = { description: 'Fractions review', careerLadderGoalTagged: true };

    it('pays one remedial student in a described session tagged with a goal', () => {
      expect(payability(session('career_ladder', [student('attended', { remedial: true })], described)).payable).toBe(true);
    });

    it('needs a description', () => {
      const result = payability(session('career_ladder', [student('attended', { remedial: true })], { ...described, description: '  ' }));
      expect(result).toEqual({ payable: false, reason: expect.stringMatching(/described/) });
    });

    it('needs a Career Ladder goal tag', () => {
      const result = payability(session('career_ladder', [student('attended', { remedial: true })], { ...described, careerLadderGoalTagged: false }));
      expect(result).toEqual({ payable: false, reason: expect.stringMatching(/Career Ladder goal/) });
    });

    it('does not count a student with another qualifier (detention only is not remedial)', () => {
      const result = payability(session('career_ladder', [student('attended', { detention: true })], described));
      expect(result).toEqual({ payable: false, reason: expect.stringMatching(/remedial.*has 0/) });
    });
  });

  it.each([
    ['homebound', { homebound: true }, { detention: true }],
    ['detention', { detention: true }, { homebound: true }],
    ['credit_recovery', { creditRecovery: true }, { remedial: true }],
  ] as const)('%s pays one student with its own qualifier and not one with another', (type, own, other) => {
    expect(payability(session(type, [student('attended', own)])).payable).toBe(true);
    const refused = payability(session(type, [student('attended', other)]));
    expect(refused.payable).toBe(false);
    expect(refused.reason).toContain(type.replace('_', ' '));
  });

  describe('Tutoring', () => {
    it('does not pay 3 qualifying students and names the 4 it needs', () => {
      const result = payability(session('tutoring', times(3, () => student('attended', { remedial: true }))));
      expect(result).toEqual({ payable: false, reason: expect.stringMatching(/at least 4 qualifying students.*has 3/) });
    });

    it('pays 4 students each with any qualifier', () => {
      const participants = [
        student('attended', { remedial: true }),
        student('attended', { detention: true }),
        student('attended', { homebound: true }),
        student('attended', { creditRecovery: true }),
      ];
      expect(payability(session('tutoring', participants)).payable).toBe(true);
    });

    it('does not count a student without a qualifier', () => {
      const participants = [...times(3, () => student('attended', { detention: true })), student('attended')];
      expect(payability(session('tutoring', participants)).payable).toBe(false);
    });
  });

  describe('Club', () => {
    it('pays 6 students without qualifiers and not 5', () => {
      expect(payability(session('club', times(6, () => student('attended')))).payable).toBe(true);
      expect(payability(session('club', times(5, () => student('attended'))))).toEqual({ payable: false, reason: expect.stringMatching(/at least 6 students.*has 5/) });
    });

    it('counts missed and late-cancelled students but not early-cancelled or unrecorded ones', () => {
      const paid = [...times(4, () => student('attended')), student('missed_billable'), student('cancelled_billable')];
      expect(payability(session('club', paid)).payable).toBe(true);
      const unpaid = [...times(5, () => student('attended')), student('cancelled_nonbillable'), student(null)];
      expect(payability(session('club', unpaid))).toEqual({ payable: false, reason: expect.stringMatching(/has 5/) });
    });
  });
});

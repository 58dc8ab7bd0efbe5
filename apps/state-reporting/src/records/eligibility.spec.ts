import { PostedParticipant } from '@sessionledger/contracts';
import { deliveryOf, INELIGIBLE, ineligibilityReasons } from './eligibility';

function participant(kind: 'student' | 'staff' = 'student', attendanceStatus: PostedParticipant['attendanceStatus'] | null = 'attended'): PostedParticipant {
  return { kind, attendanceStatus } as PostedParticipant;
}

const tutoring = { workOrderId: '7f1c8a52-0f4e-4c55-9a36-4f0a4b1b2c3d', workOrderType: 'tutoring', careerLadderGoalTagged: false, participants: [participant()] };

describe('ineligibilityReasons', () => {
  it('finds nothing wrong with a posted session with a work order and attendance for everyone', () => {
    expect(ineligibilityReasons(tutoring)).toEqual([]);
  });

  it('leaves out a session without a work order (time tracking only)', () => {
    expect(ineligibilityReasons({ ...tutoring, workOrderId: null, workOrderType: null })).toEqual([INELIGIBLE.noWorkOrder]);
  });

  it('leaves out a Career Ladder session until it is tagged with a Career Ladder goal', () => {
    const careerLadder = { ...tutoring, workOrderType: 'career_ladder' };
    expect(ineligibilityReasons(careerLadder)).toEqual([INELIGIBLE.careerLadderUntagged]);
    expect(ineligibilityReasons({ ...careerLadder, careerLadderGoalTagged: true })).toEqual([]);
  });

  it('leaves out a session with a participant without attendance, and one without students, giving every reason', () => {
    expect(ineligibilityReasons({ ...tutoring, participants: [participant(), participant('student', null)] })).toEqual([INELIGIBLE.attendanceMissing]);
    expect(ineligibilityReasons({ ...tutoring, workOrderId: null, workOrderType: 'career_ladder', participants: [] })).toEqual([
      INELIGIBLE.noWorkOrder,
      INELIGIBLE.careerLadderUntagged,
      INELIGIBLE.noStudents,
    ]);
  });
});

describe('deliveryOf', () => {
  it('is individual for one student and small group for more, whatever their attendance', () => {
    expect(deliveryOf({ participants: [participant()] })).toBe('individual');
    expect(deliveryOf({ participants: [participant(), participant('student', 'missed_billable')] })).toBe('small_group');
  });
});

import { aboutOther, redact } from './record-tables';

const KIT = '11111111-1111-4111-8111-111111111111';
const BEA = '22222222-2222-4222-8222-222222222222';
const SAM = '33333333-3333-4333-8333-333333333333';
const others = [
  { id: BEA, name: 'Beatrix Lopez' },
  { id: SAM, name: 'Sam Ng' },
];

describe('redact: other students out of one student’s records', () => {
  it('leaves other people out of lists, by id or by an entry naming them', () => {
    const snapshot = { participants: [{ personId: KIT, name: 'Kit Ames' }, { personId: BEA, name: 'Beatrix Lopez' }], students: [KIT, SAM.toUpperCase()] };
    expect(redact(snapshot, others)).toEqual({ participants: [{ personId: KIT, name: 'Kit Ames' }], students: [KIT] });
  });

  it('blanks their ids, full names and name parts of two letters or more out of text, whole words only, any case', () => {
    expect(redact({ description: 'Kit, beatrix LOPEZ and Sam read; Samuel and Ng watched', detail: { moved: BEA } }, others)).toEqual({
      description: 'Kit, [redacted] and [redacted] read; Samuel and [redacted] watched',
      detail: { moved: '[redacted]' },
    });
  });

  it('tells a row about another person (a change trail entry of their participation) from a row about the group', () => {
    expect(aboutOther({ action: 'participant-updated', detail: { participantId: BEA, fields: ['studentNote'] } }, others)).toBe(true);
    expect(aboutOther({ student_id: SAM }, others)).toBe(true);
    expect(aboutOther({ action: 'started', detail: { participants: 3 } }, others)).toBe(false);
  });

  it('changes nothing when nobody else took part', () => {
    const row = { id: KIT, note: 'Sam' };
    expect(redact(row, [])).toBe(row);
  });
});

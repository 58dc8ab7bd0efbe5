import { sentencesOf, studentNoteHints } from './note-hints';

const GOOD =
  'Mary, you are really coming along with reducing careless mistakes. As we discussed, it takes discipline to watch every small step. ' +
  'I estimate you have cut the careless mistakes in half. Next, make sure you write down all the given information before you start.';

describe('student note hints', () => {
  it('has nothing to say about a good note written to the student', () => {
    expect(sentencesOf(GOOD)).toHaveLength(4);
    expect(studentNoteHints('p1', GOOD)).toEqual([]);
  });

  it('flags fewer than 3 and more than 6 sentences', () => {
    expect(studentNoteHints('p1', 'Great work today, Sam. Keep reading every night.').map((h) => h.code)).toEqual(['NOTE.TOO_SHORT']);
    const long = Array.from({ length: 7 }, (_, i) => `Sam, point ${i + 1} is worth remembering.`).join(' ');
    expect(studentNoteHints('p1', long).map((h) => h.code)).toEqual(['NOTE.TOO_LONG']);
  });

  it('flags a note that only recaps the session', () => {
    const recap = 'Today we did fractions. Then we reviewed decimals. We practiced word problems.';
    expect(studentNoteHints('p1', recap).map((h) => h.code)).toEqual(['NOTE.ONLY_RECAP']);
    // One sentence about the student's next step is enough not to be a mere recap.
    expect(studentNoteHints('p1', `${recap} Sam, your next step is to check each answer.`)).toEqual([]);
  });

  it('says nothing about an empty note (the audit view asks for it)', () => {
    expect(studentNoteHints('p1', null)).toEqual([]);
    expect(studentNoteHints('p1', '   ')).toEqual([]);
  });
});

import { NoteHint } from '@sessionledger/contracts';

/**
 * Advice on a student note, never a refusal (seeds/session-log-tips.txt): a
 * good note is 3 to 6 sentences written to the student about what they do
 * well and what comes next, not a recap of what the session did.
 */
const GOOD_SENTENCES = { min: 3, max: 6 };

const RECAP =
  /^(?:(?:today|this session|in (?:this|today['’]s) session|during (?:this|the) session|first|then|after that|finally)[, ]+)?(?:we|i|the student|they)\b[^.!?]*\b(?:did|worked|reviewed|covered|went over|practi[cs]ed|read|talked|completed|looked at|discussed|started|finished)\b/i;

export function sentencesOf(note: string): string[] {
  return note
    .split(/(?<=[.!?])\s+|\n+/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => /[\p{L}\p{N}]/u.test(sentence));
}

export function studentNoteHints(participantId: string, note: string | null): NoteHint[] {
  if (!note?.trim()) return [];
  const sentences = sentencesOf(note);
  const hints: NoteHint[] = [];
  if (sentences.length < GOOD_SENTENCES.min) {
    hints.push({ participantId, code: 'NOTE.TOO_SHORT', message: `Good notes have ${GOOD_SENTENCES.min} to ${GOOD_SENTENCES.max} sentences; this one has ${sentences.length}` });
  } else if (sentences.length > GOOD_SENTENCES.max) {
    hints.push({ participantId, code: 'NOTE.TOO_LONG', message: `Good notes have ${GOOD_SENTENCES.min} to ${GOOD_SENTENCES.max} sentences; this one has ${sentences.length}: longer only if needed` });
  }
  if (sentences.every((sentence) => RECAP.test(sentence))) {
    hints.push({
      participantId,
      code: 'NOTE.ONLY_RECAP',
      message: 'The note only recaps the session: write to the student about what they do well and their next step',
    });
  }
  return hints;
}

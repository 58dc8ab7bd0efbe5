import { Injectable } from '@nestjs/common';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Conflict, FieldProblem, invalid, NotFound, ValidationFailed } from '@sessionledger/common';
import { AddParticipantCommand, NoteHint, ParticipantChanges, ParticipantRef, SessionWriteReply, UpdateParticipantCommand } from '@sessionledger/contracts';
import { serviceOf } from '../catalog/session-catalog.service';
import { studentNoteHints } from './note-hints';
import { SessionUnit, SessionWrites } from './session-writes';
import { Participant } from './session.entities';

const WRITABLE_STATES: ['active', 'ended'] = ['active', 'ended'];

/**
 * Participants of a session (encounters): joining, times, attendance,
 * qualifiers, activities, notes, leaving. Each change locks only its own
 * participant's row (and share-locks the session), so staff timing different
 * students in at once never collide.
 */
@Injectable()
export class ParticipantsService {
  constructor(private readonly writes: SessionWrites) {}

  async add(command: AddParticipantCommand): Promise<SessionWriteReply> {
    const { participant: person } = command;
    try {
      return await this.writes.change(command.actor, command.sessionId, { lock: 'participant', states: WRITABLE_STATES }, async (unit) => {
        const { em, session, participants, actor } = unit;
        if (person.kind !== session.participantKind) {
          const field = person.kind === 'student' ? 'studentId' : 'staffId';
          throw invalid(field, `a ${session.service} session takes ${session.participantKind === 'staff' ? 'staff members' : 'students'}`);
        }
        if (participants.some((p) => p.personId === person.personId)) throw alreadyIn(person.name);
        const timeIn = command.timeIn ? new Date(command.timeIn) : session.startedAt;
        const problem = timeProblems(unit, { timeIn, timeOut: session.endedAt });
        if (problem.length) throw new ValidationFailed(problem);
        const participant = new Participant({
          districtId: session.districtId,
          sessionId: session.id,
          kind: person.kind,
          personId: person.personId,
          name: person.name,
          schoolId: person.schoolId ?? null,
          stateId: person.stateId ?? null,
          homeboundTeacherId: person.homeboundTeacherId ?? null,
          timeIn,
          addedBy: actor.userId,
        });
        participant.teacherGroups = person.teacherGroups?.map((g) => ({ id: g.id, name: g.name })) ?? null;
        // Added after the end (logging late): they left when the session did.
        participant.timeOut = session.endedAt;
        em.persist(participant);
        participants.push(participant);
        return { action: 'participant-added', detail: { participantId: participant.id, personId: person.personId, kind: person.kind } };
      });
    } catch (error) {
      // Two people adding the same student at the same moment: the unique index lets one in.
      if (error instanceof UniqueConstraintViolationException) throw alreadyIn(person.name);
      throw error;
    }
  }

  update(command: UpdateParticipantCommand): Promise<SessionWriteReply> {
    const { body } = command;
    return this.writes.change(command.actor, command.sessionId, { lock: 'participant', states: WRITABLE_STATES }, async (unit) => {
      const participant = participantOf(unit, command.participantId);
      if (participant.version !== body.version) {
        throw new Conflict('PARTICIPANT.STALE', `${participant.name}'s entry was changed by someone else (now version ${participant.version}); reload it and try again`, {
          currentVersion: participant.version,
        });
      }
      const problems = applyParticipantChanges(unit, participant, body);
      if (problems.length) throw new ValidationFailed(problems);
      const hints: NoteHint[] = body.studentNote !== undefined ? studentNoteHints(participant.id, participant.studentNote) : [];
      // The trail names what changed, never the notes' text.
      const changed = Object.keys(body).filter((key) => key !== 'version');
      return { action: 'participant-updated', detail: { participantId: participant.id, fields: changed }, hints };
    });
  }

  remove(command: ParticipantRef): Promise<SessionWriteReply> {
    return this.writes.change(command.actor, command.sessionId, { lock: 'participant', states: WRITABLE_STATES }, async (unit) => {
      const participant = participantOf(unit, command.participantId);
      unit.em.remove(participant);
      unit.participants.splice(unit.participants.indexOf(participant), 1);
      return { action: 'participant-removed', detail: { participantId: participant.id, personId: participant.personId } };
    });
  }
}

/** A participant's changes, checked against the session's rules; the one place they are applied (edits and amendments). */
export function applyParticipantChanges(unit: SessionUnit, participant: Participant, body: ParticipantChanges): FieldProblem[] {
  return [
    ...applyTimes(unit, participant, body),
    ...applyAttendance(participant, body),
    ...applyQualifiers(unit, participant, body),
    ...applyCatalogChoices(unit, participant, body),
    ...applyNotes(participant, body),
  ];
}

function participantOf(unit: SessionUnit, participantId: string): Participant {
  const participant = unit.participants.find((p) => p.id === participantId);
  if (!participant) throw new NotFound('participant', participantId);
  return participant;
}

function alreadyIn(name: string): Conflict {
  return new Conflict('PARTICIPANT.ALREADY_IN_SESSION', `${name} is already in this session`);
}

/** Times stay inside the session: in at or after its start, out at or before its end, out after in. */
function timeProblems(unit: SessionUnit, times: { timeIn: Date | null; timeOut: Date | null }, awayMinutes = 0): FieldProblem[] {
  const { session } = unit;
  const problems: FieldProblem[] = [];
  if (times.timeIn && times.timeIn < session.startedAt) problems.push({ field: 'timeIn', problems: [`must not be before the session's start (${session.startedAt.toISOString()})`] });
  if (times.timeIn && session.endedAt && times.timeIn > session.endedAt) problems.push({ field: 'timeIn', problems: [`must not be after the session's end (${session.endedAt.toISOString()})`] });
  if (times.timeOut && !times.timeIn) problems.push({ field: 'timeOut', problems: ['needs a time in'] });
  if (times.timeOut && times.timeIn && times.timeOut < times.timeIn) problems.push({ field: 'timeOut', problems: ['must not be before the time in'] });
  if (times.timeOut && session.endedAt && times.timeOut > session.endedAt) problems.push({ field: 'timeOut', problems: [`must not be after the session's end (${session.endedAt.toISOString()})`] });
  if (times.timeIn && times.timeOut && awayMinutes > (times.timeOut.getTime() - times.timeIn.getTime()) / 60_000) {
    problems.push({ field: 'timeAwayMinutes', problems: ['must not exceed the time between time in and time out'] });
  }
  return problems;
}

function applyTimes(unit: SessionUnit, participant: Participant, body: ParticipantChanges): FieldProblem[] {
  const timeIn = body.timeIn !== undefined ? new Date(body.timeIn) : participant.timeIn;
  const timeOut = body.timeOut !== undefined ? (body.timeOut === null ? null : new Date(body.timeOut)) : participant.timeOut;
  const away = body.timeAwayMinutes ?? participant.timeAwayMinutes;
  const problems = timeProblems(unit, { timeIn, timeOut }, away);
  if (problems.length) return problems;
  [participant.timeIn, participant.timeOut, participant.timeAwayMinutes] = [timeIn, timeOut, away];
  return [];
}

/**
 * Present and attended go together: a present participant attended; one not
 * present is missed or cancelled (or not yet known). Absent participants have no times.
 */
function applyAttendance(participant: Participant, body: ParticipantChanges): FieldProblem[] {
  if (body.present === undefined && body.attendanceStatus === undefined) return [];
  let present = body.present !== undefined ? body.present : participant.present;
  let status = body.attendanceStatus !== undefined ? body.attendanceStatus : participant.attendanceStatus;
  if (body.attendanceStatus !== undefined && body.present === undefined) present = status === null ? null : status === 'attended';
  // Not present, or not known to be: whatever status it had, it cannot stay `attended`.
  if (body.present !== undefined && body.attendanceStatus === undefined) status = present ? 'attended' : status === 'attended' ? null : status;
  if (present === true && status !== 'attended') return [{ field: 'attendanceStatus', problems: ['must be attended for a participant who is present'] }];
  if (present === false && status === 'attended') return [{ field: 'attendanceStatus', problems: ['cannot be attended for a participant who is not present'] }];
  participant.present = present;
  participant.attendanceStatus = status;
  if (present === false) participant.timeIn = participant.timeOut = null;
  return [];
}

/**
 * Qualifiers (DESIGN.md "Qualifiers"): homebound only by the student's
 * assigned homebound teacher; remedial with at least one criterion and the
 * subject tutored; staff being coached have none.
 */
function applyQualifiers(unit: SessionUnit, participant: Participant, body: ParticipantChanges): FieldProblem[] {
  const q = body.qualifiers;
  if (!q) return [];
  const problems: FieldProblem[] = [];
  if (participant.kind === 'staff' && (q.homebound || q.detention || q.creditRecovery || q.remedial)) {
    return [{ field: 'qualifiers', problems: ['staff being coached have no qualifiers'] }];
  }
  if (q.homebound && !participant.homebound && unit.actor.userId !== participant.homeboundTeacherId) {
    problems.push({ field: 'qualifiers.homebound', problems: [`only ${participant.name}'s assigned homebound teacher may set it`] });
  }
  const subject = q.subject?.trim() || null;
  if (q.remedial) {
    if (q.remedialCriteria.length === 0) problems.push({ field: 'qualifiers.remedialCriteria', problems: ['a remedial student meets at least one criterion'] });
    if (!subject) problems.push({ field: 'qualifiers.subject', problems: ['is required for a remedial student: the subject tutored'] });
  } else if (q.remedialCriteria.length) {
    problems.push({ field: 'qualifiers.remedialCriteria', problems: ['apply only to a remedial student'] });
  }
  if (subject && !unit.catalog.subjects.includes(subject)) {
    problems.push({ field: 'qualifiers.subject', problems: [`must be one of the district's subjects: ${unit.catalog.subjects.join(', ')}`] });
  }
  if (problems.length) return problems;
  participant.homebound = q.homebound;
  participant.detention = q.detention;
  participant.creditRecovery = q.creditRecovery;
  participant.remedial = q.remedial;
  participant.remedialCriteria = [...q.remedialCriteria];
  participant.subject = subject;
  return [];
}

function applyCatalogChoices(unit: SessionUnit, participant: Participant, body: ParticipantChanges): FieldProblem[] {
  const service = serviceOf(unit.catalog, unit.session.service);
  const problems: FieldProblem[] = [];
  const check = (field: 'activities' | 'accommodations', values: string[] | undefined) => {
    if (!values) return;
    const allowed = service?.[field] ?? [];
    const unknown = values.filter((value) => !allowed.includes(value));
    if (unknown.length) problems.push({ field, problems: [`${unknown.join(', ')} not in the ${service?.name ?? unit.session.service} catalog`] });
    else participant[field] = [...values];
  };
  check('activities', body.activities);
  check('accommodations', body.accommodations);
  return problems;
}

function applyNotes(participant: Participant, body: ParticipantChanges): FieldProblem[] {
  if (participant.kind === 'staff') {
    const misplaced = (['studentNote', 'clientNote'] as const).filter((field) => body[field]);
    if (misplaced.length) return misplaced.map((field) => ({ field, problems: ['coaching participants have no student or client note'] }));
  }
  if (body.studentNote !== undefined) participant.studentNote = body.studentNote?.trim() || null;
  if (body.clientNote !== undefined) participant.clientNote = body.clientNote?.trim() || null;
  if (body.adminNote !== undefined) participant.adminNote = body.adminNote?.trim() || null;
  return [];
}

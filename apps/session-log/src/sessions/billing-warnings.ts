import { AuditProblem } from '@sessionledger/contracts';
import { billedMinutes, rawMinutes } from '@sessionledger/session-rules';
import { serviceMinutes } from '../posting/posted-snapshot';
import { payableMinutes } from './session-audit';
import { Participant, Session } from './session.entities';

/**
 * Students who will be billed other minutes than the provider is paid
 * (came late, left early, stepped away): not a problem that stops posting,
 * but worth a look before signing. Same rule as payroll (`billedMinutes`).
 */
export function billingWarnings(session: Session, participants: Participant[]): AuditProblem[] {
  const paidMinutes = payableMinutes(session);
  if (paidMinutes === null) return [];
  const warnings: AuditProblem[] = [];
  for (const p of participants) {
    const billed = billedMinutes(
      { kind: p.kind, attendanceStatus: p.attendanceStatus, minutes: serviceMinutes(p) },
      { rawMinutes: session.endedAt ? rawMinutes(session.startedAt, session.endedAt) : 0, paidMinutes },
    );
    if (billed !== null && billed !== paidMinutes) {
      warnings.push({
        code: 'PARTICIPANT.BILLED_MINUTES_DIFFER',
        message: `${p.name} will be billed ${billed} minutes, the provider paid ${paidMinutes}`,
        participantId: p.id,
      });
    }
  }
  return warnings;
}

/*
 * A pay period's lines as payroll reads them: per provider, per session, net
 * of reversals, with payroll's own reason when a session ended up unpaid;
 * and whether the period may be closed today.
 */
import type { Schemas } from '@sessionledger/api-client';

export type PayPeriod = Schemas['PayPeriodReply'];
export type PayLine = Schemas['PayLineReply'];
export type PayDecision = Schemas['PayDecisionReply'];
export type Role = Schemas['MeResponse']['roles'][number];

/** Who reads pay periods and lines (docs/api/pay-and-billing.md). */
export const PAYROLL_READERS: readonly Role[] = ['payroll', 'district_admin'];

export function readsPayroll(roles: readonly Role[]): boolean {
  return roles.some((role) => PAYROLL_READERS.includes(role));
}

/** Closing and the payroll CSV are payroll's alone; a district admin reads. */
export function runsPayroll(roles: readonly Role[]): boolean {
  return roles.includes('payroll');
}

export interface SessionPay {
  sessionId: string;
  sessionDate: string;
  /** Oldest first, as they were written. */
  lines: PayLine[];
  minutes: number;
  amountCents: number;
  /** Payroll's reason, in its words, when the session's newest decision pays nothing; null when paid or not known yet. */
  unpaidReason: string | null;
}

export interface ProviderPay {
  providerId: string;
  providerName: string;
  sessions: SessionPay[];
  minutes: number;
  amountCents: number;
}

/**
 * A session's lines only net to nothing after a reversal: those are the
 * sessions whose newest decision may be "not paid", so only their decisions
 * are worth asking for.
 */
export function sessionsWithReversals(lines: readonly PayLine[]): string[] {
  return [...new Set(lines.filter((line) => line.kind === 'reversal').map((line) => line.sessionId))];
}

/** The reason of the newest version's decision when it pays nothing. */
export function unpaidReason(decisions: readonly PayDecision[] | undefined): string | null {
  if (!decisions?.length) return null;
  const newest = decisions.reduce((a, b) => (b.sessionVersion > a.sessionVersion ? b : a));
  return newest.payable ? null : newest.reason;
}

/**
 * Providers by name, each one's sessions newest first (the API's order of
 * lines), sums net of reversals. `decisions` holds what is known of the
 * sessions that had a reversal.
 */
export function groupByProvider(lines: readonly PayLine[], decisions: ReadonlyMap<string, readonly PayDecision[]> = new Map()): ProviderPay[] {
  const providers = new Map<string, ProviderPay>();
  const sessions = new Map<string, SessionPay>();
  for (const line of lines) {
    let provider = providers.get(line.providerId);
    if (!provider) {
      provider = { providerId: line.providerId, providerName: line.providerName, sessions: [], minutes: 0, amountCents: 0 };
      providers.set(line.providerId, provider);
    }
    let session = sessions.get(line.sessionId);
    if (!session) {
      session = { sessionId: line.sessionId, sessionDate: line.sessionDate, lines: [], minutes: 0, amountCents: 0, unpaidReason: unpaidReason(decisions.get(line.sessionId)) };
      sessions.set(line.sessionId, session);
      provider.sessions.push(session);
    }
    session.lines.push(line);
    session.minutes += line.minutes;
    session.amountCents += line.amountCents;
    provider.minutes += line.minutes;
    provider.amountCents += line.amountCents;
  }
  for (const session of sessions.values()) session.lines.sort(byWriting);
  return [...providers.values()].sort((a, b) => a.providerName.localeCompare(b.providerName, 'en') || a.providerId.localeCompare(b.providerId));
}

function byWriting(a: PayLine, b: PayLine): number {
  return a.sessionVersion - b.sessionVersion || a.createdAt.localeCompare(b.createdAt) || (a.kind === 'reversal' ? -1 : 1);
}

/** "Payment" or, with more than one line, what happened: "Paid, reversed, paid again". */
export function lineHistory(lines: readonly PayLine[]): string {
  if (lines.length === 1) return lines[0].kind === 'payment' ? 'Payment' : 'Reversal';
  return lines.map((line, i) => (line.kind === 'reversal' ? 'reversed' : i === 0 ? 'paid' : 'paid again')).join(', ').replace(/^./, (c) => c.toUpperCase());
}

export type CloseState =
  | { kind: 'closed' }
  /** Open, the late-entry window is over and the user is payroll: the API closes it. */
  | { kind: 'closable' }
  /** Late entries are still accepted: the API would answer PAY_PERIOD.LATE_ENTRY_OPEN. */
  | { kind: 'late-entries-open'; closableFrom: string }
  /** Open, but closing is payroll's (a district admin reads only). */
  | { kind: 'not-yours' };

/**
 * Mirrors the API's rule (closing is allowed from the day after
 * `lateEntryCutoff`, on the district's calendar, by payroll) so the button
 * is offered only when the API would accept it; the API still decides, and
 * a refusal is shown in its words.
 */
export function closeState(period: Pick<PayPeriod, 'status' | 'lateEntryCutoff'>, today: string, roles: readonly Role[]): CloseState {
  if (period.status === 'closed') return { kind: 'closed' };
  if (!runsPayroll(roles)) return { kind: 'not-yours' };
  if (today <= period.lateEntryCutoff) return { kind: 'late-entries-open', closableFrom: nextDay(period.lateEntryCutoff) };
  return { kind: 'closable' };
}

function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

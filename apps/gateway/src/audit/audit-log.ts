import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Observable } from 'rxjs';
import { Actor } from '@sessionledger/auth';
import { newId, requestContext } from '@sessionledger/common';
import { TenantTransactions } from '@sessionledger/persistence';

/** Every action the log records; the docs (docs/audit-log.md) say when each is written. */
export const AUDIT_ACTIONS = [
  'auth.sign-in',
  'auth.sign-in.failed',
  'student.record.read',
  'session.read',
  'dashboard.student.read',
  'export.download',
  'directory.student.create',
  'directory.student.update',
  'directory.staff.create',
  'directory.staff.update',
  'directory.school.create',
  'directory.school.update',
  'directory.guardian.create',
  'directory.guardian.update',
  'directory.guardian.links',
  'directory.group.create',
  'directory.group.update',
  'directory.group.members',
  'directory.staff-group.create',
  'directory.staff-group.members',
  'directory.roster-import.apply',
  'directory.demo-seed',
  'district.create',
  'district.settings.update',
  'district.security.update',
  'district.sso.update',
  'api-client.create',
  'api-client.secret.rotate',
  'api-client.revoke',
  'auth.mfa.failed',
  'auth.sso.failed',
  'session.signature',
  'session.signature.failed',
  'audit.export',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * `operator`: a command run on the server (create-district, seed-demo, roster-import), no account behind it.
 * `anonymous`: someone not (yet) known to be any account of the district, such as a failed single sign-on.
 */
export const AUDIT_ACTOR_KINDS = ['user', 'api_client', 'operator', 'anonymous'] as const;
export type AuditActorKind = (typeof AUDIT_ACTOR_KINDS)[number];

/** Who acted. A null name is filled from the user's current name in the same statement (sign-ins know only the id). */
export interface AuditActor {
  kind: AuditActorKind;
  id: string | null;
  name: string | null;
}

/** An operator command; the entry's `detail.command` names it. */
export const OPERATOR_ACTOR: AuditActor = { kind: 'operator', id: null, name: null };
export const ANONYMOUS_ACTOR: AuditActor = { kind: 'anonymous', id: null, name: null };

type Json = Record<string, unknown>;

export interface AuditEntry {
  action: AuditAction;
  subjectType: string;
  subjectId?: string | null;
  /** Set whenever the event concerns a student: what "who saw this student's record" searches. */
  studentId?: string | null;
  /** Changes: only the fields that changed, never secrets or note text (see `changedFields`). */
  before?: Json | null;
  after?: Json | null;
  /** Facts that are not a change: a failure's reason, a sign-in's method, an export's format. */
  detail?: Json | null;
}

const MAX_ADDRESS_CHARACTERS = 100;

/** The client address of the HTTP request being served, for the entries it causes. Kept off the log lines' context on purpose. */
const auditRequest = new AsyncLocalStorage<{ address: string | null }>();

/** Runs each HTTP handler with its client address at hand, so a service deep in a use case can stamp it. */
@Injectable()
export class AuditRequestInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<{ ip?: string }>();
    const address = typeof request.ip === 'string' ? request.ip.slice(0, MAX_ADDRESS_CHARACTERS) : null;
    return new Observable((subscriber) => auditRequest.run({ address }, () => next.handle().subscribe(subscriber)));
  }
}

export function auditActorOf(actor: Actor): AuditActor {
  return actor.client ? { kind: 'api_client', id: actor.client.id, name: actor.displayName } : { kind: 'user', id: actor.userId, name: actor.displayName };
}

const COLUMNS = [
  'id',
  'district_id',
  'actor_kind',
  'actor_id',
  'actor_name',
  'action',
  'subject_type',
  'subject_id',
  'student_id',
  'before',
  'after',
  'detail',
  'correlation_id',
  'client_address',
];
const ROW = `(?, ?, ?, ?, coalesce(?::text, (select u.first_name || ' ' || u.last_name from gateway.app_user u where u.id = ?::uuid)), ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?)`;

/**
 * Writes the access and change log. One INSERT per call whatever the number
 * of entries: a change's entry goes into the change's own transaction
 * (`record`), so there is no change without its entry and no entry without
 * its change; a read's entry is written after the read succeeded
 * (`recordApart`), in its own short transaction.
 */
@Injectable()
export class AuditLog {
  constructor(private readonly transactions: TenantTransactions) {}

  async record(em: EntityManager, districtId: string, actor: AuditActor, entries: AuditEntry[], clientAddress?: string | null): Promise<void> {
    if (entries.length === 0) return;
    const correlationId = requestContext.current()?.correlationId?.slice(0, 128) ?? null;
    const address = clientAddress !== undefined ? clientAddress : (auditRequest.getStore()?.address ?? null);
    const params: unknown[] = [];
    for (const entry of entries) {
      params.push(
        newId(),
        districtId,
        actor.kind,
        actor.id,
        actor.name,
        actor.kind === 'user' ? actor.id : null,
        entry.action,
        entry.subjectType,
        entry.subjectId ?? null,
        entry.studentId ?? null,
        json(entry.before),
        json(entry.after),
        json(entry.detail),
        correlationId,
        address?.slice(0, MAX_ADDRESS_CHARACTERS) ?? null,
      );
    }
    await em.execute(`insert into gateway.audit_event (${COLUMNS.join(', ')}) values ${entries.map(() => ROW).join(', ')}`, params);
  }

  /**
   * In a short transaction of its own, under the actor's district: a read, a
   * refused attempt, or an act whose record another service keeps (a
   * signature), written once it has succeeded.
   */
  recordApart(actor: Actor, entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    return this.transactions.run(actor.districtId, (em) => this.record(em, actor.districtId, auditActorOf(actor), entries));
  }

  /** For events before there is an Actor (a failed sign-in): the district and user are known, the request is not signed in. */
  recordFor(districtId: string, actor: AuditActor, entries: AuditEntry[], clientAddress?: string | null): Promise<void> {
    return this.transactions.run(districtId, (em) => this.record(em, districtId, actor, entries, clientAddress));
  }
}

function json(value: Json | null | undefined): string | null {
  return value ? JSON.stringify(value) : null;
}

/** Never recorded in a change, whatever a caller passes: secrets and free text about a student. */
const NEVER_RECORDED = /password|secret|token|hash|^pin$|signingPin|note/i;

/**
 * The fields that differ between two views of a record, as `{ before, after }`
 * holding only those fields; nested objects (district settings) compare key by
 * key under dotted names. `version` and `updatedAt` are bookkeeping, not changes.
 */
export function changedFields(before: Json, after: Json): { before: Json; after: Json } | null {
  const changed: { before: Json; after: Json } = { before: {}, after: {} };
  collect(before, after, '', changed);
  return Object.keys(changed.after).length || Object.keys(changed.before).length ? changed : null;
}

function collect(before: Json, after: Json, prefix: string, into: { before: Json; after: Json }): void {
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === 'version' || key === 'updatedAt' || NEVER_RECORDED.test(key)) continue;
    const name = `${prefix}${key}`;
    const [was, now] = [before[key], after[key]];
    if (isPlainObject(was) && isPlainObject(now)) {
      collect(was, now, `${name}.`, into);
    } else if (JSON.stringify(was) !== JSON.stringify(now)) {
      into.before[name] = was ?? null;
      into.after[name] = now ?? null;
    }
  }
}

function isPlainObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A record as first written, for a create: every field but bookkeeping and secrets. */
export function createdFields(after: Json): Json {
  return changedFields({}, after)?.after ?? {};
}

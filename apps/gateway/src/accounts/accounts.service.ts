import { Injectable, Logger } from '@nestjs/common';
import { EntityManager, MikroORM, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { Actor } from '@sessionledger/auth';
import { Conflict, Forbidden, invalid, NotFound } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';
import { TenantTransactions } from '@sessionledger/persistence';
import { Mailer, MailLanguage } from '@sessionledger/platform';
import { PasswordPolicy } from '../auth/password-policy';
import { Passwords } from '../auth/passwords';
import { RefreshTokens } from '../auth/refresh-tokens';
import { Guardian, GuardianStudent, Student, User } from '../directory/directory.entities';
import { findOr404 } from '../directory/shared/records';
import { STAFF_ROLES } from '../directory/staff/staff.dto';
import { CreateInvitationRequest, InvitationResponse, PasswordResetRequest, SetPasswordRequest } from './accounts.dto';
import { invalidToken, PasswordTokens, TokenPurpose } from './password-tokens';

interface Invitee {
  user: User;
  /** Created by this invitation (a guardian's or student's first sign-in account). */
  created: boolean;
}

type IssuedInvitation = InvitationResponse & { token: string; firstName: string; districtName: string; districtId: string };

/** A reset asked for again within this long sends no second e-mail (a stranger cannot flood a mailbox). */
const RESET_RESEND_AFTER_MS = 60_000;

/**
 * Invitations and password resets: both end in a single-use link by e-mail
 * whose holder sets the account's password, which spends every other link of
 * the account and signs it out everywhere.
 */
@Injectable()
export class AccountsService {
  private readonly logger = new Logger(AccountsService.name);
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly orm: MikroORM,
    private readonly transactions: TenantTransactions,
    private readonly passwords: Passwords,
    private readonly policy: PasswordPolicy,
    private readonly tokens: PasswordTokens,
    private readonly refreshTokens: RefreshTokens,
    private readonly mailer: Mailer,
    private readonly env: Environment,
  ) {}

  async invite(actor: Actor, request: CreateInvitationRequest): Promise<InvitationResponse> {
    const named = (['staffId', 'guardianId', 'studentId', 'rosterImportId'] as const).filter((field) => request[field] !== undefined);
    if (named.length !== 1) throw invalid('staffId', 'name exactly one of staffId, guardianId, studentId or rosterImportId');
    if (request.email !== undefined && !request.studentId) throw invalid('email', 'email is taken for students only; staff and guardians are invited at the address on their record');
    const invitation = await this.emailTaken(() =>
      this.transactions.run(actor.districtId, async (em) => {
        const { user } = await this.invitee(em, actor, request);
        if (user.status !== 'active') throw new Conflict('INVITATION.ACCOUNT_DISABLED', 'The account is deactivated; reactivate it before inviting');
        return this.issue(em, actor.districtId, user, actor.userId, request.language);
      }),
    );
    return this.mail(invitation);
  }

  /**
   * One person of a bulk invitation (a roster import's): invited when they
   * can be, otherwise skipped with the reason, never failing the whole batch.
   */
  async inviteForBatch(districtId: string, requestedBy: string, person: { kind: 'staff' | 'guardian' | 'student'; id: string }): Promise<{ sent: true } | { skipped: string }> {
    const outcome = await this.emailTaken(() =>
      this.transactions.run(districtId, async (em): Promise<IssuedInvitation | string> => {
        let user: User | null = null;
        if (person.kind === 'staff') user = await em.findOne(User, { id: person.id });
        else if (person.kind === 'guardian') {
          const guardian = await em.findOne(Guardian, { id: person.id });
          if (!guardian?.active) return 'deactivated';
          if (!guardian.userId && !guardian.email) return 'no e-mail address on the record';
          user = guardian.userId ? await em.findOne(User, { id: guardian.userId }) : this.newAccount(em, districtId, guardian, guardian.email!, 'guardian');
        } else {
          const student = await em.findOne(Student, { id: person.id });
          if (!student?.active) return 'deactivated';
          if (!student.userId) return 'no e-mail address (student records carry none): invite the student with one';
          user = await em.findOne(User, { id: student.userId });
        }
        if (!user || user.status !== 'active') return 'deactivated';
        await em.flush();
        return this.issue(em, districtId, user, requestedBy);
      }),
    ).catch((error: unknown) => {
      if (error instanceof Conflict) return error.message;
      throw error;
    });
    if (typeof outcome === 'string') return { skipped: outcome };
    await this.mail(outcome);
    return { sent: true };
  }

  private async issue(em: EntityManager, districtId: string, user: User, createdBy: string, language?: MailLanguage): Promise<IssuedInvitation> {
    if (language) await em.execute(`update gateway.app_user set language = ? where id = ?`, [language, user.id]);
    const [{ language: stored }] = await em.execute<{ language: MailLanguage }[]>(`select language from gateway.app_user where id = ?`, [user.id]);
    const [{ name }] = await em.execute<{ name: string }[]>(`select name from gateway.district where id = ?`, [districtId]);
    const { token, expiresAt } = await this.tokens.issue(em, districtId, user.id, 'invitation', createdBy);
    return { userId: user.id, email: user.email, language: stored, expiresAt: expiresAt.toISOString(), emailed: this.mailer.enabled, token, firstName: user.firstName, districtName: name, districtId };
  }

  /** After the commit: a link is never mailed for a token that was rolled back. */
  private async mail(invitation: IssuedInvitation): Promise<InvitationResponse> {
    const { token, firstName, districtName, districtId, ...answer } = invitation;
    await this.mailer.send({
      to: answer.email,
      language: answer.language,
      template: 'invitation',
      variables: { firstName, districtName, link: this.link('invitation', token), expiresAt: new Date(answer.expiresAt) },
    });
    this.logger.log({ districtId, userId: answer.userId }, 'invitation sent');
    return answer;
  }

  private async emailTaken<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException && error.message.includes('app_user_email_idx')) {
        throw new Conflict('INVITATION.EMAIL_TAKEN', 'The address already signs in to another account');
      }
      throw error;
    }
  }

  /** A guardian's or student's first sign-in account, linked to their record. */
  private newAccount(em: EntityManager, districtId: string, record: Guardian | Student, email: string, role: 'guardian' | 'student'): User {
    const user = new User(districtId, email, record.firstName, record.lastName, [role]);
    em.persist(user);
    record.userId = user.id;
    return user;
  }

  acceptInvitation(request: SetPasswordRequest): Promise<void> {
    return this.setPassword(request, 'invitation');
  }

  confirmReset(request: SetPasswordRequest): Promise<void> {
    return this.setPassword(request, 'reset');
  }

  /**
   * Answers at once, the same for every address: the look-up and the e-mail
   * run after the answer, so neither the answer nor its timing tells whether
   * the address has an account.
   */
  requestReset(request: PasswordResetRequest): void {
    const work = this.sendReset(request.email)
      .catch((error: unknown) => this.logger.warn({ reason: (error as Error).message }, 'password reset e-mail failed'))
      .finally(() => this.pending.delete(work));
    this.pending.add(work);
  }

  /** Resolves when the reset e-mails asked for so far are sent (tests and shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private async sendReset(email: string): Promise<void> {
    // Before a district is known; the same SECURITY DEFINER look-up sign-in uses.
    const [candidate] = await this.orm.em
      .getConnection()
      .execute<{ user_id: string; district_id: string; status: string }[]>(`select user_id, district_id, status from gateway.sign_in_candidate(?)`, [email]);
    if (!candidate || candidate.status !== 'active') return;
    const issued = await this.transactions.run(candidate.district_id, async (em) => {
      const [user] = await em.execute<{ first_name: string; email: string; language: MailLanguage; recent: boolean }[]>(
        `select u.first_name, u.email, u.language,
                exists (select 1 from gateway.password_token t where t.user_id = u.id and t.purpose = 'reset' and t.spent_at is null and t.created_at > ?) as recent
           from gateway.app_user u where u.id = ?`,
        [new Date(Date.now() - RESET_RESEND_AFTER_MS), candidate.user_id],
      );
      if (!user || user.recent) return undefined;
      return { user, ...(await this.tokens.issue(em, candidate.district_id, candidate.user_id, 'reset', null)) };
    });
    if (!issued) return;
    await this.mailer.send({
      to: issued.user.email,
      language: issued.user.language,
      template: 'password-reset',
      variables: { firstName: issued.user.first_name, link: this.link('password-reset', issued.token), expiresAt: issued.expiresAt },
    });
  }

  private async setPassword(request: SetPasswordRequest, purpose: TokenPurpose): Promise<void> {
    this.policy.check(request.password);
    const districtId = this.tokens.districtOf(request.token);
    if (!districtId) throw invalidToken();
    // Hashed before the transaction: argon2 takes tens of milliseconds and should hold no row lock.
    const passwordHash = await this.passwords.hash(request.password);
    const userId = await this.transactions.run(districtId, async (em) => {
      const owner = await this.tokens.redeem(em, request.token, purpose);
      await em.execute(`update gateway.app_user set password_hash = ?, version = version + 1 where id = ?`, [passwordHash, owner]);
      // Whoever held the old password (or a stolen session) is signed out everywhere.
      await this.refreshTokens.revokeAllOf(em, owner, { reason: 'password_reset' });
      return owner;
    });
    this.logger.log({ districtId, userId, purpose }, 'password set from an e-mailed link');
  }

  private link(path: 'invitation' | 'password-reset', token: string): string {
    // In the fragment: browsers send it to no server, so it stays out of access logs and Referer headers.
    return `${this.env.PUBLIC_BASE_URL.replace(/\/+$/, '')}/${path}#token=${token}`;
  }

  /** The account an invitation is for, within what the actor administers (404 outside it, as for the record itself). */
  private async invitee(em: EntityManager, actor: Actor, request: CreateInvitationRequest): Promise<Invitee> {
    const scope = actor.administeredSchools();
    if (request.staffId) {
      const user = await findOr404(em, User, { id: request.staffId, roles: { $overlap: [...STAFF_ROLES] } }, 'staff');
      const schoolIds = (await em.execute<{ school_id: string }[]>(`select school_id from gateway.staff_approval where user_id = ?`, [user.id])).map((r) => r.school_id);
      if (scope !== 'all') {
        if (!schoolIds.some((id) => scope.includes(id))) throw new NotFound('staff');
        const onlyProvider = user.roles.length === 1 && user.roles[0] === 'provider';
        if (!onlyProvider || !schoolIds.every((id) => scope.includes(id))) throw new Forbidden('STAFF.NOT_MANAGEABLE', 'School admins invite only providers approved at none but their own schools');
      }
      return { user, created: false };
    }
    if (request.guardianId) {
      const guardian = await findOr404(em, Guardian, { id: request.guardianId }, 'guardian');
      if (scope !== 'all') {
        const links = await em.find(GuardianStudent, { guardianId: guardian.id });
        const ours = await em.count(Student, { id: { $in: links.map((l) => l.studentId) }, schoolId: { $in: scope } });
        if (!ours) throw new NotFound('guardian');
      }
      if (!guardian.active) throw new Conflict('INVITATION.ACCOUNT_DISABLED', 'The guardian is deactivated; reactivate them before inviting');
      if (guardian.userId) return { user: await em.findOneOrFail(User, { id: guardian.userId }), created: false };
      if (!guardian.email) throw new Conflict('INVITATION.NO_EMAIL', 'The guardian has no e-mail address; add one first');
      const user = this.newAccount(em, actor.districtId, guardian, guardian.email, 'guardian');
      await em.flush();
      return { user, created: true };
    }
    const student = await findOr404(em, Student, { id: request.studentId! }, 'student');
    if (scope !== 'all' && !scope.includes(student.schoolId)) throw new NotFound('student');
    if (!student.active) throw new Conflict('INVITATION.ACCOUNT_DISABLED', 'The student is deactivated; reactivate them before inviting');
    if (student.userId) return { user: await em.findOneOrFail(User, { id: student.userId }), created: false };
    if (!request.email) throw invalid('email', 'email is required: the student has no sign-in account yet');
    const user = this.newAccount(em, actor.districtId, student, request.email, 'student');
    await em.flush();
    return { user, created: true };
  }
}

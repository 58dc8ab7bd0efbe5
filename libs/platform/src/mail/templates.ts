/**
 * Every e-mail the platform sends, in each language a recipient may have.
 * One place, so a new message or language is added once and a test can walk
 * every template; plain text only (no HTML to sanitise, and every client
 * renders it).
 */
export const MAIL_LANGUAGES = ['en', 'es'] as const;
export type MailLanguage = (typeof MAIL_LANGUAGES)[number];

export interface MailVariables {
  invitation: { firstName: string; districtName: string; link: string; expiresAt: Date };
  'password-reset': { firstName: string; link: string; expiresAt: Date };
  reminder: { taskKind: string; dueAt: Date };
  escalation: { taskKind: string; dueAt: Date; schoolName: string; providerName: string; link: string; timeZone?: string };
  digest: { studentFirstName: string; sessions: DigestLine[]; link: string; timeZone?: string };
  'export-ready': { format: string; recordCount: number; finishedAt: Date; link: string; timeZone?: string };
  'job-finished': { jobKind: 'roster-import' | 'state-export' | 'district-export' | 'invitation-batch'; succeeded: boolean; finishedAt: Date; link: string | null; timeZone?: string };
}

/** One session of a guardian's digest: what families may see (never notes, pay or work orders). */
export interface DigestLine {
  startedAt: Date;
  service: string | null;
  providerName: string | null;
  link: string;
}
export type MailTemplate = keyof MailVariables;

export interface RenderedMail {
  subject: string;
  text: string;
}

type Templates = { [K in MailTemplate]: Record<MailLanguage, (v: MailVariables[K]) => RenderedMail> };

const when = (at: Date, language: MailLanguage, timeZone?: string) =>
  timeZone
    ? new Intl.DateTimeFormat(language === 'es' ? 'es-US' : 'en-US', { year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(at)
    : new Intl.DateTimeFormat(language === 'es' ? 'es-US' : 'en-US', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(at) + ' UTC';

const digestLines = (sessions: DigestLine[], language: MailLanguage, timeZone?: string) =>
  sessions
    .map((s) => {
      const what = [s.service, s.providerName && (language === 'es' ? `con ${s.providerName}` : `with ${s.providerName}`)].filter(Boolean).join(' ');
      return `- ${when(s.startedAt, language, timeZone)}${what ? `: ${what}` : ''}\n  ${s.link}`;
    })
    .join('\n');

const task = (kind: string) => (kind === 'notes' ? 'session notes' : 'attendance');

/** Spanish agrees in gender and number with the task: "las notas … están", "la asistencia … está". */
const tarea = (kind: string) =>
  kind === 'notes'
    ? { name: 'notas', the: 'las notas', pending: 'pendientes', was: 'vencían', done: 'están hechas' }
    : { name: 'asistencia', the: 'la asistencia', pending: 'pendiente', was: 'vencía', done: 'está hecha' };

const TEMPLATES: Templates = {
  invitation: {
    en: (v) => ({
      subject: `You are invited to Sessionledger (${v.districtName})`,
      text: `Hello ${v.firstName},\n\n${v.districtName} invites you to Sessionledger. Choose your password here:\n\n${v.link}\n\nThe link works once and expires ${when(v.expiresAt, 'en')}. If you did not expect this message, ignore it.`,
    }),
    es: (v) => ({
      subject: `Invitación a Sessionledger (${v.districtName})`,
      text: `Hola ${v.firstName}:\n\n${v.districtName} le invita a Sessionledger. Elija su contraseña aquí:\n\n${v.link}\n\nEl enlace sirve una sola vez y caduca el ${when(v.expiresAt, 'es')}. Si no esperaba este mensaje, ignórelo.`,
    }),
  },
  'password-reset': {
    en: (v) => ({
      subject: 'Reset your Sessionledger password',
      text: `Hello ${v.firstName},\n\nSomeone asked to reset the password of your Sessionledger account. To choose a new one, open:\n\n${v.link}\n\nThe link works once and expires ${when(v.expiresAt, 'en')}. Setting a new password signs you out everywhere. If you did not ask for this, ignore this message: your password stays as it is.`,
    }),
    es: (v) => ({
      subject: 'Restablezca su contraseña de Sessionledger',
      text: `Hola ${v.firstName}:\n\nAlguien pidió restablecer la contraseña de su cuenta de Sessionledger. Para elegir una nueva, abra:\n\n${v.link}\n\nEl enlace sirve una sola vez y caduca el ${when(v.expiresAt, 'es')}. Al elegir una nueva contraseña se cerrarán todas sus sesiones. Si no lo pidió, ignore este mensaje: su contraseña no cambia.`,
    }),
  },
  reminder: {
    en: (v) => ({
      subject: `Reminder: overdue ${task(v.taskKind)} for a session`,
      text: `The ${task(v.taskKind)} for one of your sessions was due ${v.dueAt.toISOString()} and is not done yet.\nOpen your post-session tasks in Sessionledger to complete it.`,
    }),
    es: (v) => {
      const t = tarea(v.taskKind);
      return {
        subject: `Recordatorio: ${t.name} ${t.pending} de una sesión`,
        text: `${capitalise(t.the)} de una de sus sesiones ${t.was} el ${when(v.dueAt, 'es')} y aún no ${t.done}.\nAbra sus tareas posteriores a la sesión en Sessionledger para completarlas.`,
      };
    },
  },
  escalation: {
    en: (v) => ({
      subject: `Overdue ${task(v.taskKind)} at ${v.schoolName}`,
      text: `${capitalise(task(v.taskKind))} for ${v.providerName}'s session at ${v.schoolName} (due ${when(v.dueAt, 'en', v.timeZone)}) ${v.taskKind === 'notes' ? 'are' : 'is'} still not done.\nOpen the session:\n\n${v.link}\n\nIt also waits in the Needs Attention queue in Sessionledger.`,
    }),
    es: (v) => {
      const t = tarea(v.taskKind);
      return {
        subject: `${capitalise(t.name)} ${t.pending} en ${v.schoolName}`,
        text: `${capitalise(t.the)} de la sesión de ${v.providerName} en ${v.schoolName} ${t.was} el ${when(v.dueAt, 'es', v.timeZone)} y aún no ${t.done}.\nAbra la sesión:\n\n${v.link}\n\nTambién espera en la cola de atención de Sessionledger.`,
      };
    },
  },
  digest: {
    en: (v) => ({
      subject: `${v.studentFirstName}'s last ${v.sessions.length} sessions`,
      text: `${v.studentFirstName} attended ${v.sessions.length} more sessions:\n\n${digestLines(v.sessions, 'en', v.timeZone)}\n\nSign in to Sessionledger to read their notes:\n${v.link}`,
    }),
    es: (v) => ({
      subject: `Las últimas ${v.sessions.length} sesiones de ${v.studentFirstName}`,
      text: `${v.studentFirstName} asistió a ${v.sessions.length} sesiones más:\n\n${digestLines(v.sessions, 'es', v.timeZone)}\n\nInicie sesión en Sessionledger para leer sus notas:\n${v.link}`,
    }),
  },
  'export-ready': {
    en: (v) => ({
      subject: `Your state export (${v.format.toUpperCase()}) is ready`,
      text: `The state export you started finished ${when(v.finishedAt, 'en', v.timeZone)} with ${v.recordCount} records. Download it here (signed in as yourself):\n\n${v.link}`,
    }),
    es: (v) => ({
      subject: `Su exportación estatal (${v.format.toUpperCase()}) está lista`,
      text: `La exportación estatal que inició terminó el ${when(v.finishedAt, 'es', v.timeZone)} con ${v.recordCount} registros. Descárguela aquí (con su propia sesión):\n\n${v.link}`,
    }),
  },
  'job-finished': {
    en: (v) => {
      const job = JOB_NAMES[v.jobKind].en;
      return {
        subject: v.succeeded ? `Your ${job} finished` : `Your ${job} failed`,
        text: `The ${job} you started ${v.succeeded ? 'finished' : 'failed'} ${when(v.finishedAt, 'en', v.timeZone)}.${v.link ? ` See ${v.succeeded ? 'what it did' : 'why'} (signed in as yourself):\n\n${v.link}` : ''}`,
      };
    },
    es: (v) => {
      const job = JOB_NAMES[v.jobKind].es;
      return {
        subject: `${job} que inició ${v.succeeded ? 'terminó' : 'falló'}`,
        text: `${job} que inició ${v.succeeded ? 'terminó' : 'falló'} el ${when(v.finishedAt, 'es', v.timeZone)}.${v.link ? ` Vea ${v.succeeded ? 'el resultado' : 'por qué'} (con su propia sesión):\n\n${v.link}` : ''}`,
      };
    },
  },
};

const JOB_NAMES: Record<MailVariables['job-finished']['jobKind'], { en: string; es: string }> = {
  'roster-import': { en: 'roster import', es: 'La importación del padrón' },
  'state-export': { en: 'state export', es: 'La exportación estatal' },
  'district-export': { en: 'district export', es: 'La exportación del distrito' },
  'invitation-batch': { en: 'batch of invitations', es: 'El lote de invitaciones' },
};

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function isMailLanguage(value: unknown): value is MailLanguage {
  return (MAIL_LANGUAGES as readonly unknown[]).includes(value);
}

/** An unknown or missing language falls back to English rather than sending nothing. */
export function renderMail<K extends MailTemplate>(template: K, language: string | null | undefined, variables: MailVariables[K]): RenderedMail {
  const render = TEMPLATES[template][isMailLanguage(language) ? language : 'en'] as (v: MailVariables[K]) => RenderedMail;
  return render(variables);
}

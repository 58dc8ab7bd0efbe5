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
  escalation: { taskKind: string; dueAt: Date; schoolName: string };
  digest: { studentFirstName: string; sessionCount: number };
}
export type MailTemplate = keyof MailVariables;

export interface RenderedMail {
  subject: string;
  text: string;
}

type Templates = { [K in MailTemplate]: Record<MailLanguage, (v: MailVariables[K]) => RenderedMail> };

const when = (at: Date, language: MailLanguage) =>
  new Intl.DateTimeFormat(language === 'es' ? 'es-US' : 'en-US', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(at) + ' UTC';

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
      text: `A provider's ${task(v.taskKind)} for a session at ${v.schoolName} was due ${when(v.dueAt, 'en')} and is still not done.\nSee the Needs Attention queue in Sessionledger.`,
    }),
    es: (v) => {
      const t = tarea(v.taskKind);
      return {
        subject: `${capitalise(t.name)} ${t.pending} en ${v.schoolName}`,
        text: `${capitalise(t.the)} de una sesión en ${v.schoolName} ${t.was} el ${when(v.dueAt, 'es')} y aún no ${t.done}.\nConsulte la cola de atención en Sessionledger.`,
      };
    },
  },
  digest: {
    en: (v) => ({
      subject: `${v.studentFirstName}'s last ${v.sessionCount} sessions`,
      text: `${v.studentFirstName} attended ${v.sessionCount} more sessions. Sign in to Sessionledger to read their notes.`,
    }),
    es: (v) => ({
      subject: `Las últimas ${v.sessionCount} sesiones de ${v.studentFirstName}`,
      text: `${v.studentFirstName} asistió a ${v.sessionCount} sesiones más. Inicie sesión en Sessionledger para leer sus notas.`,
    }),
  },
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

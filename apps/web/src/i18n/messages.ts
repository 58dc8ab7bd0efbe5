/*
 * What the family screens and the frame around them say, in every language
 * the platform writes to families (the same two its e-mail speaks). A key
 * missing from one language fails the type check, not a family.
 */
const en = {
  shell: {
    skipToContent: 'Skip to main content',
    openNavigation: 'Open navigation',
    closeNavigation: 'Close navigation',
    mainNavigation: 'Main',
    signOut: 'Sign out',
    language: 'Language',
  },
  family: {
    navSessions: 'Sessions',
    title: 'Sessions',
    introGuardian: 'Your children’s sessions: those coming up, and those their provider has signed, with the notes written for you and for your child.',
    introStudent: 'Your sessions: those coming up, and those your provider has signed, with the notes written for you.',
    loading: 'Loading sessions…',
    loadFailed: 'The sessions could not be loaded',
    tryAgain: 'Try again',
    empty: 'No signed sessions yet. A session appears here once its provider has signed it.',
    withProvider: 'With {{name}}',
    subject: 'Subject: {{subject}}',
    studentNote: 'Note to the student',
    clientNote: 'Note to the family',
    noNote: 'No note was written.',
    page: 'Page {{page}} of {{pages}}',
    pages: 'Pages of sessions',
    newer: 'Newer sessions',
    older: 'Older sessions',
    sessionOf: 'Session of {{date}}',
    upcomingTitle: 'Coming up',
    upcomingIntro: 'Planned sessions of the next two weeks.',
    upcomingEmpty: 'No session is planned in the next two weeks.',
    upcomingLoading: 'Loading the planned sessions…',
    upcomingLoadFailed: 'The planned sessions could not be loaded',
    postedTitle: 'Signed sessions, newest first',
    calledOff: 'Called off',
    forStudent: 'For {{name}}',
  },
  services: {
    tutoring: 'Tutoring',
    personal_care: 'Personal care',
    coaching: 'Instructional coaching',
  } as Record<string, string>,
};

export type Messages = typeof en;

const es: Messages = {
  shell: {
    skipToContent: 'Saltar al contenido principal',
    openNavigation: 'Abrir la navegación',
    closeNavigation: 'Cerrar la navegación',
    mainNavigation: 'Principal',
    signOut: 'Cerrar sesión',
    language: 'Idioma',
  },
  family: {
    navSessions: 'Sesiones',
    title: 'Sesiones',
    introGuardian: 'Las sesiones de sus hijos: las próximas y las que el proveedor ya firmó, con las notas escritas para usted y para su hijo.',
    introStudent: 'Tus sesiones: las próximas y las que tu proveedor ya firmó, con las notas escritas para ti.',
    loading: 'Cargando las sesiones…',
    loadFailed: 'No se pudieron cargar las sesiones',
    tryAgain: 'Intentar de nuevo',
    empty: 'Todavía no hay sesiones firmadas. Una sesión aparece aquí cuando el proveedor la firma.',
    withProvider: 'Con {{name}}',
    subject: 'Materia: {{subject}}',
    studentNote: 'Nota para el estudiante',
    clientNote: 'Nota para la familia',
    noNote: 'No se escribió ninguna nota.',
    page: 'Página {{page}} de {{pages}}',
    pages: 'Páginas de sesiones',
    newer: 'Sesiones más recientes',
    older: 'Sesiones anteriores',
    sessionOf: 'Sesión del {{date}}',
    upcomingTitle: 'Próximas sesiones',
    upcomingIntro: 'Las sesiones planeadas de las próximas dos semanas.',
    upcomingEmpty: 'No hay ninguna sesión planeada en las próximas dos semanas.',
    upcomingLoading: 'Cargando las sesiones planeadas…',
    upcomingLoadFailed: 'No se pudieron cargar las sesiones planeadas',
    postedTitle: 'Sesiones firmadas, de la más reciente a la más antigua',
    calledOff: 'Cancelada',
    forStudent: 'Para {{name}}',
  },
  services: {
    tutoring: 'Tutoría',
    personal_care: 'Cuidado personal',
    coaching: 'Asesoramiento pedagógico',
  },
};

export const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language's own name, so a reader finds theirs whatever the screen is in now. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', es: 'Español' };

/** The locale dates and times are written in: US conventions in both languages (the districts are American). */
export const DATE_LOCALES: Record<Language, string> = { en: 'en-US', es: 'es-US' };

export const MESSAGES: Record<Language, Messages> = { en, es };

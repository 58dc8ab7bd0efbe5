/*
 * Edits of the district's session catalog, as pure functions of the whole
 * document: the API replaces the catalog as one versioned document, so the
 * screen edits a copy and sends all of it. New services, coaching fields and
 * goals get a lower_snake_case code made from their name (the API's rule),
 * never one already taken; renaming keeps the code, since sessions already
 * logged refer to it.
 */
import type { Schemas } from '@sessionledger/api-client';

export type Catalog = Schemas['SessionCatalogDocument'];
export type CatalogService = Catalog['services'][number];
export type CoachingField = Catalog['coachingFields'][number];
export type ParticipantKind = CatalogService['participantKind'];
export type CoachingFieldType = CoachingField['type'];

/** The catalog's lists of plain words, edited alike. */
export type WordList = 'familyInvolvementEvents' | 'subjects';
export type ServiceWordList = 'activities' | 'accommodations';

const MAX_CODE = 50;

/** `Reading Intervention (K-3)` → `reading_intervention_k_3`; `_2`, `_3`… when taken. */
export function codeFor(name: string, taken: readonly string[]): string {
  const base =
    name
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^[^a-z]+|_+$/g, '')
      .slice(0, MAX_CODE)
      .replace(/_+$/, '') || 'entry';
  if (!taken.includes(base)) return base;
  for (let n = 2; ; n += 1) {
    const suffix = `_${n}`;
    const candidate = `${base.slice(0, MAX_CODE - suffix.length)}${suffix}`;
    if (!taken.includes(candidate)) return candidate;
  }
}

/** Why a word cannot be added to a list (blank, or already there, ignoring case), or null. */
export function wordProblem(list: readonly string[], word: string, exceptIndex = -1): string | null {
  const trimmed = word.trim();
  if (!trimmed) return 'Write a name first';
  const lower = trimmed.toLowerCase();
  return list.some((entry, i) => i !== exceptIndex && entry.toLowerCase() === lower) ? `“${trimmed}” is already in the list` : null;
}

export function addWord(list: readonly string[], word: string): string[] {
  return [...list, word.trim()];
}

/** The entry as typed: trimming waits until it is sent, so a space between words can be typed. */
export function renameWord(list: readonly string[], index: number, word: string): string[] {
  return list.map((entry, i) => (i === index ? word : entry));
}

export function removeAt<T>(list: readonly T[], index: number): T[] {
  return list.filter((_, i) => i !== index);
}

export function setWords(catalog: Catalog, list: WordList, words: string[]): Catalog {
  return { ...catalog, [list]: words };
}

export function addService(catalog: Catalog, name: string, participantKind: ParticipantKind): Catalog {
  const service: CatalogService = {
    code: codeFor(name, catalog.services.map((s) => s.code)),
    name: name.trim(),
    participantKind,
    activities: [],
    accommodations: [],
    noteTemplate: null,
  };
  return { ...catalog, services: [...catalog.services, service] };
}

export function changeService(catalog: Catalog, index: number, change: Partial<Omit<CatalogService, 'code'>>): Catalog {
  return { ...catalog, services: catalog.services.map((service, i) => (i === index ? { ...service, ...change } : service)) };
}

export function setServiceWords(catalog: Catalog, index: number, list: ServiceWordList, words: string[]): Catalog {
  return changeService(catalog, index, { [list]: words });
}

/** An empty template is no template (the API's null), not an empty text to show providers. */
export function setNoteTemplate(catalog: Catalog, index: number, template: string): Catalog {
  return changeService(catalog, index, { noteTemplate: template.trim() ? template : null });
}

export function removeService(catalog: Catalog, index: number): Catalog {
  return { ...catalog, services: removeAt(catalog.services, index) };
}

export const CHOICE_TYPES: readonly CoachingFieldType[] = ['choice', 'multi_choice'];

export function addCoachingField(catalog: Catalog, label: string, type: CoachingFieldType, options: string[] = []): Catalog {
  const field: CoachingField = {
    name: codeFor(label, catalog.coachingFields.map((f) => f.name)),
    label: label.trim(),
    type,
    required: false,
    ...(CHOICE_TYPES.includes(type) ? { options } : {}),
  };
  return { ...catalog, coachingFields: [...catalog.coachingFields, field] };
}

export function changeCoachingField(catalog: Catalog, index: number, change: Partial<Pick<CoachingField, 'label' | 'required' | 'options'>>): Catalog {
  return { ...catalog, coachingFields: catalog.coachingFields.map((field, i) => (i === index ? { ...field, ...change } : field)) };
}

export function removeCoachingField(catalog: Catalog, index: number): Catalog {
  return { ...catalog, coachingFields: removeAt(catalog.coachingFields, index) };
}

export function addGoal(catalog: Catalog, name: string): Catalog {
  const goal = { code: codeFor(name, catalog.careerLadderGoals.map((g) => g.code)), name: name.trim() };
  return { ...catalog, careerLadderGoals: [...catalog.careerLadderGoals, goal] };
}

export function renameGoal(catalog: Catalog, index: number, name: string): Catalog {
  return { ...catalog, careerLadderGoals: catalog.careerLadderGoals.map((goal, i) => (i === index ? { ...goal, name } : goal)) };
}

export function removeGoal(catalog: Catalog, index: number): Catalog {
  return { ...catalog, careerLadderGoals: removeAt(catalog.careerLadderGoals, index) };
}

/** What is sent: every text trimmed, as the API stores it. */
export function trimmedCatalog(catalog: Catalog): Catalog {
  const words = (list: string[]) => list.map((word) => word.trim());
  return {
    services: catalog.services.map((service) => ({ ...service, name: service.name.trim(), activities: words(service.activities), accommodations: words(service.accommodations) })),
    coachingFields: catalog.coachingFields.map((field) => ({ ...field, label: field.label.trim(), ...(field.options ? { options: words(field.options) } : {}) })),
    careerLadderGoals: catalog.careerLadderGoals.map((goal) => ({ ...goal, name: goal.name.trim() })),
    familyInvolvementEvents: words(catalog.familyInvolvementEvents),
    subjects: words(catalog.subjects),
  };
}

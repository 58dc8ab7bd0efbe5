import { describe, expect, it } from 'vitest';
import {
  addCoachingField,
  addGoal,
  addService,
  addWord,
  changeService,
  codeFor,
  removeAt,
  removeGoal,
  removeService,
  renameGoal,
  renameWord,
  setNoteTemplate,
  setServiceWords,
  trimmedCatalog,
  wordProblem,
  type Catalog,
} from './catalog';

const CATALOG: Catalog = {
  services: [{ code: 'tutoring', name: 'Tutoring', participantKind: 'student', activities: ['Guided practice'], accommodations: ['Extended time'], noteTemplate: 'Went well:' }],
  coachingFields: [{ name: 'focus', label: 'Focus', type: 'text', required: false }],
  careerLadderGoals: [
    { code: 'attendance', name: 'Improve attendance' },
    { code: 'family_involvement', name: 'Family involvement' },
  ],
  familyInvolvementEvents: ['Math Night'],
  subjects: ['Reading', 'Mathematics'],
};

describe('codeFor', () => {
  it('makes the API’s lower_snake_case code from a name, without accents or leading digits', () => {
    expect(codeFor('Reading Intervention (K-3)', [])).toBe('reading_intervention_k_3');
    expect(codeFor('Éducation spéciale', [])).toBe('education_speciale');
    expect(codeFor('3rd grade math', [])).toBe('rd_grade_math');
    expect(codeFor('!!!', [])).toBe('entry');
  });

  it('never gives a code already taken, and stays within 50 characters', () => {
    expect(codeFor('Tutoring', ['tutoring', 'tutoring_2'])).toBe('tutoring_3');
    const long = codeFor('x'.repeat(80), ['x'.repeat(50)]);
    expect(long).toBe(`${'x'.repeat(48)}_2`);
    expect(long).toMatch(/^[a-z][a-z0-9_]{0,49}$/);
  });
});

describe('word lists', () => {
  it('refuses a blank entry and one already there, whatever its case', () => {
    expect(wordProblem(['Reading'], '   ')).toBe('Write a name first');
    expect(wordProblem(['Reading'], ' reading ')).toBe('“reading” is already in the list');
    expect(wordProblem(['Reading'], 'Science')).toBeNull();
  });

  it('does not count the entry being renamed as its own duplicate', () => {
    expect(wordProblem(['Reading', 'Science'], 'READING', 0)).toBeNull();
    expect(wordProblem(['Reading', 'Science'], 'reading', 1)).not.toBeNull();
  });

  it('adds trimmed, renames in place and removes by position', () => {
    expect(addWord(['Reading'], '  Science ')).toEqual(['Reading', 'Science']);
    expect(renameWord(['Reading', 'Math'], 1, 'Mathematics')).toEqual(['Reading', 'Mathematics']);
    expect(removeAt(['Reading', 'Math', 'Art'], 1)).toEqual(['Reading', 'Art']);
  });
});

describe('services', () => {
  it('adds a service with a fresh code and empty lists, keeping the others', () => {
    const next = addService(CATALOG, ' Tutoring ', 'staff');
    expect(next.services.map((s) => s.code)).toEqual(['tutoring', 'tutoring_2']);
    expect(next.services[1]).toEqual({ code: 'tutoring_2', name: 'Tutoring', participantKind: 'staff', activities: [], accommodations: [], noteTemplate: null });
    expect(CATALOG.services).toHaveLength(1);
  });

  it('renames a service without changing its code, which logged sessions refer to', () => {
    const next = changeService(CATALOG, 0, { name: 'After-school tutoring' });
    expect(next.services[0]).toMatchObject({ code: 'tutoring', name: 'After-school tutoring' });
  });

  it('edits a service’s activities and treats an emptied note template as none', () => {
    let next = setServiceWords(CATALOG, 0, 'activities', addWord(CATALOG.services[0].activities, 'Homework help'));
    expect(next.services[0].activities).toEqual(['Guided practice', 'Homework help']);
    next = setNoteTemplate(next, 0, '   ');
    expect(next.services[0].noteTemplate).toBeNull();
    expect(removeService(next, 0).services).toEqual([]);
  });
});

describe('coaching fields and goals', () => {
  it('gives a choice field an options list and a text field none', () => {
    const next = addCoachingField(addCoachingField(CATALOG, 'Grade band', 'choice', ['K-2']), 'Focus', 'text');
    expect(next.coachingFields[1]).toEqual({ name: 'grade_band', label: 'Grade band', type: 'choice', required: false, options: ['K-2'] });
    expect(next.coachingFields[2]).toEqual({ name: 'focus_2', label: 'Focus', type: 'text', required: false });
  });

  it('keeps the codes of the goals left when one is renamed or removed', () => {
    const renamed = renameGoal(CATALOG, 1, 'More family involvement');
    expect(renamed.careerLadderGoals[1]).toEqual({ code: 'family_involvement', name: 'More family involvement' });
    expect(removeGoal(CATALOG, 0).careerLadderGoals).toEqual([{ code: 'family_involvement', name: 'Family involvement' }]);
    expect(addGoal(CATALOG, 'Improve attendance').careerLadderGoals[2].code).toBe('improve_attendance');
  });
});

describe('trimmedCatalog', () => {
  it('sends every name as the API stores it, without the spaces typed around it', () => {
    const typed: Catalog = { ...CATALOG, subjects: [' Reading '], services: [{ ...CATALOG.services[0], name: ' Tutoring ', activities: [' Guided practice'] }] };
    const sent = trimmedCatalog(typed);
    expect(sent.subjects).toEqual(['Reading']);
    expect(sent.services[0].name).toBe('Tutoring');
    expect(sent.services[0].activities).toEqual(['Guided practice']);
  });
});

import { MantineProvider } from '@mantine/core';
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Catalog, Participant, SessionView } from './api';
import { EncounterDialog, type EncounterSave, type LastQualifiers } from './EncounterDialog';
import { lastQualifierWrites } from './LastQualifiersSuggestion';
import { mergeSession } from './api';
import { qualifierWords } from './labels';
import { ParticipantsSection } from './ParticipantsSection';

// jsdom has no ResizeObserver; Mantine's Select (its option list) asks for one.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

const participant = (over: Partial<Participant> = {}): Participant => ({
  id: 'p1',
  kind: 'student',
  personId: 's1',
  name: 'Maya Garcia',
  schoolId: 'school',
  timeIn: '2026-12-03T21:00:00.000Z',
  timeOut: null,
  timeAwayMinutes: 0,
  present: null,
  attendanceStatus: null,
  qualifiers: { homebound: false, detention: false, creditRecovery: false, remedial: false, remedialCriteria: [], subject: null },
  activities: [],
  accommodations: [],
  version: 1,
  ...over,
});

const session = (participants: Participant[]): SessionView => ({
  id: 'session',
  audience: 'provider',
  providerId: 'provider',
  providerName: 'Pia',
  schoolId: 'school',
  service: 'tutoring',
  participantKind: 'student',
  group: { id: 'g', name: 'Reading group' },
  workOrder: null,
  description: null,
  familyInvolvement: false,
  activitiesDescription: null,
  state: 'active',
  posted: null,
  sessionDate: '2026-12-03',
  startedAt: '2026-12-03T21:00:00.000Z',
  endedAt: null,
  rawMinutes: null,
  plannedMinutes: null,
  adjustedMinutes: null,
  durationOverride: null,
  cancelledAt: null,
  cancelReason: null,
  tags: [],
  coachingLog: null,
  participants,
  version: 1,
  createdAt: '2026-12-03T21:00:00.000Z',
});

const catalog: Catalog = {
  services: [{ code: 'tutoring', name: 'Tutoring', participantKind: 'student', activities: ['Guided practice'], accommodations: ['Read aloud'], noteTemplate: null }],
  coachingFields: [],
  careerLadderGoals: [],
  familyInvolvementEvents: [],
  subjects: ['Reading', 'Mathematics'],
};

function renderDialog(p: Participant, others: Participant[] = [], last: LastQualifiers | null = null) {
  const onSave = vi.fn<(save: EncounterSave) => void>();
  render(
    <MantineProvider>
      <EncounterDialog session={session([p, ...others])} participant={p} catalog={catalog} saving={false} error={null} onSave={onSave} onClose={() => undefined} last={last} timeZone="America/Chicago" />
    </MantineProvider>,
  );
  return onSave;
}

describe(EncounterDialog.name, () => {
  it('marks the student present by default and sends only what changed', () => {
    const onSave = renderDialog(participant());
    fireEvent.click(screen.getByRole('button', { name: 'Save encounter' }));
    expect(onSave).toHaveBeenCalledTimes(1);
    const { changes } = onSave.mock.calls[0][0];
    expect(changes.present).toBe(true);
    expect(changes).not.toHaveProperty('timeIn');
    expect(changes).not.toHaveProperty('timeOut');
    expect(changes).not.toHaveProperty('timeAwayMinutes');
  });

  it('times in at the session start a student who was marked absent before', () => {
    const onSave = renderDialog(participant({ present: false, attendanceStatus: 'missed_billable', timeIn: null }));
    fireEvent.click(screen.getByRole('radio', { name: 'Present' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save encounter' }));
    expect(onSave.mock.calls[0][0].changes).toMatchObject({ present: true, timeIn: '2026-12-03T21:00:00.000Z' });
  });

  it('asks for a criterion and the subject before a remedial student is saved', () => {
    const onSave = renderDialog(participant());
    fireEvent.click(screen.getByRole('checkbox', { name: /^Remedial/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Save encounter' }));
    expect(onSave).not.toHaveBeenCalled();
    expect(screen.getByText('Choose at least one criterion the student meets')).toBeTruthy();
    expect(screen.getByText('Choose the subject tutored')).toBeTruthy();
  });

  it('sends the criteria with a remedial student, and no criteria for one who is not', () => {
    const onSave = renderDialog(
      participant({ qualifiers: { homebound: false, detention: false, creditRecovery: false, remedial: true, remedialCriteria: ['d_or_f_grade'], subject: 'Reading' } }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Save encounter' }));
    expect(onSave.mock.calls[0][0].changes.qualifiers).toEqual({ homebound: false, detention: false, creditRecovery: false, remedial: true, remedialCriteria: ['d_or_f_grade'], subject: 'Reading' });

    fireEvent.click(screen.getByRole('checkbox', { name: /^Remedial/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Save encounter' }));
    expect(onSave.mock.calls[1][0].changes.qualifiers?.remedialCriteria).toEqual([]);
  });

  it('takes the subject in one tap when the subjects are few', () => {
    const onSave = renderDialog(participant());
    expect(screen.queryByRole('combobox', { name: /Subject tutored/ })).toBeNull();
    fireEvent.click(screen.getByRole('checkbox', { name: /^Remedial/ }));
    fireEvent.click(screen.getByRole('checkbox', { name: /D or F grade/ }));
    fireEvent.click(screen.getByRole('radio', { name: 'Reading' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save encounter' }));
    expect(onSave.mock.calls[0][0].changes.qualifiers).toMatchObject({ remedial: true, remedialCriteria: ['d_or_f_grade'], subject: 'Reading' });
  });

  it('gives the qualifiers to everyone present by default in a group session, unless another student has different ones', () => {
    const ben = participant({ id: 'p2', personId: 's2', name: 'Ben Okafor', present: true });
    const onSave = renderDialog(participant({ present: true }), [ben]);
    expect((screen.getByRole('checkbox', { name: 'Give these qualifiers to everyone present' }) as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Save encounter' }));
    expect(onSave.mock.calls[0][0].qualifiersForAll).toBe(true);
  });

  it('does not default to everyone when another student present has qualifiers of their own', () => {
    const ben = participant({ id: 'p2', personId: 's2', name: 'Ben Okafor', present: true, qualifiers: { ...participant().qualifiers, detention: true } });
    renderDialog(participant({ present: true }), [ben]);
    expect((screen.getByRole('checkbox', { name: 'Give these qualifiers to everyone present' }) as HTMLInputElement).checked).toBe(false);
  });

  it("offers the student's qualifiers of last session as one tap that fills the form, saved only with the encounter", () => {
    const last = { qualifiers: { homebound: false, detention: false, creditRecovery: false, remedial: true, remedialCriteria: ['d_or_f_grade' as const], subject: 'Reading' }, when: 'Tue, Nov 24' };
    const onSave = renderDialog(participant(), [], last);
    expect(screen.getByText('Last session (Tue, Nov 24): Remedial · D or F grade · Reading')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Same qualifiers as last session' }));
    expect(onSave).not.toHaveBeenCalled();
    expect((screen.getByRole('checkbox', { name: /^Remedial/ }) as HTMLInputElement).checked).toBe(true);
    expect(screen.queryByRole('button', { name: 'Same qualifiers as last session' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Save encounter' }));
    expect(onSave.mock.calls[0][0].changes.qualifiers).toEqual(last.qualifiers);
  });

  it('needs the reason a student was not there', () => {
    const onSave = renderDialog(participant());
    fireEvent.click(screen.getByRole('radio', { name: 'Not present' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save encounter' }));
    expect(onSave).not.toHaveBeenCalled();
    expect(screen.getByText('Say why the student was not there')).toBeTruthy();
  });
});

describe(ParticipantsSection.name, () => {
  it('marks everyone not yet marked present with one tap', () => {
    const onPresent = vi.fn();
    const people = [participant(), participant({ id: 'p2', personId: 's2', name: 'Leo Chen' }), participant({ id: 'p3', personId: 's3', name: 'Ana Ruiz', present: true, attendanceStatus: 'attended' })];
    render(
      <MantineProvider>
        <ParticipantsSection session={session(people)} editable busy={false} onPresent={onPresent} onTimeOut={() => undefined} onOpen={() => undefined} onRemove={() => undefined} onAdd={() => undefined} timeZone="America/Chicago" />
      </MantineProvider>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Everyone present (2)' }));
    expect(onPresent.mock.calls[0][0].map((p: Participant) => p.name)).toEqual(['Maya Garcia', 'Leo Chen']);
    expect(screen.getByRole('button', { name: 'Maya Garcia is present' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Ana Ruiz is present' })).toBeNull();
  });
});

describe('Same qualifiers as last session', () => {
  const remedial = { homebound: false, detention: false, creditRecovery: false, remedial: true, remedialCriteria: ['d_or_f_grade' as const], subject: 'Reading' };

  it('names what it sets', () => {
    expect(qualifierWords(remedial)).toBe('Remedial · D or F grade · Reading');
    expect(qualifierWords(participant().qualifiers)).toBe('No qualifiers');
  });

  it('gives each student present without qualifiers their own of last session, and names who had none', () => {
    const now = session([
      participant({ present: true }),
      participant({ id: 'p2', personId: 's2', name: 'Ben Okafor', present: true, qualifiers: { ...remedial, subject: 'Mathematics' } }),
      participant({ id: 'p3', personId: 's3', name: 'Cal Diaz', present: true }),
      participant({ id: 'p4', personId: 's4', name: 'Dee Ito', present: null }),
    ]);
    const before = session([
      participant({ id: 'old1', personId: 's1', qualifiers: remedial }),
      participant({ id: 'old2', personId: 's2', qualifiers: remedial }),
      participant({ id: 'old4', personId: 's4', qualifiers: remedial }),
    ]);
    const { given, without } = lastQualifierWrites(now, before);
    expect(given.map((g) => [g.participant.id, g.qualifiers.subject])).toEqual([['p1', 'Reading']]);
    expect(without.map((p) => p.id)).toEqual(['p3']);
  });
});

describe(mergeSession.name, () => {
  it('keeps each participant at its highest version, whatever order the answers arrive in', () => {
    const a = participant({ version: 2, present: true });
    const b = participant({ id: 'p2', personId: 's2', version: 1 });
    const first = session([a, b]);
    const second = session([participant({ version: 1 }), participant({ id: 'p2', personId: 's2', version: 2, present: true })]);
    for (const merged of [mergeSession(first, second), mergeSession(second, first)]) {
      expect(merged.participants.map((p) => [p.id, p.version, p.present])).toEqual([
        ['p1', 2, true],
        ['p2', 2, true],
      ]);
    }
  });
});

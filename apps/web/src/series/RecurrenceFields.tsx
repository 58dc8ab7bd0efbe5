/* The recurrence builder: weekly on chosen weekdays, every N weeks, until a date or a number of times. */
import { Checkbox, Code, Group, NumberInput, Radio, Stack, Text, TextInput } from '@mantine/core';
import { buildRrule, describeRrule, recurrenceProblems, WEEKDAYS, type RecurrenceProblems, type Weekday, type WeeklyRecurrence } from './rrule';

export interface RecurrenceFieldsProps {
  value: WeeklyRecurrence;
  onChange: (value: WeeklyRecurrence) => void;
  /** Problems to show (after a submit); the API's `rrule` problems go under the days. */
  problems?: RecurrenceProblems;
  apiProblem?: string;
}

export function RecurrenceFields({ value, onChange, problems = {}, apiProblem }: RecurrenceFieldsProps) {
  const valid = Object.keys(recurrenceProblems(value)).length === 0;
  const rule = valid ? buildRrule(value) : null;
  return (
    <Stack gap="sm" component="fieldset" style={{ border: 0, padding: 0, margin: 0 }}>
      <Text component="legend" fw={600} size="md" p={0}>
        Repeats
      </Text>
      <Checkbox.Group
        label="On these days"
        value={value.weekdays}
        onChange={(days) => onChange({ ...value, weekdays: days as Weekday[] })}
        error={problems.weekdays ?? apiProblem}
      >
        <Group gap="sm" mt="xs">
          {WEEKDAYS.map((day) => (
            <Checkbox key={day.code} value={day.code} label={day.short} title={day.long} />
          ))}
        </Group>
      </Checkbox.Group>
      <NumberInput
        label="Every how many weeks"
        description="1 = every week, 2 = every other week"
        value={value.interval}
        onChange={(interval) => onChange({ ...value, interval: typeof interval === 'number' ? interval : 0 })}
        min={1}
        max={52}
        allowDecimal={false}
        error={problems.interval}
        w={{ base: '100%', xs: 240 }}
      />
      <Radio.Group
        label="Ends"
        value={value.end.kind}
        onChange={(kind) => onChange({ ...value, end: kind === 'until' ? { kind: 'until', date: '' } : { kind: 'count', count: 10 } })}
      >
        <Group gap="lg" mt="xs">
          <Radio value="count" label="After a number of sessions" />
          <Radio value="until" label="On a date" />
        </Group>
      </Radio.Group>
      {value.end.kind === 'count' ? (
        <NumberInput
          label="Number of sessions"
          value={value.end.count}
          onChange={(count) => onChange({ ...value, end: { kind: 'count', count: typeof count === 'number' ? count : 0 } })}
          min={1}
          max={500}
          allowDecimal={false}
          error={problems.count}
          w={{ base: '100%', xs: 240 }}
        />
      ) : (
        <TextInput
          type="date"
          label="Last date"
          description="The series ends after this day (included)"
          value={value.end.date}
          onChange={(event) => onChange({ ...value, end: { kind: 'until', date: event.currentTarget.value } })}
          error={problems.until}
          w={{ base: '100%', xs: 240 }}
        />
      )}
      <Text size="sm" aria-live="polite" data-testid="recurrence-summary">
        {rule ? (
          <>
            {describeRrule(rule)} <Code>{rule}</Code>
          </>
        ) : (
          'Choose the days and the end to see the pattern.'
        )}
      </Text>
    </Stack>
  );
}

import { FieldProblem } from '@sessionledger/common';
import { CoachingField } from '@sessionledger/session-rules';

type Problem = FieldProblem;

function valueProblem(field: CoachingField, value: unknown): string | null {
  switch (field.type) {
    case 'text':
      return typeof value === 'string' && value.length <= 4000 ? null : 'must be text of at most 4000 characters';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'choice':
      return typeof value === 'string' && (field.options ?? []).includes(value) ? null : `must be one of: ${(field.options ?? []).join(', ')}`;
    case 'multi_choice':
      return Array.isArray(value) && value.every((v) => typeof v === 'string' && (field.options ?? []).includes(v)) && new Set(value).size === value.length
        ? null
        : `must be a list of distinct values from: ${(field.options ?? []).join(', ')}`;
  }
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0);
}

/**
 * A coaching log checked against the district's own fields: no unknown field,
 * every value of its field's type and options, every required field given.
 */
export function coachingLogProblems(values: Record<string, unknown>, fields: CoachingField[], options: { requireAll: boolean }): Problem[] {
  const problems: Problem[] = [];
  const byName = new Map(fields.map((field) => [field.name, field]));
  for (const name of Object.keys(values)) {
    if (!byName.has(name)) problems.push({ field: `values.${name}`, problems: ['is not a coaching field of the district'] });
  }
  for (const field of fields) {
    const value = values[field.name];
    if (isEmpty(value)) {
      if (field.required && options.requireAll) problems.push({ field: `values.${field.name}`, problems: ['is required'] });
      continue;
    }
    const problem = valueProblem(field, value);
    if (problem) problems.push({ field: `values.${field.name}`, problems: [problem] });
  }
  return problems;
}

import type { ValidationError } from 'class-validator';
import type { FieldProblem } from './domain-error';

/** class-validator's nested errors flattened to `{ field: 'a.b', problems }`, the shape every 400 carries. */
export function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}

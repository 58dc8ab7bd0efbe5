import { ArgumentMetadata, Injectable, PipeTransform, ValidationPipe } from '@nestjs/common';
import { fieldProblems, unsafeTextFields, ValidationFailed } from '@sessionledger/common';

/** Unknown fields and wrong types are refused with 400, naming every field. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailed(fieldProblems(errors)),
  });
}

/**
 * NUL bytes and lone surrogates in any body, query or path value are refused
 * here, naming the field, before a DTO or PostgreSQL sees them: PostgreSQL
 * refuses NUL in text and a lone surrogate is not UTF-8, so either would
 * otherwise surface as a 500 from the service that stores it.
 */
@Injectable()
export class TextSafetyPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const fields = unsafeTextFields(value, metadata.type === 'param' || metadata.type === 'query' ? (metadata.data ?? '') : '');
    if (fields.length > 0) {
      throw new ValidationFailed(fields.map((field) => ({ field: field || metadata.type, problems: ['must not contain NUL characters or unpaired surrogates'] })));
    }
    return value;
  }
}

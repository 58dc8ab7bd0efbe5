import { ValidationPipe } from '@nestjs/common';
import { fieldProblems, ValidationFailed } from '@sessionledger/common';

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

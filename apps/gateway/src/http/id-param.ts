import { Param, ParseUUIDPipe } from '@nestjs/common';
import { invalid } from '@sessionledger/common';

/** A UUID route parameter; anything else is a 400 naming the parameter. */
export const IdParam = (name = 'id') =>
  Param(name, new ParseUUIDPipe({ exceptionFactory: () => invalid(name, 'must be a UUID') }));

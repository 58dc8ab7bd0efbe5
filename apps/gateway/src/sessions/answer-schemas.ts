import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { FamilySessionReply, SessionReply } from '@sessionledger/contracts';
import { pagedSchema } from '../http/openapi';

/*
 * A session reads differently by audience: staff get SessionReply, guardians
 * and students FamilySessionReply (`audience` tells which). Operation() takes
 * one class, so these replace its success answer with the union; they must
 * sit ABOVE @Operation (decorators apply bottom-up, the last one wins).
 */

const sessionView = () => ({ oneOf: [{ $ref: getSchemaPath(SessionReply) }, { $ref: getSchemaPath(FamilySessionReply) }] });

export const SessionViewAnswer = () =>
  applyDecorators(ApiExtraModels(SessionReply, FamilySessionReply), ApiResponse({ status: 200, description: 'OK', schema: sessionView() }));

export const SessionViewPageAnswer = () => {
  const paged = pagedSchema(SessionReply);
  return applyDecorators(
    ApiExtraModels(SessionReply, FamilySessionReply),
    ApiResponse({ status: 200, description: 'OK', schema: { ...paged, properties: { ...paged.properties, items: { type: 'array', items: sessionView() } } } }),
  );
};

/** A file answered at once (CSV), in place of Operation()'s JSON answer; sits above @Operation too. */
export const FileAnswer = (description: string, content: Record<string, { schema: Record<string, unknown> }>) =>
  ApiResponse({ status: 200, description, content });

import { Controller, createParamDecorator, Delete, ExecutionContext, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, AUTHENTICATED, CurrentActor, Roles } from '@sessionledger/auth';
import { Page, SyncPageQuery } from '@sessionledger/common';
import { IdParam } from '../../http/id-param';
import { Operation, Paged } from '../../http/openapi';
import { EndedSignInsReply, EndSignInsQuery, SignInRecordReply } from './sign-ins.dto';
import { SignInsService } from './sign-ins.service';

/** The `sid` of the request's access token, set by the access guard. */
const CurrentSignInId = createParamDecorator(
  (_: unknown, context: ExecutionContext): string | undefined => context.switchToHttp().getRequest<{ signInId?: string }>().signInId,
);

const LIST_DESCRIPTION = 'Sign-ins not ended and not expired, newest first (started at, then id). `updatedSince` filters on `lastUsedAt`.';

@ApiTags('sign-ins')
@ApiBearerAuth()
@Controller('me/sign-ins')
export class MySignInsController {
  constructor(private readonly signIns: SignInsService) {}

  @Roles(...AUTHENTICATED)
  @Get()
  @Operation({ summary: 'List your sign-ins', description: LIST_DESCRIPTION, answer: Paged(SignInRecordReply) })
  list(@CurrentActor() actor: Actor, @CurrentSignInId() current: string | undefined, @Query() query: SyncPageQuery): Promise<Page<SignInRecordReply>> {
    return this.signIns.list(actor, { userId: actor.userId, currentSignInId: current }, query);
  }

  @Roles(...AUTHENTICATED)
  @Delete()
  @Operation({ summary: 'End your sign-ins: all but this one, or all with keepCurrent=false', answer: EndedSignInsReply })
  endAll(@CurrentActor() actor: Actor, @CurrentSignInId() current: string | undefined, @Query() query: EndSignInsQuery): Promise<EndedSignInsReply> {
    return this.signIns.endAll(actor, { userId: actor.userId, currentSignInId: current }, query.keepCurrent ?? true);
  }

  @Roles(...AUTHENTICATED)
  @Delete(':id')
  @Operation({ summary: 'End one of your sign-ins: its tokens stop working at once', answer: null, status: 204, errors: [404] })
  end(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<void> {
    return this.signIns.end(actor, actor.userId, id);
  }
}

/*
 * District admins only. A school admin cannot see or end others' sign-ins
 * (devices and addresses are personal data, and staff work at several
 * schools); they cut a provider off by deactivating them, which ends every
 * sign-in of the account.
 */
@ApiTags('sign-ins')
@ApiBearerAuth()
@Controller('users/:userId/sign-ins')
export class UserSignInsController {
  constructor(private readonly signIns: SignInsService) {}

  @Roles('district_admin')
  @Get()
  @Operation({ summary: 'List a user’s sign-ins', description: LIST_DESCRIPTION, answer: Paged(SignInRecordReply), errors: [403, 404] })
  list(
    @CurrentActor() actor: Actor,
    @CurrentSignInId() current: string | undefined,
    @IdParam('userId') userId: string,
    @Query() query: SyncPageQuery,
  ): Promise<Page<SignInRecordReply>> {
    return this.signIns.list(actor, { userId, currentSignInId: current }, query);
  }

  @Roles('district_admin')
  @Delete()
  @Operation({ summary: 'End a user’s sign-ins (all of them; keepCurrent keeps only your own current one)', answer: EndedSignInsReply, errors: [403, 404] })
  endAll(
    @CurrentActor() actor: Actor,
    @CurrentSignInId() current: string | undefined,
    @IdParam('userId') userId: string,
    @Query() query: EndSignInsQuery,
  ): Promise<EndedSignInsReply> {
    return this.signIns.endAll(actor, { userId, currentSignInId: current }, query.keepCurrent ?? true);
  }

  @Roles('district_admin')
  @Delete(':id')
  @Operation({ summary: 'End one of a user’s sign-ins', answer: null, status: 204, errors: [403, 404] })
  end(@CurrentActor() actor: Actor, @IdParam('userId') userId: string, @IdParam() id: string): Promise<void> {
    return this.signIns.end(actor, userId, id);
  }
}

import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, AUTHENTICATED, CurrentActor, Roles } from '@sessionledger/auth';

export interface MeResponse {
  userId: string;
  districtId: string;
  displayName: string;
  roles: string[];
  schoolIds: string[];
  providerKind: string | null;
}

@ApiTags('me')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  @Roles(...AUTHENTICATED)
  @Get()
  me(@CurrentActor() actor: Actor): MeResponse {
    return {
      userId: actor.userId,
      districtId: actor.districtId,
      displayName: actor.displayName,
      roles: actor.roles,
      schoolIds: actor.schoolIds,
      providerKind: actor.providerKind,
    };
  }
}

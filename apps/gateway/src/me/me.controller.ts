import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Actor, AUTHENTICATED, CurrentActor, PROVIDER_KINDS, Roles } from '@sessionledger/auth';
import { ROLES } from '@sessionledger/contracts';
import { Operation } from '../http/openapi';

export class MeResponse {
  @ApiProperty({ format: 'uuid' })
  userId: string;

  @ApiProperty({ format: 'uuid' })
  districtId: string;

  @ApiProperty({ example: 'Ada Admin' })
  displayName: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  roles: string[];

  @ApiProperty({ type: 'array', items: { type: 'string', format: 'uuid' }, description: 'The schools the user works at or administers' })
  schoolIds: string[];

  @ApiProperty({ type: String, enum: PROVIDER_KINDS, nullable: true, description: 'For providers: what kind' })
  providerKind: string | null;
}

@ApiTags('me')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  @Roles(...AUTHENTICATED)
  @Get()
  @Operation({ summary: 'Who I am', description: 'The signed-in user: roles, schools and district.', answer: MeResponse })
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

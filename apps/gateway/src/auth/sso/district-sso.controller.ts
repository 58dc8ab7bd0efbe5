import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { DistrictSsoResponse, PutDistrictSsoRequest } from './district-sso.dto';
import { DistrictSsoService } from './district-sso.service';

@ApiTags('district')
@ApiBearerAuth()
@Controller('district/sso')
export class DistrictSsoController {
  constructor(private readonly sso: DistrictSsoService) {}

  @Roles('district_admin')
  @Get()
  get(@CurrentActor() actor: Actor): Promise<DistrictSsoResponse> {
    return this.sso.get(actor);
  }

  @Roles('district_admin')
  @Put()
  put(@CurrentActor() actor: Actor, @Body() body: PutDistrictSsoRequest): Promise<DistrictSsoResponse> {
    return this.sso.put(actor, body);
  }
}

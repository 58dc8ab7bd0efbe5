import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { Operation } from '../../http/openapi';
import { DistrictSsoResponse, PutDistrictSsoRequest } from './district-sso.dto';
import { DistrictSsoService } from './district-sso.service';

@ApiTags('district')
@ApiBearerAuth()
@Controller('district/sso')
export class DistrictSsoController {
  constructor(private readonly sso: DistrictSsoService) {}

  @Roles('district_admin')
  @Get()
  @Operation({ summary: 'Read the district’s single sign-on settings', description: 'The secret is never returned.', answer: DistrictSsoResponse, errors: [404] })
  get(@CurrentActor() actor: Actor): Promise<DistrictSsoResponse> {
    return this.sso.get(actor);
  }

  @Roles('district_admin')
  @Put()
  @Operation({
    summary: 'Set the district’s single sign-on settings',
    description: 'Checks the issuer’s discovery document before saving.',
    answer: DistrictSsoResponse,
    errors: [409, 503],
  })
  put(@CurrentActor() actor: Actor, @Body() body: PutDistrictSsoRequest): Promise<DistrictSsoResponse> {
    return this.sso.put(actor, body);
  }
}

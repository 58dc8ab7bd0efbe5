import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, AUTHENTICATED, CurrentActor, Roles } from '@sessionledger/auth';
import { Operation } from '../../http/openapi';
import { DistrictResponse, UpdateDistrictRequest } from './district.dto';
import { DistrictService } from './district.service';

@ApiTags('district')
@ApiBearerAuth()
@Controller('district')
export class DistrictController {
  constructor(private readonly district: DistrictService) {}

  @Roles(...AUTHENTICATED)
  @Get()
  @Operation({ summary: 'Get your district and its settings', answer: DistrictResponse })
  get(@CurrentActor() actor: Actor): Promise<DistrictResponse> {
    return this.district.get(actor);
  }

  @Roles('district_admin')
  @Patch()
  @Operation({ summary: 'Change the district’s name, time zone or settings', answer: DistrictResponse, errors: [403, 409] })
  update(@CurrentActor() actor: Actor, @Body() body: UpdateDistrictRequest): Promise<DistrictResponse> {
    return this.district.update(actor, body);
  }
}

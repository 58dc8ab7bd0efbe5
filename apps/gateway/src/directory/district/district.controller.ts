import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, AUTHENTICATED, CurrentActor, Roles } from '@sessionledger/auth';
import { DistrictResponse, UpdateDistrictRequest } from './district.dto';
import { DistrictService } from './district.service';

@ApiTags('district')
@ApiBearerAuth()
@Controller('district')
export class DistrictController {
  constructor(private readonly district: DistrictService) {}

  @Roles(...AUTHENTICATED)
  @Get()
  get(@CurrentActor() actor: Actor): Promise<DistrictResponse> {
    return this.district.get(actor);
  }

  @Roles('district_admin')
  @Patch()
  update(@CurrentActor() actor: Actor, @Body() body: UpdateDistrictRequest): Promise<DistrictResponse> {
    return this.district.update(actor, body);
  }
}

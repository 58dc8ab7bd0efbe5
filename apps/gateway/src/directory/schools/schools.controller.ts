import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { IdParam } from '../../http/id-param';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { Page } from '@sessionledger/common';
import { DirectoryListQuery } from '../shared/dto';
import { CreateSchoolRequest, SchoolResponse, UpdateSchoolRequest } from './schools.dto';
import { SchoolsService } from './schools.service';

@ApiTags('schools')
@ApiBearerAuth()
@Controller('schools')
export class SchoolsController {
  constructor(private readonly schools: SchoolsService) {}

  @Roles('district_admin')
  @Post()
  create(@CurrentActor() actor: Actor, @Body() body: CreateSchoolRequest): Promise<SchoolResponse> {
    return this.schools.create(actor, body);
  }

  @Roles('district_admin', 'school_admin', 'provider', 'payroll')
  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: DirectoryListQuery): Promise<Page<SchoolResponse>> {
    return this.schools.list(actor, query);
  }

  @Roles('district_admin', 'school_admin', 'provider', 'payroll')
  @Get(':id')
  get(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<SchoolResponse> {
    return this.schools.get(actor, id);
  }

  @Roles('district_admin')
  @Patch(':id')
  update(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: UpdateSchoolRequest): Promise<SchoolResponse> {
    return this.schools.update(actor, id, body);
  }

  @Roles('district_admin')
  @Post(':id/deactivate')
  @HttpCode(200)
  deactivate(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<SchoolResponse> {
    return this.schools.setActive(actor, id, false);
  }

  @Roles('district_admin')
  @Post(':id/reactivate')
  @HttpCode(200)
  reactivate(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<SchoolResponse> {
    return this.schools.setActive(actor, id, true);
  }
}

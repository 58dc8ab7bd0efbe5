import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { IdParam } from '../../http/id-param';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles, Scopes } from '@sessionledger/auth';
import { Page } from '@sessionledger/common';
import { Operation, Paged } from '../../http/openapi';
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
  @Operation({ summary: 'Create a school', answer: SchoolResponse, status: 201, errors: [403, 409] })
  create(@CurrentActor() actor: Actor, @Body() body: CreateSchoolRequest): Promise<SchoolResponse> {
    return this.schools.create(actor, body);
  }

  @Roles('district_admin', 'school_admin', 'provider', 'payroll')
  @Scopes('directory:read')
  @Get()
  @Operation({ summary: 'List schools', description: 'Ordered by name, then id.', answer: Paged(SchoolResponse), errors: [403] })
  list(@CurrentActor() actor: Actor, @Query() query: DirectoryListQuery): Promise<Page<SchoolResponse>> {
    return this.schools.list(actor, query);
  }

  @Roles('district_admin', 'school_admin', 'provider', 'payroll')
  @Scopes('directory:read')
  @Get(':id')
  @Operation({ summary: 'Get a school', answer: SchoolResponse, errors: [403, 404] })
  get(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<SchoolResponse> {
    return this.schools.get(actor, id);
  }

  @Roles('district_admin')
  @Patch(':id')
  @Operation({ summary: 'Change a school', answer: SchoolResponse, errors: [403, 404, 409] })
  update(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: UpdateSchoolRequest): Promise<SchoolResponse> {
    return this.schools.update(actor, id, body);
  }

  @Roles('district_admin')
  @Post(':id/deactivate')
  @Operation({ summary: 'Deactivate a school', answer: SchoolResponse, errors: [403, 404] })
  deactivate(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<SchoolResponse> {
    return this.schools.setActive(actor, id, false);
  }

  @Roles('district_admin')
  @Post(':id/reactivate')
  @Operation({ summary: 'Reactivate a school', answer: SchoolResponse, errors: [403, 404] })
  reactivate(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<SchoolResponse> {
    return this.schools.setActive(actor, id, true);
  }
}

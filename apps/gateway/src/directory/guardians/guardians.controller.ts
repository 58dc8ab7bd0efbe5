import { Body, Controller, Get, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { Page, SyncPageQuery } from '@sessionledger/common';
import { IdParam } from '../../http/id-param';
import { Operation, Paged } from '../../http/openapi';
import {
  CreateGuardianRequest,
  GuardianListQuery,
  GuardianResponse,
  GuardianStudentsRequest,
  StudentGuardianResponse,
  UpdateGuardianRequest,
} from './guardians.dto';
import { GuardiansService } from './guardians.service';

@ApiTags('guardians')
@ApiBearerAuth()
@Controller('guardians')
export class GuardiansController {
  constructor(private readonly guardians: GuardiansService) {}

  @Roles('district_admin', 'school_admin')
  @Post()
  @Operation({ summary: 'Create a guardian of students you administer', answer: GuardianResponse, status: 201, errors: [403] })
  create(@CurrentActor() actor: Actor, @Body() body: CreateGuardianRequest): Promise<GuardianResponse> {
    return this.guardians.create(actor, body);
  }

  @Roles('district_admin', 'school_admin')
  @Get()
  @Operation({ summary: 'List guardians', description: 'Ordered by last name, first name, then id.', answer: Paged(GuardianResponse), errors: [403] })
  list(@CurrentActor() actor: Actor, @Query() query: GuardianListQuery): Promise<Page<GuardianResponse>> {
    return this.guardians.list(actor, query);
  }

  @Roles('district_admin', 'school_admin')
  @Get(':id')
  @Operation({ summary: 'Get a guardian', answer: GuardianResponse, errors: [403, 404] })
  get(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<GuardianResponse> {
    return this.guardians.get(actor, id);
  }

  @Roles('district_admin', 'school_admin')
  @Patch(':id')
  @Operation({ summary: 'Change a guardian', answer: GuardianResponse, errors: [403, 404, 409] })
  update(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: UpdateGuardianRequest): Promise<GuardianResponse> {
    return this.guardians.update(actor, id, body);
  }

  @Roles('district_admin', 'school_admin')
  @Put(':id/students')
  @Operation({ summary: 'Replace a guardian’s links to the students you administer', answer: GuardianResponse, errors: [403, 404] })
  setStudents(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: GuardianStudentsRequest): Promise<GuardianResponse> {
    return this.guardians.setStudents(actor, id, body);
  }

  @Roles('district_admin', 'school_admin')
  @Post(':id/deactivate')
  @Operation({ summary: 'Deactivate a guardian (ends their sign-in at once)', answer: GuardianResponse, errors: [403, 404] })
  deactivate(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<GuardianResponse> {
    return this.guardians.setActive(actor, id, false);
  }

  @Roles('district_admin', 'school_admin')
  @Post(':id/reactivate')
  @Operation({ summary: 'Reactivate a guardian', answer: GuardianResponse, errors: [403, 404] })
  reactivate(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<GuardianResponse> {
    return this.guardians.setActive(actor, id, true);
  }
}

/** A student's guardians, beside the student's own routes. */
@ApiTags('guardians')
@ApiBearerAuth()
@Controller('students/:id/guardians')
export class StudentGuardiansController {
  constructor(private readonly guardians: GuardiansService) {}

  @Roles('district_admin', 'school_admin')
  @Get()
  @Operation({
    summary: 'List a student’s guardians',
    description: 'Inactive guardians included, each with the relationship of their link to this student. Ordered by last name, first name, then id.',
    answer: Paged(StudentGuardianResponse),
    errors: [403, 404],
  })
  list(@CurrentActor() actor: Actor, @IdParam() id: string, @Query() query: SyncPageQuery): Promise<Page<StudentGuardianResponse>> {
    return this.guardians.forStudent(actor, id, query);
  }
}

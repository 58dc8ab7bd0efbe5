import { Body, Controller, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { Page } from '@sessionledger/common';
import { IdParam } from '../../http/id-param';
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
  create(@CurrentActor() actor: Actor, @Body() body: CreateGuardianRequest): Promise<GuardianResponse> {
    return this.guardians.create(actor, body);
  }

  @Roles('district_admin', 'school_admin')
  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: GuardianListQuery): Promise<Page<GuardianResponse>> {
    return this.guardians.list(actor, query);
  }

  @Roles('district_admin', 'school_admin')
  @Get(':id')
  get(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<GuardianResponse> {
    return this.guardians.get(actor, id);
  }

  @Roles('district_admin', 'school_admin')
  @Patch(':id')
  update(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: UpdateGuardianRequest): Promise<GuardianResponse> {
    return this.guardians.update(actor, id, body);
  }

  @Roles('district_admin', 'school_admin')
  @Put(':id/students')
  setStudents(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: GuardianStudentsRequest): Promise<GuardianResponse> {
    return this.guardians.setStudents(actor, id, body);
  }

  @Roles('district_admin', 'school_admin')
  @Post(':id/deactivate')
  @HttpCode(200)
  deactivate(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<GuardianResponse> {
    return this.guardians.setActive(actor, id, false);
  }

  @Roles('district_admin', 'school_admin')
  @Post(':id/reactivate')
  @HttpCode(200)
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
  list(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<StudentGuardianResponse[]> {
    return this.guardians.forStudent(actor, id);
  }
}

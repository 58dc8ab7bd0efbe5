import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { Page, ValidationFailed } from '@sessionledger/common';
import { IdParam } from '../../http/id-param';
import { CreateStudentRequest, StudentListQuery, StudentResponse, StudentSearchQuery, StudentSearchResult, UpdateStudentRequest } from './students.dto';
import { StudentsService } from './students.service';

@ApiTags('students')
@ApiBearerAuth()
@Controller('students')
export class StudentsController {
  constructor(private readonly students: StudentsService) {}

  @Roles('district_admin', 'school_admin')
  @Post()
  create(@CurrentActor() actor: Actor, @Body() body: CreateStudentRequest): Promise<StudentResponse> {
    return this.students.create(actor, body);
  }

  /**
   * Admins list the students of their schools. A provider finds any active
   * student of the district by the first letters of a name (`q` required),
   * with the search's narrower result (GET /students/search answers the same).
   */
  @Roles('district_admin', 'school_admin', 'provider')
  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: StudentListQuery): Promise<Page<StudentResponse> | Page<StudentSearchResult>> {
    if (actor.isDistrictAdmin || actor.has('school_admin')) return this.students.list(actor, query);
    const q = query.q?.trim();
    if (!q) throw new ValidationFailed([{ field: 'q', problems: ['is required: find students by the first letters of their first or last name'] }]);
    return this.students.search(actor, { q, page: query.page, pageSize: query.pageSize });
  }

  @Roles('district_admin', 'school_admin', 'provider')
  @Get('search')
  search(@CurrentActor() actor: Actor, @Query() query: StudentSearchQuery): Promise<Page<StudentSearchResult>> {
    return this.students.search(actor, query);
  }

  @Roles('district_admin', 'school_admin')
  @Get(':id')
  get(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<StudentResponse> {
    return this.students.get(actor, id);
  }

  @Roles('district_admin', 'school_admin')
  @Patch(':id')
  update(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: UpdateStudentRequest): Promise<StudentResponse> {
    return this.students.update(actor, id, body);
  }

  @Roles('district_admin', 'school_admin')
  @Post(':id/deactivate')
  @HttpCode(200)
  deactivate(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<StudentResponse> {
    return this.students.setActive(actor, id, false);
  }

  @Roles('district_admin', 'school_admin')
  @Post(':id/reactivate')
  @HttpCode(200)
  reactivate(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<StudentResponse> {
    return this.students.setActive(actor, id, true);
  }
}

import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles, Scopes } from '@sessionledger/auth';
import { invalid, Page } from '@sessionledger/common';
import { IdParam } from '../../http/id-param';
import { Operation, Paged, pagedSchema } from '../../http/openapi';
import { CreateStudentRequest, StudentListQuery, StudentResponse, StudentSearchQuery, StudentSearchResult, UpdateStudentRequest } from './students.dto';
import { StudentsService } from './students.service';

@ApiTags('students')
@ApiBearerAuth()
@Controller('students')
export class StudentsController {
  constructor(private readonly students: StudentsService) {}

  @Roles('district_admin', 'school_admin')
  @Post()
  @Operation({ summary: 'Create a student', answer: StudentResponse, status: 201, errors: [403, 409] })
  create(@CurrentActor() actor: Actor, @Body() body: CreateStudentRequest): Promise<StudentResponse> {
    return this.students.create(actor, body);
  }

  /**
   * Admins list the students of their schools. A provider finds any active
   * student of the district by the first letters of a name (`q` required),
   * with the search's narrower result (GET /students/search answers the same).
   */
  @Roles('district_admin', 'school_admin', 'provider')
  @Scopes('directory:read')
  @Get()
  // Above @Operation so its two-shaped 200 replaces the one Operation documents.
  @ApiExtraModels(StudentSearchResult)
  @ApiOkResponse({
    description: 'A page of students (admins) or of search results (providers)',
    schema: { oneOf: [pagedSchema(StudentResponse), pagedSchema(StudentSearchResult)] },
  })
  @Operation({
    summary: 'List students',
    description:
      'Admins: the students of their schools, ordered by last name, first name, then id. Providers: `q` is required and the answer is the search’s (`StudentSearchResult` items, as GET /students/search).',
    answer: Paged(StudentResponse),
    errors: [403],
  })
  list(@CurrentActor() actor: Actor, @Query() query: StudentListQuery): Promise<Page<StudentResponse> | Page<StudentSearchResult>> {
    if (actor.isDistrictAdmin || actor.has('school_admin')) return this.students.list(actor, query);
    const q = query.q?.trim();
    if (!q) throw invalid('q', 'is required: find students by the first letters of their first or last name');
    return this.students.search(actor, { q, page: query.page, pageSize: query.pageSize, updatedSince: query.updatedSince });
  }

  @Roles('district_admin', 'school_admin', 'provider')
  @Get('search')
  @Operation({
    summary: 'Find active students of the district by name',
    description: 'Every word of `q` starts the first or last name (accents and case ignored). Ordered by last name, first name (folded), then id.',
    answer: Paged(StudentSearchResult),
    errors: [403],
  })
  search(@CurrentActor() actor: Actor, @Query() query: StudentSearchQuery): Promise<Page<StudentSearchResult>> {
    return this.students.search(actor, query);
  }

  @Roles('district_admin', 'school_admin')
  @Scopes('directory:read')
  @Get(':id')
  @Operation({ summary: 'Get a student', answer: StudentResponse, errors: [403, 404] })
  get(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<StudentResponse> {
    return this.students.get(actor, id);
  }

  @Roles('district_admin', 'school_admin')
  @Patch(':id')
  @Operation({ summary: 'Change a student', answer: StudentResponse, errors: [403, 404, 409] })
  update(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: UpdateStudentRequest): Promise<StudentResponse> {
    return this.students.update(actor, id, body);
  }

  @Roles('district_admin', 'school_admin')
  @Post(':id/deactivate')
  @Operation({ summary: 'Deactivate a student (ends their sign-in at once)', answer: StudentResponse, errors: [403, 404] })
  deactivate(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<StudentResponse> {
    return this.students.setActive(actor, id, false);
  }

  @Roles('district_admin', 'school_admin')
  @Post(':id/reactivate')
  @Operation({ summary: 'Reactivate a student', answer: StudentResponse, errors: [403, 404] })
  reactivate(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<StudentResponse> {
    return this.students.setActive(actor, id, true);
  }
}

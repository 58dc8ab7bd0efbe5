import { Body, Controller, Get, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles, Scopes } from '@sessionledger/auth';
import { Page } from '@sessionledger/common';
import { IdParam } from '../../http/id-param';
import { Operation, Paged } from '../../http/openapi';
import { CreateStaffRequest, StaffApprovalsRequest, StaffListQuery, StaffResponse, StaffSearchQuery, StaffSearchResult, UpdateStaffRequest } from './staff.dto';
import { StaffService } from './staff.service';

@ApiTags('staff')
@ApiBearerAuth()
@Controller('staff')
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Roles('district_admin', 'school_admin')
  @Post()
  @Operation({ summary: 'Create a staff member', answer: StaffResponse, status: 201, errors: [403, 409] })
  create(@CurrentActor() actor: Actor, @Body() body: CreateStaffRequest): Promise<StaffResponse> {
    return this.staff.create(actor, body);
  }

  @Roles('district_admin', 'school_admin')
  @Scopes('directory:read')
  @Get()
  @Operation({ summary: 'List staff', description: 'Ordered by last name, first name, then id.', answer: Paged(StaffResponse), errors: [403] })
  list(@CurrentActor() actor: Actor, @Query() query: StaffListQuery): Promise<Page<StaffResponse>> {
    return this.staff.list(actor, query);
  }

  @Roles('district_admin', 'school_admin', 'provider')
  @Get('search')
  @Operation({
    summary: 'Find staff by name (coaches and admins)',
    description:
      'Active staff of the district whose every word of `q` starts their first or last name (accents and case ignored), ordered by last name, first name, then id; only id and name. For a coach adding the teacher they coach to a session; other providers → 403 `STAFF.SEARCH_FOR_COACHES`.',
    answer: Paged(StaffSearchResult),
    errors: [403],
  })
  search(@CurrentActor() actor: Actor, @Query() query: StaffSearchQuery): Promise<Page<StaffSearchResult>> {
    return this.staff.search(actor, query);
  }

  @Roles('district_admin', 'school_admin')
  @Scopes('directory:read')
  @Get(':id')
  @Operation({ summary: 'Get a staff member', answer: StaffResponse, errors: [403, 404] })
  get(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<StaffResponse> {
    return this.staff.get(actor, id);
  }

  @Roles('district_admin', 'school_admin')
  @Patch(':id')
  @Operation({ summary: 'Change a staff member', answer: StaffResponse, errors: [403, 404, 409] })
  update(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: UpdateStaffRequest): Promise<StaffResponse> {
    return this.staff.update(actor, id, body);
  }

  @Roles('district_admin', 'school_admin')
  @Put(':id/approvals')
  @Operation({ summary: 'Replace a staff member’s school approvals', answer: StaffResponse, errors: [403, 404, 409] })
  setApprovals(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: StaffApprovalsRequest): Promise<StaffResponse> {
    return this.staff.setApprovals(actor, id, body);
  }

  @Roles('district_admin', 'school_admin')
  @Post(':id/deactivate')
  @Operation({ summary: 'Deactivate a staff member (ends their sign-in at once)', answer: StaffResponse, errors: [403, 404] })
  deactivate(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<StaffResponse> {
    return this.staff.setActive(actor, id, false);
  }

  @Roles('district_admin', 'school_admin')
  @Post(':id/reactivate')
  @Operation({ summary: 'Reactivate a staff member', answer: StaffResponse, errors: [403, 404] })
  reactivate(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<StaffResponse> {
    return this.staff.setActive(actor, id, true);
  }
}

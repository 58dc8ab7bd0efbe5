import { Body, Controller, Get, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { Page, SyncPageQuery } from '@sessionledger/common';
import { IdParam } from '../../http/id-param';
import { Operation, Paged } from '../../http/openapi';
import { CreateStaffGroupRequest, StaffGroupMembersRequest, StaffGroupResponse } from './staff-groups.dto';
import { StaffGroupsService } from './staff-groups.service';

@ApiTags('staff-groups')
@ApiBearerAuth()
@Controller('staff-groups')
export class StaffGroupsController {
  constructor(private readonly groups: StaffGroupsService) {}

  @Roles('district_admin', 'school_admin')
  @Post()
  @Operation({ summary: 'Create a staff (teacher) group', answer: StaffGroupResponse, status: 201, errors: [403] })
  create(@CurrentActor() actor: Actor, @Body() body: CreateStaffGroupRequest): Promise<StaffGroupResponse> {
    return this.groups.create(actor, body);
  }

  @Roles('district_admin', 'school_admin')
  @Get()
  @Operation({ summary: 'List staff groups', description: 'Ordered by name, then id.', answer: Paged(StaffGroupResponse), errors: [403] })
  list(@CurrentActor() actor: Actor, @Query() query: SyncPageQuery): Promise<Page<StaffGroupResponse>> {
    return this.groups.list(actor, query);
  }

  @Roles('district_admin', 'school_admin')
  @Get(':id')
  @Operation({ summary: 'Get a staff group', answer: StaffGroupResponse, errors: [403, 404] })
  get(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<StaffGroupResponse> {
    return this.groups.get(actor, id);
  }

  @Roles('district_admin', 'school_admin')
  @Put(':id/members')
  @Operation({ summary: 'Replace a staff group’s members', answer: StaffGroupResponse, errors: [403, 404, 409] })
  setMembers(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: StaffGroupMembersRequest): Promise<StaffGroupResponse> {
    return this.groups.setMembers(actor, id, body);
  }
}

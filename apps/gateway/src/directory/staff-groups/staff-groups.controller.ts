import { Body, Controller, Get, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { IdParam } from '../../http/id-param';
import { CreateStaffGroupRequest, StaffGroupMembersRequest, StaffGroupResponse } from './staff-groups.dto';
import { StaffGroupsService } from './staff-groups.service';

@ApiTags('staff-groups')
@ApiBearerAuth()
@Controller('staff-groups')
export class StaffGroupsController {
  constructor(private readonly groups: StaffGroupsService) {}

  @Roles('district_admin', 'school_admin')
  @Post()
  create(@CurrentActor() actor: Actor, @Body() body: CreateStaffGroupRequest): Promise<StaffGroupResponse> {
    return this.groups.create(actor, body);
  }

  @Roles('district_admin', 'school_admin')
  @Get()
  list(@CurrentActor() actor: Actor): Promise<StaffGroupResponse[]> {
    return this.groups.list(actor);
  }

  @Roles('district_admin', 'school_admin')
  @Get(':id')
  get(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<StaffGroupResponse> {
    return this.groups.get(actor, id);
  }

  @Roles('district_admin', 'school_admin')
  @Put(':id/members')
  setMembers(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: StaffGroupMembersRequest): Promise<StaffGroupResponse> {
    return this.groups.setMembers(actor, id, body);
  }
}

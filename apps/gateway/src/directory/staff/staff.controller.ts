import { Body, Controller, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { Page } from '@sessionledger/common';
import { IdParam } from '../../http/id-param';
import { CreateStaffRequest, StaffApprovalsRequest, StaffListQuery, StaffResponse, UpdateStaffRequest } from './staff.dto';
import { StaffService } from './staff.service';

@ApiTags('staff')
@ApiBearerAuth()
@Controller('staff')
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Roles('district_admin', 'school_admin')
  @Post()
  create(@CurrentActor() actor: Actor, @Body() body: CreateStaffRequest): Promise<StaffResponse> {
    return this.staff.create(actor, body);
  }

  @Roles('district_admin', 'school_admin')
  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: StaffListQuery): Promise<Page<StaffResponse>> {
    return this.staff.list(actor, query);
  }

  @Roles('district_admin', 'school_admin')
  @Get(':id')
  get(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<StaffResponse> {
    return this.staff.get(actor, id);
  }

  @Roles('district_admin', 'school_admin')
  @Patch(':id')
  update(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: UpdateStaffRequest): Promise<StaffResponse> {
    return this.staff.update(actor, id, body);
  }

  @Roles('district_admin', 'school_admin')
  @Put(':id/approvals')
  setApprovals(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: StaffApprovalsRequest): Promise<StaffResponse> {
    return this.staff.setApprovals(actor, id, body);
  }

  @Roles('district_admin', 'school_admin')
  @Post(':id/deactivate')
  @HttpCode(200)
  deactivate(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<StaffResponse> {
    return this.staff.setActive(actor, id, false);
  }

  @Roles('district_admin', 'school_admin')
  @Post(':id/reactivate')
  @HttpCode(200)
  reactivate(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<StaffResponse> {
    return this.staff.setActive(actor, id, true);
  }
}

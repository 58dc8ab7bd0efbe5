import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { DistrictController } from './district/district.controller';
import { DistrictProvisioning } from './district/district-provisioning';
import { DistrictService } from './district/district.service';
import { SchoolsController } from './schools/schools.controller';
import { SchoolsService } from './schools/schools.service';
import { GroupsController } from './groups/groups.controller';
import { GroupsService } from './groups/groups.service';
import { GuardiansController, StudentGuardiansController } from './guardians/guardians.controller';
import { GuardiansService } from './guardians/guardians.service';
import { StaffController } from './staff/staff.controller';
import { StaffService } from './staff/staff.service';
import { StaffGroupsController } from './staff-groups/staff-groups.controller';
import { StaffGroupsService } from './staff-groups/staff-groups.service';
import { StudentsController } from './students/students.controller';
import { StudentsService } from './students/students.service';

@Module({
  imports: [AuthModule],
  controllers: [
    DistrictController,
    SchoolsController,
    StaffController,
    StudentsController,
    StudentGuardiansController,
    GuardiansController,
    GroupsController,
    StaffGroupsController,
  ],
  providers: [
    DistrictService,
    DistrictProvisioning,
    SchoolsService,
    StaffService,
    StudentsService,
    GuardiansService,
    GroupsService,
    StaffGroupsService,
  ],
  exports: [DistrictService, DistrictProvisioning, SchoolsService],
})
export class DirectoryModule {}

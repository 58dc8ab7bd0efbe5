import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { DistrictController } from './district/district.controller';
import { DistrictProvisioning } from './district/district-provisioning';
import { DistrictService } from './district/district.service';
import { SchoolsController } from './schools/schools.controller';
import { SchoolsService } from './schools/schools.service';

@Module({
  imports: [AuthModule],
  controllers: [DistrictController, SchoolsController],
  providers: [DistrictService, DistrictProvisioning, SchoolsService],
  exports: [DistrictService, DistrictProvisioning, SchoolsService],
})
export class DirectoryModule {}

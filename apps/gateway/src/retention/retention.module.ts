import { Module } from '@nestjs/common';
import { LegalHoldsController, RetentionController } from './retention.controller';
import { RetentionSweep } from './retention-sweep';
import { RetentionService } from './retention.service';

@Module({
  controllers: [RetentionController, LegalHoldsController],
  providers: [RetentionService, RetentionSweep],
})
export class RetentionModule {}

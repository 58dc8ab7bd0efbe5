import { Module } from '@nestjs/common';
import { PayController } from './pay.controller';
import { PayService } from './pay.service';

/** Pay: payroll owns schedules, periods and lines; the gateway checks roles and sends the commands. */
@Module({
  controllers: [PayController],
  providers: [PayService],
})
export class PayModule {}

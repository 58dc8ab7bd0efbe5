import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { Actor, AUTHENTICATED, CurrentActor, Roles } from '@sessionledger/auth';
import { TenantTransactions } from '@sessionledger/persistence';
import { MAIL_LANGUAGES, type MailLanguage } from '@sessionledger/platform';
import { Operation } from '../http/openapi';

export class PreferencesReply {
  @ApiProperty({ enum: MAIL_LANGUAGES, description: 'The language the web app and e-mail speak to this person' })
  language: MailLanguage;

  @ApiProperty({ description: 'E-mail me when a long job I started (roster import, export, invitation batch) finishes; the in-app notice comes either way' })
  jobMail: boolean;
}

/** Each field left out keeps its value. */
export class PutPreferencesRequest {
  @ApiPropertyOptional({ enum: MAIL_LANGUAGES, example: 'es' })
  @IsOptional()
  @IsIn(MAIL_LANGUAGES)
  language?: MailLanguage;

  @ApiPropertyOptional({ example: true, description: 'E-mail me when a long job I started finishes' })
  @IsOptional()
  @IsBoolean()
  jobMail?: boolean;
}

interface PreferencesRow {
  language: MailLanguage;
  job_mail: boolean;
}

/**
 * The signed-in person's own settings, kept on their account so a choice made
 * on a phone holds on the next device and in the e-mail they are sent.
 */
@ApiTags('me')
@ApiBearerAuth()
@Controller('me/preferences')
export class PreferencesController {
  constructor(private readonly transactions: TenantTransactions) {}

  @Roles(...AUTHENTICATED)
  @Get()
  @Operation({ summary: 'Read my preferences', description: 'The language the app and e-mail use (set by an invitation, or here), and whether finished jobs are e-mailed to me.', answer: PreferencesReply })
  read(@CurrentActor() actor: Actor): Promise<PreferencesReply> {
    return this.transactions.run(actor.districtId, async (em) => {
      const [row] = await em.execute<PreferencesRow[]>(`select language, job_mail from gateway.app_user where id = ?`, [actor.userId]);
      return { language: row.language, jobMail: row.job_mail };
    });
  }

  @Roles(...AUTHENTICATED)
  @Put()
  @Operation({ summary: 'Set my preferences', description: 'The language the app and e-mail use, and whether finished jobs are e-mailed to me, from now on; a field left out stays as it is.', answer: PreferencesReply })
  put(@CurrentActor() actor: Actor, @Body() body: PutPreferencesRequest): Promise<PreferencesReply> {
    return this.transactions.run(actor.districtId, async (em) => {
      const [row] = await em.execute<PreferencesRow[]>(
        `update gateway.app_user set language = coalesce(?, language), job_mail = coalesce(?, job_mail) where id = ? returning language, job_mail`,
        [body.language ?? null, body.jobMail ?? null, actor.userId],
      );
      return { language: row.language, jobMail: row.job_mail };
    });
  }
}

import { csvField, safeText } from '../periods/pay-export';

/**
 * The billing export: one row per student × date of service × provider ×
 * service × place of service, net of reversals and with the day's unit
 * adjustments, so units are those of the student's total timed minutes for
 * the day with that provider. Columns follow the session-note → 837P map
 * (../shared/data/medicaid/session_note_to_837P.derived.csv):
 * date_of_service → loop 2400 DTP03 (CCYYMMDD); place_of_service → CLM05-01 /
 * SV105; service_code → SV101-02 (the district's service code; the state's fee
 * schedule maps it to a HCPCS/CPT code); units → SV104 with SV103 = UN;
 * rendering_provider_npi → 2310B NM109; billing_provider_npi → 2010AA;
 * student_state_id stands for the subscriber id (2010BA NM109) the district holds.
 */
export interface BilledDay {
  sessionDate: string;
  studentId: string;
  studentName: string;
  stateId: string | null;
  placeOfService: string;
  service: string;
  providerId: string;
  providerName: string;
  minutes: number;
  units: number;
}

export interface BillingProviders {
  billingProviderNpi: string;
  renderingProviderNpi: string;
}

export const BILLING_EXPORT_HEADER = [
  'date_of_service',
  'student_id',
  'student_name',
  'student_state_id',
  'place_of_service',
  'service_code',
  'minutes',
  'unit_basis',
  'units',
  'provider_id',
  'provider_name',
  'rendering_provider_npi',
  'billing_provider_npi',
] as const;

const text = (value: string | null): string => csvField(safeText(value ?? ''));

export function billingExportCsv(providers: BillingProviders, days: BilledDay[]): string {
  const lines = [BILLING_EXPORT_HEADER.join(',')];
  for (const day of days) {
    lines.push(
      [
        day.sessionDate.replace(/-/g, ''),
        text(day.studentId),
        text(day.studentName),
        text(day.stateId),
        day.placeOfService,
        text(day.service),
        String(day.minutes),
        'UN',
        String(day.units),
        text(day.providerId),
        text(day.providerName),
        providers.renderingProviderNpi,
        providers.billingProviderNpi,
      ].join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/*
 * `npm run demo`, after the apps are up: gives the demo tutor a week that
 * looks like one — a tutoring work order at each of their schools and a
 * weekly series for each of their groups — through the API with the typed
 * client, so the demo's schedule obeys the same rules as a district's.
 * Does nothing when the tutor already has series (a second `npm run demo`).
 *
 * Usage: node -r ts-node/register/transpile-only -r tsconfig-paths/register scripts/demo-schedule.ts <gateway URL> <password>
 */
import { createSessionledgerClient, type SessionledgerClient } from '@sessionledger/api-client';

const TUTOR = 'tutor@demo.sessionledger.test';
const ADMIN = 'district-admin@demo.sessionledger.test';
/** $32.50 an hour, the rate the API documentation's examples use. */
const TUTORING_RATE_CENTS = 3250;
/** One weekly slot per group, in the order the API lists the tutor's groups: every weekday has something planned. */
const SLOTS = [
  { byDay: 'MO,WE,FR', time: '08:30', room: 'Room 12' },
  { byDay: 'MO,WE,FR', time: '13:00', room: 'Library' },
  { byDay: 'TU,TH', time: '09:00', room: 'Room 4' },
  { byDay: 'TU,TH,FR', time: '14:15', room: 'Learning lab' },
];
const WEEKS = 30;

async function main(): Promise<void> {
  const [baseUrl, password] = process.argv.slice(2);
  if (!baseUrl || !password) throw new Error('usage: demo-schedule.ts <gateway URL> <password>');
  const tutor = await signedIn(baseUrl, TUTOR, password);
  const admin = await signedIn(baseUrl, ADMIN, password);
  const me = ok(await tutor.GET('/api/me'));
  const existing = ok(await tutor.GET('/api/series', { params: { query: { providerId: me.userId, pageSize: 1 } } }));
  if (existing.total > 0) return console.log(`demo schedule: ${TUTOR} already has ${existing.total} series; left as they are`);

  const district = ok(await tutor.GET('/api/district'));
  const today = localDate(new Date(), district.timeZone);
  const monday = addDays(today, -((weekday(today) + 6) % 7));
  const schoolYear = schoolYearOf(today);

  const workOrders = new Map<string, string>();
  for (const schoolId of me.schoolIds) {
    const workOrder = ok(
      await admin.POST('/api/work-orders', {
        body: { type: 'tutoring', providerId: me.userId, schoolId, payRateCents: TUTORING_RATE_CENTS, validFrom: schoolYear.from, validTo: schoolYear.to, description: 'Reading tutoring, small groups' },
      }),
    );
    workOrders.set(schoolId, workOrder.id);
  }

  const groups = ok(await tutor.GET('/api/groups', { params: { query: { pageSize: 200 } } })).items.filter((group) => group.providerId === me.userId && group.active);
  for (const [index, group] of groups.slice(0, SLOTS.length).entries()) {
    const slot = SLOTS[index];
    ok(
      await tutor.POST('/api/series', {
        body: {
          service: 'tutoring',
          type: 'group',
          groupId: group.id,
          workOrderId: workOrders.get(group.schoolId),
          placeOfService: slot.room,
          start: `${monday}T${slot.time}`,
          durationMinutes: 45,
          rrule: `FREQ=WEEKLY;BYDAY=${slot.byDay};COUNT=${WEEKS * slot.byDay.split(',').length}`,
        },
      }),
    );
  }
  console.log(`demo schedule: ${workOrders.size} work orders and ${Math.min(groups.length, SLOTS.length)} weekly series for ${TUTOR}, from ${monday}`);
}

async function signedIn(baseUrl: string, email: string, password: string): Promise<SessionledgerClient> {
  const anonymous = createSessionledgerClient({ baseUrl });
  const { accessToken } = ok(await anonymous.POST('/api/auth/login', { body: { email, password } }));
  return createSessionledgerClient({ baseUrl, getAccessToken: () => accessToken });
}

/** The reply's data, or a thrown error naming the API's code and message. */
function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) {
    const error = result.error as { code?: string; message?: string } | undefined;
    throw new Error(`${result.response.url} answered ${result.response.status}: ${error?.code ?? ''} ${error?.message ?? ''}`);
  }
  return result.data;
}

function localDate(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/** 0 for Sunday … 6 for Saturday, of a YYYY-MM-DD date. */
function weekday(date: string): number {
  return new Date(`${date}T12:00:00Z`).getUTCDay();
}

function addDays(date: string, days: number): string {
  const noon = new Date(`${date}T12:00:00Z`);
  noon.setUTCDate(noon.getUTCDate() + days);
  return noon.toISOString().slice(0, 10);
}

/** The school year (August to June) a date falls in. */
function schoolYearOf(date: string): { from: string; to: string } {
  const year = Number(date.slice(0, 4));
  const startYear = Number(date.slice(5, 7)) >= 8 ? year : year - 1;
  return { from: `${startYear}-08-01`, to: `${startYear + 1}-06-30` };
}

main().catch((error: unknown) => {
  console.error(`demo schedule failed: ${(error as Error).message}`);
  process.exit(1);
});

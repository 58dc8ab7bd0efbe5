import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { messagingTransport } from '@sessionledger/messaging';
import { TenantTransactions } from '@sessionledger/persistence';
import { startApp, stopApps, waitFor } from '@sessionledger/testing';
import { SessionLogModule } from '../../session-log/src/session-log.module';
import { RosterImport } from '../src/roster/roster-import.entity';
import { verifyWebhook } from '../src/webhooks/webhook-signature';
import { as, createDistrict, Session, signIn, startGateway, TEST_PASSWORD, TestDistrict, TestUser } from './support/gateway-harness';
import { addGroup, addStudent } from './support/session-fixtures';
import { replicated, startSession } from './support/session-harness';

const GOOD_NOTE = 'Sam, you kept going on the hard problems today. Your fractions are getting faster. Next, check each answer against the estimate. Practise two problems a night.';

interface Received {
  id: string;
  timestamp: number;
  body: string;
  signature: string;
  signatureValid: boolean;
}

type Mode = 'ok' | 'fail' | 'hang';

/**
 * A district system's receiver: plain node:http on loopback. It checks every
 * request's signature with the endpoint's secret the way a receiver would,
 * and can answer 500, hold requests without answering, or be killed.
 */
class Receiver {
  readonly received: Received[] = [];
  mode: Mode = 'ok';
  secret = '';
  port = 0;
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private pendingHang?: () => void;

  async start(port = 0): Promise<void> {
    this.server = createServer((request, response) => this.handle(request, response));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Dies as a crashed receiver does: the listener closes and every open connection (with requests in flight) is cut. */
  async kill(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server!.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
    this.server = undefined;
  }

  /** Resolves once a request is being held open (mode 'hang'). */
  hanging(): Promise<void> {
    return new Promise((resolve) => (this.pendingHang = resolve));
  }

  url(path = '/hooks'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  ofId(id: string): Received[] {
    return this.received.filter((r) => r.id === id);
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const id = String(request.headers['webhook-id'] ?? '');
      const timestamp = Number(request.headers['webhook-timestamp']);
      const signature = String(request.headers['webhook-signature'] ?? '');
      const signatureValid = this.secret !== '' && verifyWebhook(this.secret, id, timestamp, body, signature);
      if (this.mode === 'hang') {
        this.pendingHang?.();
        return; // never answers: the request is in flight when the receiver dies
      }
      this.received.push({ id, timestamp, body, signature, signatureValid });
      if (this.mode === 'fail') {
        response.writeHead(500).end('receiver is down for maintenance');
        return;
      }
      response.writeHead(signatureValid ? 204 : 401).end();
    });
  }
}

describe('Webhooks (outbox → gateway consumer → BullMQ → a real HTTP receiver)', () => {
  let gateway: NestFastifyApplication;
  let sessionLog: NestFastifyApplication;
  let district: TestDistrict;
  let other: TestDistrict;
  let admin: Session;
  let otherAdmin: Session;
  let tutor: TestUser;
  let tutorSession: Session;
  let group: { id: string };
  const receiver = new Receiver();

  /** A finished session of the group, with attendance and notes, ready to post (no work order: time tracking only). */
  async function completeSession(startedAt: Date): Promise<{ id: string }> {
    const started = await startSession(gateway, tutorSession, { service: 'tutoring', groupId: group.id, startedAt: startedAt.toISOString() });
    for (const participant of started.participants) {
      await as(gateway, tutorSession)
        .patch(`/api/sessions/${started.id}/participants/${participant.id}`)
        .send({
          version: 1,
          present: true,
          qualifiers: { homebound: false, detention: true, creditRecovery: false, remedial: false, remedialCriteria: [] },
          studentNote: GOOD_NOTE,
        })
        .expect(200);
    }
    await as(gateway, tutorSession)
      .post(`/api/sessions/${started.id}/end`)
      .send({ version: 1, endedAt: new Date(startedAt.getTime() + 45 * 60_000).toISOString() })
      .expect(200);
    return started;
  }

  const deliveriesOf = async (endpointId: string) => (await as(gateway, admin).get(`/api/webhooks/endpoints/${endpointId}/deliveries?pageSize=200`).expect(200)).body;

  beforeAll(async () => {
    gateway = await startGateway({
      RPC_TIMEOUT_MS: '5000',
      OUTBOX_RELAY_ENABLED: 'true',
      WEBHOOK_ALLOW_LOOPBACK: 'true',
      WEBHOOK_RETRY_BASE_MS: '200',
      WEBHOOK_MAX_ATTEMPTS: '12',
      WEBHOOK_TIMEOUT_MS: '3000',
    });
    sessionLog = await startApp({ service: 'session-log', module: SessionLogModule, ...messagingTransport('session-log') }, { OUTBOX_RELAY_ENABLED: 'true' });
    [district, other] = await Promise.all([createDistrict(gateway, 1), createDistrict(gateway, 1)]);
    await replicated(sessionLog, district.id, 1);
    [admin, otherAdmin] = await Promise.all([signIn(gateway, district.admin.email), signIn(gateway, other.admin.email)]);
    tutor = await district.user(['provider'], { schoolIds: [district.schools[0].id], providerKind: 'tutor', name: 'Tess' });
    tutorSession = await signIn(gateway, tutor.email);
    const students = await Promise.all([0, 1].map(() => addStudent(gateway, admin, district.schools[0].id)));
    group = await addGroup(gateway, admin, district.schools[0].id, tutor.id, students.map((s) => s.id));
    await receiver.start();
  });

  afterAll(async () => {
    await receiver.kill().catch(() => undefined);
    await stopApps(gateway, sessionLog);
  });

  it('delivers every event at least once, signed, with one id per event, across a receiver that fails and is killed mid-delivery', async () => {
    const created = await as(gateway, admin)
      .post('/api/webhooks/endpoints')
      .send({ url: receiver.url(), events: ['session.posted', 'student.changed', 'roster_import.finished'], description: 'SIS' })
      .expect(201);
    expect(created.body).toMatchObject({ url: receiver.url(), enabled: true, version: 1, events: ['session.posted', 'student.changed', 'roster_import.finished'] });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    receiver.secret = created.body.secret;
    const endpointId: string = created.body.id;
    // Shown once: reading it back never shows the secret.
    const read = await as(gateway, admin).get(`/api/webhooks/endpoints/${endpointId}`).expect(200);
    expect(read.body.secret).toBeUndefined();

    // The receiver answers 500 first, then holds a request open and dies with it in flight.
    receiver.mode = 'fail';
    const sessions = [await completeSession(new Date(Date.now() - 3 * 3600_000)), await completeSession(new Date(Date.now() - 2 * 3600_000))];
    for (const session of sessions) {
      await as(gateway, tutorSession).post(`/api/sessions/${session.id}/post`).send({ password: TEST_PASSWORD }).expect(200);
    }
    const newStudent = await addStudent(gateway, admin, district.schools[0].id, { firstName: 'Priya', lastName: 'Privacy' });
    // A roster import's end, whichever process writes it, is announced by the table.
    const importId = await gateway.get(TenantTransactions).run(district.id, async (em) => {
      const rosterImport = new RosterImport(district.id, { dryRun: true, source: 'operator', fileNames: ['users.csv'], requestedBy: null, notices: [] });
      em.persist(rosterImport);
      await em.flush();
      rosterImport.status = 'succeeded';
      rosterImport.finishedAt = new Date();
      await em.flush();
      return rosterImport.id;
    });

    await waitFor(async () => receiver.received.length >= 2, 20_000);
    const hung = receiver.hanging();
    receiver.mode = 'hang';
    await hung;
    const port = receiver.port;
    await receiver.kill();
    // Down for a while: attempts meet a refused connection.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    receiver.mode = 'ok';
    await receiver.start(port);

    const expectedDeliveries = 4; // two posted sessions, one new student, one finished import
    let log: { items: { id: string; webhookId: string; type: string; status: string; attemptCount: number; attempts: { statusCode: number | null; outcome: string; error: string | null }[] }[] } = { items: [] };
    await waitFor(async () => {
      log = await deliveriesOf(endpointId);
      return log.items.length === expectedDeliveries && log.items.every((d) => d.status === 'delivered');
    }, 60_000);

    expect(log.items.map((d) => d.type).sort()).toEqual(['roster_import.finished', 'session.posted', 'session.posted', 'student.changed']);
    for (const delivery of log.items) {
      const arrivals = receiver.ofId(delivery.webhookId);
      expect(arrivals.length).toBeGreaterThanOrEqual(1);
      // Every arrival of one delivery is the same message under the same id, with a signature that verifies.
      expect(arrivals.every((a) => a.signatureValid)).toBe(true);
      expect(new Set(arrivals.map((a) => a.body)).size).toBe(1);
    }
    // Nothing arrived that is not one of these deliveries: duplicates share their delivery's id.
    const ids = new Set(log.items.map((d) => d.webhookId));
    expect(receiver.received.filter((r) => !ids.has(r.id))).toEqual([]);
    // The failures are in the log: a 500 with its status code, the cut or refused connection without one.
    const attempts = log.items.flatMap((d) => d.attempts);
    expect(attempts.some((a) => a.statusCode === 500 && a.outcome === 'failed')).toBe(true);
    expect(attempts.some((a) => a.statusCode === null && a.outcome === 'failed' && a.error)).toBe(true);
    expect(log.items.every((d) => d.attempts.at(-1)?.outcome === 'delivered' && d.attemptCount === d.attempts.length)).toBe(true);

    const bodies = log.items.map((d) => JSON.parse(receiver.ofId(d.webhookId)[0].body));
    const posted = bodies.filter((b) => b.type === 'session.posted').map((b) => b.data.sessionId).sort();
    expect(posted).toEqual(sessions.map((s) => s.id).sort());
    const postedBody = bodies.find((b) => b.type === 'session.posted');
    expect(postedBody).toMatchObject({ timestamp: expect.any(String), data: { version: 1, providerId: tutor.id, schoolId: district.schools[0].id, state: 'ended' } });
    expect(postedBody.data.participants).toHaveLength(2);
    expect(bodies.find((b) => b.type === 'student.changed').data).toEqual({ id: newStudent.id, sourcedId: null, change: 'created', active: true, version: 1 });
    expect(bodies.find((b) => b.type === 'roster_import.finished').data).toMatchObject({ importId, status: 'succeeded', dryRun: true, failureCode: null });
    // Directory records are announced only while an endpoint subscribes to their type: the students, group and
    // tutor made before the endpoint existed, and staff (not subscribed), left no event behind.
    const announced = (await gateway
      .get(TenantTransactions)
      .run(district.id, (em) => em.execute(`select payload->>'id' as id from gateway.outbox_event where name = 'gateway.directory-record-changed'`))) as { id: string }[];
    expect(announced.map((row) => row.id)).toEqual([newStudent.id]);
    // No names, notes or provider descriptions travel in a webhook.
    const everything = receiver.received.map((r) => r.body).join('\n');
    for (const secretText of ['Priya', 'Privacy', 'Tess', 'fractions']) expect(everything).not.toContain(secretText);
  }, 120_000);

  it('replays a delivery with the same webhook-id and a fresh valid signature, and logs the replay', async () => {
    const endpoints = await as(gateway, admin).get('/api/webhooks/endpoints').expect(200);
    const endpointId = endpoints.body.items[0].id;
    const [delivery] = (await deliveriesOf(endpointId)).items;
    const before = receiver.ofId(delivery.webhookId).length;

    const replayed = await as(gateway, admin).post(`/api/webhooks/deliveries/${delivery.id}/replay`).expect(202);
    expect(replayed.body).toMatchObject({ id: delivery.id, webhookId: delivery.webhookId, status: 'pending' });
    await waitFor(async () => receiver.ofId(delivery.webhookId).length > before, 15_000);
    const latest = receiver.ofId(delivery.webhookId).at(-1)!;
    expect(latest.signatureValid).toBe(true);
    expect(latest.body).toBe(receiver.ofId(delivery.webhookId)[0].body);

    let after: { status: string; attempts: { replay: boolean; outcome: string }[] } | undefined;
    await waitFor(async () => {
      after = (await deliveriesOf(endpointId)).items.find((d: { id: string }) => d.id === delivery.id);
      return after?.status === 'delivered';
    }, 15_000);
    expect(after!.attempts.at(-1)).toMatchObject({ replay: true, outcome: 'delivered' });
  }, 60_000);

  it('rotates the secret: later deliveries verify with the new one only', async () => {
    const endpoints = await as(gateway, admin).get('/api/webhooks/endpoints').expect(200);
    const endpoint = endpoints.body.items[0];
    const rotated = await as(gateway, admin).post(`/api/webhooks/endpoints/${endpoint.id}/rotate-secret`).expect(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(receiver.secret);
    expect(rotated.body.version).toBe(endpoint.version + 1);
    const oldSecret = receiver.secret;
    receiver.secret = rotated.body.secret;

    const student = await addStudent(gateway, admin, district.schools[0].id);
    let arrival: Received | undefined;
    await waitFor(async () => {
      arrival = receiver.received.find((r) => JSON.parse(r.body).data?.id === student.id);
      return arrival !== undefined;
    }, 20_000);
    expect(arrival!.signatureValid).toBe(true);
    expect(verifyWebhook(oldSecret, arrival!.id, arrival!.timestamp, arrival!.body, arrival!.signature)).toBe(false);

    // Deactivating is a change of its own kind.
    await as(gateway, admin).post(`/api/students/${student.id}/deactivate`).expect(200);
    let deactivated: { data: Record<string, unknown> } | undefined;
    await waitFor(async () => {
      deactivated = receiver.received.map((r) => JSON.parse(r.body)).find((b) => b.data?.id === student.id && b.data.change === 'deactivated');
      return deactivated !== undefined;
    }, 20_000);
    expect(deactivated!.data).toMatchObject({ id: student.id, change: 'deactivated', active: false });
  }, 60_000);

  it('refuses what a district admin may not register, other roles, other districts and stale writes', async () => {
    const api = as(gateway, admin);
    const fieldsOf = (body: { fields?: { field: string }[] }) => (body.fields ?? []).map((f) => f.field);

    const plainHttp = await api.post('/api/webhooks/endpoints').send({ url: 'http://sis.example.org/hooks', events: ['session.posted'] }).expect(400);
    expect(fieldsOf(plainHttp.body)).toEqual(['url']);
    expect(JSON.stringify(plainHttp.body)).toContain('https://');
    const privateAddress = await api.post('/api/webhooks/endpoints').send({ url: 'https://10.1.2.3/hooks', events: ['session.posted'] }).expect(400);
    expect(fieldsOf(privateAddress.body)).toEqual(['url']);
    const metadata = await api.post('/api/webhooks/endpoints').send({ url: 'https://169.254.169.254/latest/meta-data', events: ['session.posted'] }).expect(400);
    expect(fieldsOf(metadata.body)).toEqual(['url']);
    const credentials = await api.post('/api/webhooks/endpoints').send({ url: 'https://user:pw@sis.example.org/hooks', events: ['session.posted'] }).expect(400);
    expect(fieldsOf(credentials.body)).toEqual(['url']);
    const unknownEvent = await api.post('/api/webhooks/endpoints').send({ url: receiver.url(), events: ['session.deleted'] }).expect(400);
    expect(fieldsOf(unknownEvent.body)).toEqual(['events']);
    const tooLong = await api.post('/api/webhooks/endpoints').send({ url: `https://sis.example.org/${'a'.repeat(2100)}`, events: ['session.posted'] }).expect(400);
    expect(fieldsOf(tooLong.body)).toEqual(['url']);

    const endpoint = (await api.get('/api/webhooks/endpoints').expect(200)).body.items[0];
    const [delivery] = (await deliveriesOf(endpoint.id)).items;

    // Wrong role: a provider may not see or register endpoints.
    await as(gateway, tutorSession).get('/api/webhooks/endpoints').expect(403);
    await as(gateway, tutorSession).post('/api/webhooks/endpoints').send({ url: receiver.url(), events: ['session.posted'] }).expect(403);
    await as(gateway, tutorSession).post(`/api/webhooks/deliveries/${delivery.id}/replay`).expect(403);

    // Another district's admin sees nothing of this district's endpoints: 404 everywhere.
    const foreign = as(gateway, otherAdmin);
    expect((await foreign.get('/api/webhooks/endpoints').expect(200)).body.total).toBe(0);
    await foreign.get(`/api/webhooks/endpoints/${endpoint.id}`).expect(404);
    await foreign.patch(`/api/webhooks/endpoints/${endpoint.id}`).send({ version: endpoint.version, enabled: false }).expect(404);
    await foreign.get(`/api/webhooks/endpoints/${endpoint.id}/deliveries`).expect(404);
    await foreign.post(`/api/webhooks/endpoints/${endpoint.id}/rotate-secret`).expect(404);
    await foreign.post(`/api/webhooks/deliveries/${delivery.id}/replay`).expect(404);
    await foreign.delete(`/api/webhooks/endpoints/${endpoint.id}`).expect(404);

    // A stale version is refused; the current one changes the endpoint.
    const stale = await api.patch(`/api/webhooks/endpoints/${endpoint.id}`).send({ version: endpoint.version - 1, description: 'x' }).expect(409);
    expect(stale.body.code).toBe('WEBHOOK_ENDPOINT.STALE');
    const badPatch = await api.patch(`/api/webhooks/endpoints/${endpoint.id}`).send({ version: endpoint.version, url: 'https://192.168.0.10/hooks' }).expect(400);
    expect(fieldsOf(badPatch.body)).toEqual(['url']);
    const cleared = await api.patch(`/api/webhooks/endpoints/${endpoint.id}`).send({ version: endpoint.version, enabled: null }).expect(400);
    expect(fieldsOf(cleared.body)).toEqual(['enabled']);
    const changed = await api.patch(`/api/webhooks/endpoints/${endpoint.id}`).send({ version: endpoint.version, description: 'Warehouse' }).expect(200);
    expect(changed.body).toMatchObject({ description: 'Warehouse', version: endpoint.version + 1 });

    // Deleting takes its log with it.
    await api.delete(`/api/webhooks/endpoints/${endpoint.id}`).expect(204);
    await api.get(`/api/webhooks/endpoints/${endpoint.id}`).expect(404);
    await api.post(`/api/webhooks/deliveries/${delivery.id}/replay`).expect(404);
  }, 60_000);
});

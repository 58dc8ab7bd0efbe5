/*
 * State reporting for admins: sessions the state export leaves out (with the
 * API's reasons), and for district admins the exports (start, follow,
 * download), what changed since the last export, and a student's disclosures.
 */
import { Anchor, Button, Group, List, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ApiError } from '../api/useApi';
import { useCurrentUser } from '../auth/useCurrentUser';
import { Pager } from '../admin/Pager';
import { formatDay, formatInstant } from '../payroll/format';
import { StudentPicker, type PickedStudent } from '../series/StudentPicker';
import { addDays, localDate } from '../today/local-time';
import { ApiErrorAlert, fieldErrors } from '../ui/ApiErrorAlert';
import { ColumnHeads } from '../ui/ColumnHeads';
import { Loading } from '../ui/Loading';
import {
  idempotencyKey,
  INELIGIBLE_PAGE_SIZE,
  LIST_PAGE_SIZE,
  useDisclosures,
  useExportDownload,
  useIneligible,
  useRecordsChangedSince,
  useStartExport,
  useStateExport,
  useStateExports,
  type StateExport,
} from './api';
import { JobProgress, JobStatus } from './parts';
import { describeCounts, EXPORT_STATUS_WORDS, FORMAT_WORDS, lastExportedAt, rangeProblem } from './reporting';

export function StateReportingPage() {
  const { me } = useCurrentUser();
  const [search, setSearch] = useSearchParams();
  const exportsToo = me.roles.includes('district_admin');
  const shown = search.get('export');
  const show = (id: string) => setSearch({ export: id });
  return (
    <Stack maw={1000} mx="auto" gap="lg">
      <div>
        <Title order={1}>State reporting</Title>
        <Text>
          {exportsToo
            ? 'The sessions the state export leaves out and why, the exports to the state, what changed since the last one, and to whom each student’s data was sent.'
            : 'The sessions of your schools the state export leaves out, and why.'}
        </Text>
      </div>
      {exportsToo && (
        <>
          <StartExportForm onStarted={show} />
          {shown && <ExportDetail id={shown} />}
          <ExportHistory shownId={shown} onShow={show} />
          <ChangedSinceLastExport />
        </>
      )}
      <IneligibleSessions />
      {exportsToo && <Disclosures />}
    </Stack>
  );
}

function StartExportForm({ onStarted }: { onStarted: (id: string) => void }) {
  const { district } = useCurrentUser();
  const today = localDate(new Date(), district.timeZone);
  const [format, setFormat] = useState<StateExport['format']>('csv');
  const [from, setFrom] = useState(() => addDays(today, -30));
  const [to, setTo] = useState(today);
  const [recipient, setRecipient] = useState('State Department of Education');
  const [purpose, setPurpose] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [key, setKey] = useState(idempotencyKey);
  const start = useStartExport();
  const fields = fieldErrors(start.error);

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const wrong = rangeProblem(from, to);
    setProblem(wrong);
    if (wrong) return;
    start.mutate(
      { body: { format, from, to, recipient: recipient.trim(), purpose: purpose.trim() }, key },
      {
        onSuccess: (started) => {
          setKey(idempotencyKey());
          onStarted(started.id);
        },
        // A refusal is an answer: the corrected request is another action, under a new key (the old one would answer 422 for another body).
        onError: (error) => {
          if (error instanceof ApiError) setKey(idempotencyKey());
        },
      },
    );
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="start-export-heading">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h3" id="start-export-heading">
            Export to the state
          </Title>
          <Text size="sm">The eligible sessions of the dates, as new rows, corrections of rows already sent, and deletions. Each student whose data it carries gets a disclosure record.</Text>
          <div>
            <Text size="sm" fw={500} id="export-format-label">
              Format
            </Text>
            <SegmentedControl
              aria-labelledby="export-format-label"
              value={format}
              onChange={(value) => setFormat(value as StateExport['format'])}
              data={[
                { value: 'csv', label: 'CSV' },
                { value: 'edfi', label: 'Ed-Fi JSON' },
              ]}
            />
          </div>
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
            <TextInput type="date" label="First session date" value={from} onChange={(e) => setFrom(e.currentTarget.value)} error={fields.from} withAsterisk />
            <TextInput
              type="date"
              label="Last session date"
              value={to}
              onChange={(e) => setTo(e.currentTarget.value)}
              error={problem ?? fields.to}
              withAsterisk
            />
          </SimpleGrid>
          <TextInput label="Recipient" description="To whom the students’ data goes" value={recipient} onChange={(e) => setRecipient(e.currentTarget.value)} error={fields.recipient} withAsterisk />
          <TextInput
            label="Purpose"
            description="Why it is sent, for the disclosure records"
            placeholder="Extended learning attendance report, November"
            value={purpose}
            onChange={(e) => setPurpose(e.currentTarget.value)}
            error={fields.purpose}
            withAsterisk
          />
          <ApiErrorAlert error={start.error} title="The export was not started" fieldsShownInForm={['from', 'to', 'recipient', 'purpose']} />
          <Group>
            <Button type="submit" loading={start.isPending} w={{ base: '100%', xs: 'auto' }}>
              Start the export
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function ExportDetail({ id }: { id: string }) {
  const { district } = useCurrentUser();
  const found = useStateExport(id);
  const download = useExportDownload();
  if (found.isPending) return <Loading what="the export" height={120} />;
  if (!found.data) return <ApiErrorAlert error={found.error} title="The export could not be loaded" />;
  const item = found.data;
  const active = item.status === 'queued' || item.status === 'running';
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="export-heading" data-testid="export-detail">
      <Stack gap="sm">
        <div>
          <Title order={2} size="h3" id="export-heading">
            {FORMAT_WORDS[item.format]} export, {formatDay(item.from)} – {formatDay(item.to)}
          </Title>
          <Group gap="xs" mt={4}>
            <JobStatus status={item.status} words={EXPORT_STATUS_WORDS[item.status]} />
            <Text size="sm">
              Started {formatInstant(item.createdAt, district.timeZone)} by {item.requestedByName} · for {item.recipient}
            </Text>
          </Group>
        </div>
        <ApiErrorAlert error={found.error} title="The export could not be read again" />
        <JobProgress
          label="Export progress"
          percent={item.status === 'done' ? 100 : item.progress}
          words={item.status === 'queued' ? 'Waiting to start' : item.status === 'running' ? `${item.progress}% done` : item.status === 'done' ? 'Finished' : 'Stopped'}
          active={active}
        />
        {item.error && (
          <ApiErrorAlert error={{ code: 'EXPORT.FAILED', message: item.error }} title="The export failed: no file was made" />
        )}
        {item.status === 'done' && (
          <>
            <Text data-testid="export-counts">{describeCounts(item.counts)}</Text>
            {item.counts.skipped > 0 && (
              <List size="sm">
                {item.counts.skippedReasons.map((reason) => (
                  <List.Item key={reason.reason}>
                    Left out, {reason.count}: {reason.reason}
                  </List.Item>
                ))}
              </List>
            )}
            {item.counts.ineligibleSessions > 0 && (
              <Text size="sm">
                {item.counts.ineligibleSessions} {item.counts.ineligibleSessions === 1 ? 'session of these dates is' : 'sessions of these dates are'} not eligible: see{' '}
                <Anchor href="#ineligible-heading">Sessions left out of the export</Anchor>.
              </Text>
            )}
            <ApiErrorAlert error={download.error} title="The file could not be downloaded" />
            <Group>
              <Button loading={download.isPending} onClick={() => download.mutate(item)} w={{ base: '100%', xs: 'auto' }}>
                Download {FORMAT_WORDS[item.format]}
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Paper>
  );
}

function ExportHistory({ shownId, onShow }: { shownId: string | null; onShow: (id: string) => void }) {
  const { district } = useCurrentUser();
  const [page, setPage] = useState(1);
  const exports = useStateExports(page);
  const pages = Math.max(1, Math.ceil((exports.data?.total ?? 0) / LIST_PAGE_SIZE));
  return (
    <Stack gap="xs" component="section" aria-labelledby="export-history-heading">
      <Title order={2} size="h3" id="export-history-heading">
        Past exports
      </Title>
      <ApiErrorAlert error={exports.error} title="The exports could not be loaded" />
      {exports.isPending ? (
        <Loading what="past exports" height={120} />
      ) : exports.data && exports.data.items.length === 0 ? (
        <Text>No export was made yet.</Text>
      ) : exports.data ? (
        <>
          <Table striped verticalSpacing="xs" aria-busy={exports.isFetching} data-testid="past-exports">
            <ColumnHeads columns={[{ label: 'Export' }, { label: 'Status' }, { label: 'Records', numeric: true, wideOnly: true }]} />
            <Table.Tbody>
              {exports.data.items.map((item) => (
                <Table.Tr key={item.id} aria-current={item.id === shownId ? 'true' : undefined}>
                  <Table.Th scope="row" fw={400}>
                    <Anchor component="button" type="button" fw={600} ta="left" onClick={() => onShow(item.id)}>
                      {FORMAT_WORDS[item.format]}, {formatDay(item.from)} – {formatDay(item.to)}
                    </Anchor>
                    <Text size="xs">
                      {formatInstant(item.createdAt, district.timeZone)} · {item.requestedByName}
                    </Text>
                  </Table.Th>
                  <Table.Td>
                    <JobStatus status={item.status} words={EXPORT_STATUS_WORDS[item.status]} />
                  </Table.Td>
                  <Table.Td ta="right" visibleFrom="sm">
                    {item.status === 'done' ? item.counts.records : ''}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Pager label="Pages of past exports" page={page} pages={pages} onPage={setPage} />
        </>
      ) : null}
    </Stack>
  );
}

/** Records written or recomputed since the newest finished export of the chosen format: the next one sends them as corrections (or new rows). */
function ChangedSinceLastExport() {
  const { district } = useCurrentUser();
  const [format, setFormat] = useState<StateExport['format']>('csv');
  const exports = useStateExports(1);
  const since = exports.data ? lastExportedAt(exports.data.items, format) : null;
  const changed = useRecordsChangedSince(since);
  return (
    <Stack gap="xs" component="section" aria-labelledby="changed-heading">
      <Group justify="space-between" align="flex-end">
        <Title order={2} size="h3" id="changed-heading">
          Changed since the last export
        </Title>
        <SegmentedControl
          aria-label="Format of the last export"
          size="xs"
          value={format}
          onChange={(value) => setFormat(value as StateExport['format'])}
          data={[
            { value: 'csv', label: 'CSV' },
            { value: 'edfi', label: 'Ed-Fi' },
          ]}
        />
      </Group>
      <ApiErrorAlert error={changed.error} title="The changed records could not be loaded" />
      {!since ? (
        <Text>No {FORMAT_WORDS[format]} export has finished yet: the first one sends every eligible record.</Text>
      ) : changed.isPending ? (
        <Loading what="changed records" height={80} />
      ) : changed.data && changed.data.items.length === 0 ? (
        <Text>Nothing changed since the export of {formatInstant(since, district.timeZone)}.</Text>
      ) : changed.data ? (
        <>
          <Text size="sm">
            {changed.data.total} {changed.data.total === 1 ? 'record was' : 'records were'} written or recomputed since the export of {formatInstant(since, district.timeZone)} (amendments,
            new sessions, bell schedules). The next export sends them as corrections or new rows.
          </Text>
          <Table striped verticalSpacing="xs" data-testid="changed-records">
            <ColumnHeads columns={[{ label: 'Session' }, { label: 'Student' }, { label: 'Minutes', numeric: true }, { label: 'Eligible', wideOnly: true }]} />
            <Table.Tbody>
              {changed.data.items.map((record) => (
                <Table.Tr key={record.id}>
                  <Table.Th scope="row" fw={400}>
                    <Anchor component={Link} to={`/sessions/${record.sessionId}`}>
                      {formatDay(record.sessionDate)}, version {record.sessionVersion}
                    </Anchor>
                  </Table.Th>
                  <Table.Td>{record.studentName}</Table.Td>
                  <Table.Td ta="right">{record.minutes}</Table.Td>
                  <Table.Td visibleFrom="sm">{record.eligible ? 'Yes' : 'No'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {changed.data.total > changed.data.items.length && <Text size="sm">The first {changed.data.items.length} are listed.</Text>}
        </>
      ) : null}
    </Stack>
  );
}

function IneligibleSessions() {
  const [page, setPage] = useState(1);
  const ineligible = useIneligible(page);
  const pages = Math.max(1, Math.ceil((ineligible.data?.total ?? 0) / INELIGIBLE_PAGE_SIZE));
  return (
    <Stack gap="xs" component="section" aria-labelledby="ineligible-heading">
      <Title order={2} size="h3" id="ineligible-heading" tabIndex={-1}>
        Sessions left out of the export
      </Title>
      <Text size="sm">Posted sessions the state export does not take, oldest first, with every reason. Fix the session (or its work order) and it is taken by the next export.</Text>
      <ApiErrorAlert error={ineligible.error} title="The sessions left out could not be loaded" />
      {ineligible.isPending ? (
        <Loading what="sessions left out" height={120} />
      ) : ineligible.data && ineligible.data.items.length === 0 ? (
        <Text>Every posted session is eligible.</Text>
      ) : ineligible.data ? (
        <>
          <Table striped verticalSpacing="xs" aria-busy={ineligible.isFetching} data-testid="ineligible">
            <Table.Caption>
              Page {page} of {pages} · {ineligible.data.total} {ineligible.data.total === 1 ? 'session' : 'sessions'}
            </Table.Caption>
            <ColumnHeads columns={[{ label: 'Session' }, { label: 'Why it is left out' }, { label: 'Students', numeric: true, wideOnly: true }]} />
            <Table.Tbody>
              {ineligible.data.items.map((session) => (
                <Table.Tr key={session.sessionId} data-testid="ineligible-session">
                  <Table.Th scope="row" fw={400}>
                    <Anchor component={Link} to={`/sessions/${session.sessionId}`} fw={600}>
                      {formatDay(session.sessionDate)}
                    </Anchor>
                    <Text size="xs">
                      {session.providerName} · {session.service}
                      {session.schoolCode ? ` · school ${session.schoolCode}` : ''}
                    </Text>
                  </Table.Th>
                  <Table.Td>
                    <List size="sm" data-testid="ineligible-reasons">
                      {session.reasons.map((reason) => (
                        <List.Item key={reason}>{reason}</List.Item>
                      ))}
                    </List>
                  </Table.Td>
                  <Table.Td ta="right" visibleFrom="sm">
                    {session.students}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Pager label="Pages of sessions left out" page={page} pages={pages} onPage={setPage} />
        </>
      ) : null}
    </Stack>
  );
}

function Disclosures() {
  const { district } = useCurrentUser();
  const [students, setStudents] = useState<PickedStudent[]>([]);
  const [page, setPage] = useState(1);
  const student = students[0] ?? null;
  const disclosures = useDisclosures(student?.id ?? null, page);
  const pages = Math.max(1, Math.ceil((disclosures.data?.total ?? 0) / LIST_PAGE_SIZE));
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="disclosures-heading">
      <Stack gap="sm">
        <Title order={2} size="h3" id="disclosures-heading">
          Disclosures of a student’s data
        </Title>
        <Text size="sm">Every export and records request that sent a student’s data, to whom and why, newest first.</Text>
        <StudentPicker
          value={students}
          onChange={(picked) => {
            setStudents(picked);
            setPage(1);
          }}
          single
        />
        {student && (
          <>
            <ApiErrorAlert error={disclosures.error} title="The disclosures could not be loaded" />
            {disclosures.isPending ? (
              <Loading what="disclosures" height={80} />
            ) : disclosures.data && disclosures.data.items.length === 0 ? (
              <Text>{student.name}’s data was never sent out.</Text>
            ) : disclosures.data ? (
              <>
                <Table striped verticalSpacing="xs" data-testid="disclosures">
                  <Table.Caption>{student.name}’s disclosures</Table.Caption>
                  <ColumnHeads columns={[{ label: 'Sent' }, { label: 'To and why' }, { label: 'Records', numeric: true, wideOnly: true }]} />
                  <Table.Tbody>
                    {disclosures.data.items.map((d) => (
                      <Table.Tr key={`${d.exportId}:${d.studentId}`}>
                        <Table.Th scope="row" fw={400}>
                          {formatInstant(d.disclosedAt, district.timeZone)}
                          <Text size="xs">
                            {d.kind === 'state_export' ? 'State export' : 'Records request'} ({d.format === 'edfi' ? 'Ed-Fi' : d.format.toUpperCase()}) by {d.disclosedByName}
                          </Text>
                        </Table.Th>
                        <Table.Td>
                          {d.recipient}
                          <Text size="xs">{d.purpose}</Text>
                        </Table.Td>
                        <Table.Td ta="right" visibleFrom="sm">
                          {d.records}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
                <Pager label="Pages of disclosures" page={page} pages={pages} onPage={setPage} />
              </>
            ) : null}
          </>
        )}
      </Stack>
    </Paper>
  );
}

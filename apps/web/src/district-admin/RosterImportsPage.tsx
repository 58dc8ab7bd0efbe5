/*
 * Roster import for district admins: upload a OneRoster zip (a dry run unless
 * "apply" is ticked and confirmed), follow it while it runs, read its counts
 * and row errors, invite the people it created, and look back at past imports.
 */
import { Alert, Anchor, Badge, Button, Checkbox, FileInput, Group, List, Modal, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { ApiError } from '../api/useApi';
import { useCurrentUser } from '../auth/useCurrentUser';
import { Pager } from '../admin/Pager';
import { formatInstant } from '../payroll/format';
import { ApiErrorAlert } from '../ui/ApiErrorAlert';
import { ColumnHeads } from '../ui/ColumnHeads';
import { Loading } from '../ui/Loading';
import {
  idempotencyKey,
  LIST_PAGE_SIZE,
  useInvitationBatch,
  useInviteImported,
  useRosterImport,
  useRosterImports,
  useStartRosterImport,
  type RosterImport,
  type RosterImportSummary,
} from './api';
import { JobProgress, JobStatus, MODAL_PROPS } from './parts';
import { describeProgress, entityRows, importPercent, linkRows, pageOf, peopleCreated, problemGroups, STATUS_WORDS } from './roster';

const ERRORS_PAGE_SIZE = 20;

export function RosterImportsPage() {
  const [search, setSearch] = useSearchParams();
  const shown = search.get('import');
  const show = (id: string) => setSearch({ import: id });
  return (
    <Stack maw={1000} mx="auto" gap="lg">
      <div>
        <Title order={1}>Roster import</Title>
        <Text>Load the district’s schools, staff, students, guardians and classes from the OneRoster export of your student information system.</Text>
      </div>
      <UploadForm onStarted={show} />
      {shown && <ImportDetail id={shown} />}
      <PastImports shownId={shown} onShow={show} />
    </Stack>
  );
}

function UploadForm({ onStarted }: { onStarted: (id: string) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [apply, setApply] = useState(false);
  const [missing, setMissing] = useState(false);
  const [confirming, { open, close }] = useDisclosure(false);
  const [key, setKey] = useState(idempotencyKey);
  const start = useStartRosterImport();

  const send = () => {
    if (!file) return;
    start.mutate(
      { file, dryRun: !apply, key },
      {
        onSuccess: (started) => {
          close();
          // The next upload is another action, with its own key.
          setKey(idempotencyKey());
          onStarted(started.id);
        },
        // A refusal is an answer: another try is another action, under a new key (the old one would answer 422 for another body).
        onError: (error) => {
          if (error instanceof ApiError) setKey(idempotencyKey());
        },
      },
    );
  };
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (!file) {
      setMissing(true);
      return;
    }
    start.reset();
    if (apply) open();
    else send();
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="upload-heading">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h3" id="upload-heading">
            Upload a roster
          </Title>
          <FileInput
            label="OneRoster export (zip)"
            description="The zip of CSV files (orgs.csv, users.csv, classes.csv, enrollments.csv…) your student information system exports"
            placeholder="Choose a .zip file"
            // Mantine's placeholder grey is 2.1:1 on white; this one reads at 7:1.
            styles={{ placeholder: { color: 'var(--mantine-color-gray-7)' } }}
            accept=".zip,application/zip"
            clearable
            clearButtonProps={{ 'aria-label': 'Remove the chosen file' }}
            value={file}
            onChange={(chosen) => {
              setFile(chosen);
              setMissing(false);
              setKey(idempotencyKey());
            }}
            error={missing ? 'Choose the zip to import' : undefined}
            withAsterisk
          />
          <Checkbox
            label="Apply the changes to the directory"
            description="Off: a dry run reports what would change, with every row error, and changes nothing."
            checked={apply}
            onChange={(event) => setApply(event.currentTarget.checked)}
          />
          <ApiErrorAlert error={confirming ? null : start.error} title="The roster was not accepted" />
          <Group>
            <Button type="submit" loading={start.isPending && !confirming} w={{ base: '100%', xs: 'auto' }}>
              {apply ? 'Import the roster' : 'Check the roster (dry run)'}
            </Button>
          </Group>
        </Stack>
      </form>
      <Modal opened={confirming} onClose={close} title="Import the roster for real?" centered {...MODAL_PROPS}>
        <Stack gap="sm">
          <Text>
            The directory is changed: schools, staff, students, guardians and groups are added or updated from <strong>{file?.name}</strong>, and records the files no longer name
            are deactivated (nothing is deleted). Rows with errors are skipped.
          </Text>
          <Text>A dry run first shows what would change without changing anything.</Text>
          <ApiErrorAlert error={start.error} title="The roster was not accepted" />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button loading={start.isPending} onClick={send}>
              Import and apply
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}

function ImportDetail({ id }: { id: string }) {
  const { district } = useCurrentUser();
  const found = useRosterImport(id);
  if (found.isPending) return <Loading what="the import" height={160} />;
  if (!found.data) return <ApiErrorAlert error={found.error} title="The import could not be loaded" />;
  const item = found.data;
  const active = item.status === 'queued' || item.status === 'running';
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="import-heading" data-testid="import-detail">
      <Stack gap="md">
        <div>
          <Title order={2} size="h3" id="import-heading">
            {item.dryRun ? 'Dry run' : 'Import'} of {formatInstant(item.createdAt, district.timeZone)}
          </Title>
          <Group gap="xs" mt={4}>
            <JobStatus status={item.status} words={STATUS_WORDS[item.status]} />
            <Text size="sm">
              {item.files.join(', ')}
              {item.version ? ` · OneRoster ${item.version}` : ''}
            </Text>
          </Group>
        </div>
        <ApiErrorAlert error={found.error} title="The import could not be read again" />
        <JobProgress label="Import progress" percent={importPercent(item)} words={describeProgress(item)} active={active} />
        {item.failure && (
          <Alert color="red" variant="light" title="The import failed: nothing was written" role="alert" data-error-code={item.failure.code}>
            <Text size="sm">{item.failure.message}</Text>
            {item.failure.file && (
              <Text size="sm">
                {item.failure.file}
                {item.failure.line ? `, line ${item.failure.line}` : ''}
              </Text>
            )}
          </Alert>
        )}
        {item.status === 'succeeded' && (
          <>
            {item.dryRun && (
              <Text fw={600} data-testid="dry-run-note">
                Dry run: nothing was changed. These are the changes an import of these files would make.
              </Text>
            )}
            <ImportCounts item={item} />
            {!item.dryRun && peopleCreated(item.counts) > 0 && <InviteCreated item={item} />}
          </>
        )}
        {item.notices.length > 0 && (
          <div>
            <Title order={3} size="h4">
              Notices
            </Title>
            <List size="sm">
              {item.notices.map((notice, i) => (
                <List.Item key={i}>
                  {notice.file}
                  {notice.column ? ` (${notice.column})` : ''}: {notice.message}
                </List.Item>
              ))}
            </List>
          </div>
        )}
        {item.errorCount > 0 && <RowErrors item={item} />}
      </Stack>
    </Paper>
  );
}

function ImportCounts({ item }: { item: RosterImport }) {
  const entities = entityRows(item.counts);
  const links = linkRows(item.counts);
  return (
    <Stack gap="sm">
      <Table striped verticalSpacing="xs" data-testid="import-counts">
        <Table.Caption>Records {item.dryRun ? 'that would be ' : ''}created, updated, deactivated and left unchanged</Table.Caption>
        <ColumnHeads
          columns={[
            { label: 'Records' },
            { label: 'Created', numeric: true },
            { label: 'Updated', numeric: true },
            { label: 'Deactivated', numeric: true, wideOnly: true },
            { label: 'Unchanged', numeric: true, wideOnly: true },
          ]}
        />
        <Table.Tbody>
          {entities.map((row) => (
            <Table.Tr key={row.label} data-testid={`count-${row.label}`}>
              <Table.Th scope="row">
                {row.label}
                <Text size="xs" fw={400} hiddenFrom="sm">
                  {row.deactivated} deactivated · {row.unchanged} unchanged
                </Text>
              </Table.Th>
              <Table.Td ta="right">{row.created}</Table.Td>
              <Table.Td ta="right">{row.updated}</Table.Td>
              <Table.Td ta="right" visibleFrom="sm">
                {row.deactivated}
              </Table.Td>
              <Table.Td ta="right" visibleFrom="sm">
                {row.unchanged}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {links.length > 0 && (
        <Text size="sm">
          {links.map((link) => `${link.label}: ${link.added} added, ${link.removed} removed`).join(' · ')}
          {item.counts.skippedUsers ? ` · ${item.counts.skippedUsers} users with roles the directory does not keep (administrators, proctors…) skipped` : ''}
        </Text>
      )}
    </Stack>
  );
}

function RowErrors({ item }: { item: RosterImport }) {
  const [page, setPage] = useState(1);
  const shown = pageOf(item.errors, page, ERRORS_PAGE_SIZE);
  const byFile = Object.entries(item.counts.errorsByFile ?? {}).filter(([, n]) => n > 0);
  return (
    <Stack gap="xs" component="section" aria-labelledby="row-errors-heading">
      <Title order={3} size="h4" id="row-errors-heading">
        Row errors: {item.errorCount} {item.errorCount === 1 ? 'row was' : 'rows were'} skipped
      </Title>
      {byFile.length > 0 && <Text size="sm">{byFile.map(([file, n]) => `${file}: ${n}`).join(' · ')}</Text>}
      {item.errorCount > item.errors.length && <Text size="sm">The first {item.errors.length.toLocaleString('en-US')} are listed.</Text>}
      <Table striped verticalSpacing="xs" data-testid="row-errors">
        <Table.Caption>
          Page {shown.page} of {shown.pages}
        </Table.Caption>
        <ColumnHeads columns={[{ label: 'File', wideOnly: true }, { label: 'Line', numeric: true }, { label: 'Column', wideOnly: true }, { label: 'Reason' }]} />
        <Table.Tbody>
          {shown.items.map((error, i) => (
            <Table.Tr key={`${error.file}:${error.line}:${error.column}:${i}`} data-testid="row-error">
              <Table.Td visibleFrom="sm">{error.file}</Table.Td>
              <Table.Td ta="right">{error.line}</Table.Td>
              <Table.Td visibleFrom="sm">{error.column}</Table.Td>
              <Table.Td style={{ overflowWrap: 'anywhere' }}>
                {error.reason}
                <Text size="xs" c="dimmed" hiddenFrom="sm">
                  {error.file}, column {error.column}
                </Text>
                {error.sourcedId && (
                  <Text size="xs" c="dimmed">
                    sourcedId {error.sourcedId}
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Pager label="Pages of row errors" page={shown.page} pages={shown.pages} onPage={setPage} />
    </Stack>
  );
}

/** The API sends every invitation of the import in one background batch; its progress is read here. */
function InviteCreated({ item }: { item: RosterImport }) {
  const [key] = useState(idempotencyKey);
  const invite = useInviteImported();
  // A finished batch's notice links here with its id, so the batch is shown again after the screen was left.
  const [search] = useSearchParams();
  const batch = useInvitationBatch(invite.data?.id ?? search.get('batch'));
  const found = batch.data ?? invite.data;
  const people = peopleCreated(item.counts);
  if (!found) {
    return (
      <Stack gap="xs" align="flex-start">
        <Text size="sm">
          {people} {people === 1 ? 'person was' : 'people were'} created without a way to sign in. An invitation e-mails each a link to set a password.
        </Text>
        <ApiErrorAlert error={invite.error} title="The invitations were not sent" />
        <Button variant="light" loading={invite.isPending} onClick={() => invite.mutate({ rosterImportId: item.id, key })}>
          Send invitations to the people it created
        </Button>
      </Stack>
    );
  }
  const { total, sent, skipped, failed } = found.progress;
  const done = sent + skipped + failed;
  const active = found.status === 'queued' || found.status === 'running';
  return (
    <Stack gap="xs" data-testid="invitation-batch">
      <Title order={3} size="h4">
        Invitations
      </Title>
      <JobProgress
        label="Invitations sent"
        percent={total === 0 ? 100 : Math.round((done / total) * 100)}
        words={`${sent} of ${total} sent${skipped ? `, ${skipped} skipped` : ''}${failed ? `, ${failed} failed` : ''}${active ? '' : ' · finished'}`}
        active={active}
      />
      <ApiErrorAlert error={batch.error} title="The invitations could not be read again" />
      {found.problems.length > 0 && (
        <List size="sm" data-testid="invitation-problems">
          {problemGroups(found.problems).map((group) => (
            <List.Item key={group.key}>
              Not invited, {group.count} {group.kind}
              {group.count === 1 ? '' : 's'}: {group.reason}
            </List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}

function PastImports({ shownId, onShow }: { shownId: string | null; onShow: (id: string) => void }) {
  const { district } = useCurrentUser();
  const [page, setPage] = useState(1);
  const imports = useRosterImports(page);
  const pages = Math.max(1, Math.ceil((imports.data?.total ?? 0) / LIST_PAGE_SIZE));
  return (
    <Stack gap="xs" component="section" aria-labelledby="past-imports-heading">
      <Title order={2} size="h3" id="past-imports-heading">
        Past imports
      </Title>
      <ApiErrorAlert error={imports.error} title="The imports could not be loaded" />
      {imports.isPending ? (
        <Loading what="past imports" height={120} />
      ) : imports.data && imports.data.items.length === 0 ? (
        <Text>No roster was imported yet.</Text>
      ) : imports.data ? (
        <>
          <Table striped verticalSpacing="xs" aria-busy={imports.isFetching} data-testid="past-imports">
            <ColumnHeads columns={[{ label: 'Uploaded' }, { label: 'Status' }, { label: 'Row errors', numeric: true, wideOnly: true }]} />
            <Table.Tbody>
              {imports.data.items.map((item) => (
                <PastImportRow key={item.id} item={item} timeZone={district.timeZone} current={item.id === shownId} onShow={onShow} />
              ))}
            </Table.Tbody>
          </Table>
          <Pager label="Pages of past imports" page={page} pages={pages} onPage={setPage} />
        </>
      ) : null}
    </Stack>
  );
}

function PastImportRow({ item, timeZone, current, onShow }: { item: RosterImportSummary; timeZone: string; current: boolean; onShow: (id: string) => void }) {
  return (
    <Table.Tr data-testid="past-import" aria-current={current ? 'true' : undefined}>
      <Table.Th scope="row" fw={400}>
        <Anchor component="button" type="button" fw={600} onClick={() => onShow(item.id)} ta="left">
          {formatInstant(item.createdAt, timeZone)}
        </Anchor>
        <Group gap={6} mt={2}>
          {item.dryRun && (
            <Badge variant="outline" color="dark" size="sm">
              Dry run
            </Badge>
          )}
          <Text size="xs">{item.source === 'operator' ? 'by the operator' : item.files.length + ' files'}</Text>
          <Text size="xs" hiddenFrom="sm">
            · {item.errorCount} row errors
          </Text>
        </Group>
      </Table.Th>
      <Table.Td>
        <JobStatus status={item.status} words={STATUS_WORDS[item.status]} />
      </Table.Td>
      <Table.Td ta="right" visibleFrom="sm">
        {item.errorCount}
      </Table.Td>
    </Table.Tr>
  );
}

/* Pieces every directory screen shares: the searched and paged list, the record's heading, deactivation with a confirm, a save's refusal, adding someone by name. */
import { Alert, Anchor, Badge, Button, Group, Modal, Paper, SegmentedControl, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { UseMutationResult, UseQueryResult } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { pageCount } from '../admin/filters';
import { Pager } from '../admin/Pager';
import { MODAL_PROPS } from '../district-admin/parts';
import { useDebounced } from '../sessions/useDebounced';
import { ApiErrorAlert } from '../ui/ApiErrorAlert';
import { ColumnHeads, type Column } from '../ui/ColumnHeads';
import { Loading } from '../ui/Loading';
import { changeListParams, readListParams, writeListParams, type ListParams, type Status } from './address';
import { DIRECTORY_PAGE_SIZE, type Match } from './api';
import { isStale } from './sets';

/** The list's search, status and page, read from and written to the address. */
export function useListParams() {
  const [search, setSearch] = useSearchParams();
  const params = useMemo(() => readListParams(search), [search]);
  const apply = (next: ListParams) => setSearch(writeListParams(next), { preventScrollReset: true });
  return { params, apply, change: (change: Partial<Omit<ListParams, 'page'>>) => apply(changeListParams(params, change)) };
}

export function ActiveBadge({ active }: { active: boolean }) {
  return (
    <Badge variant="light" color={active ? 'green' : 'gray'} c="dark.8" miw="max-content" data-testid="active-badge">
      {active ? 'Active' : 'Inactive'}
    </Badge>
  );
}

export interface DirectoryListProps<T> {
  /** Plural noun: "staff members", "students". */
  noun: string;
  /** Whether the API filters this list by name and by active/inactive. */
  searchable: boolean;
  query: UseQueryResult<{ items: T[]; total: number }>;
  columns: Column[];
  row: (item: T) => ReactNode;
  /** A link to the create form, where the API lets admins create this kind of record. */
  create?: { to: string; label: string };
}

/** A directory list: search by name (typed words kept in the address once typing stops), active/inactive, the table and its pages. */
export function DirectoryList<T>({ noun, searchable, query, columns, row, create }: DirectoryListProps<T>) {
  const { params, apply, change } = useListParams();
  const [typed, setTyped] = useState(params.q);
  const settled = useDebounced(typed, 350);
  // The address follows the typing once it pauses; a reload or Back puts the address's words in the box.
  useEffect(() => {
    // Only a settled change of the words moves the address; the address changing by itself must not re-run this.
    if (settled.trim() !== params.q) change({ q: settled });
  }, [settled]);
  useEffect(() => {
    setTyped((current) => (current.trim() === params.q ? current : params.q));
  }, [params.q]);
  const total = query.data?.total ?? 0;
  const pages = pageCount(total, DIRECTORY_PAGE_SIZE);

  return (
    <Stack gap="md">
      {(searchable || create) && (
        <Paper withBorder p="md" component="form" role="search" aria-label={`Find ${noun}`} onSubmit={(event) => event.preventDefault()}>
          <Group align="flex-end" gap="sm">
            {searchable && (
              <>
                <TextInput
                  label="Name"
                  description="The first letters of a first or last name"
                  value={typed}
                  onChange={(event) => setTyped(event.currentTarget.value)}
                  style={{ flex: '1 1 220px' }}
                  type="search"
                />
                <Stack gap={4}>
                  <Text size="sm" fw={500} id={`status-${noun}`}>
                    Show
                  </Text>
                  <SegmentedControl
                    aria-labelledby={`status-${noun}`}
                    value={params.status}
                    onChange={(status) => change({ status: status as Status })}
                    data={[
                      { value: 'active', label: 'Active' },
                      { value: 'inactive', label: 'Inactive' },
                      { value: 'all', label: 'All' },
                    ]}
                  />
                </Stack>
              </>
            )}
            {create && (
              <Button component={Link} to={create.to} ml={{ sm: 'auto' }}>
                {create.label}
              </Button>
            )}
          </Group>
        </Paper>
      )}
      <ApiErrorAlert error={query.error} title={`The ${noun} could not be loaded`} />
      {query.isPending ? (
        <Loading what={noun} height={200} />
      ) : query.data && query.data.items.length === 0 ? (
        <Text data-testid="directory-empty">{params.q ? `No ${noun} match “${params.q}”.` : `No ${noun} here.`}</Text>
      ) : query.data ? (
        <Table striped highlightOnHover verticalSpacing="sm" aria-busy={query.isFetching} data-testid="directory-list">
          <Table.Caption>
            Page {Math.min(params.page, pages)} of {pages} · {total} {noun}
          </Table.Caption>
          <ColumnHeads columns={columns} />
          <Table.Tbody>{query.data.items.map(row)}</Table.Tbody>
        </Table>
      ) : null}
      <Pager label={`Pages of ${noun}`} page={params.page} pages={pages} onPage={(page) => apply({ ...params, page })} />
    </Stack>
  );
}

/** A list row's first cell: the record's name linking to it. */
export function RowLink({ to, name, children }: { to: string; name: string; children?: ReactNode }) {
  return (
    <Table.Th scope="row" fw={400}>
      <Anchor component={Link} to={to} fw={600}>
        {name}
      </Anchor>
      {children}
    </Table.Th>
  );
}

/** A record's heading with the way back to its list. */
export function RecordHeading({ title, active, back }: { title: string; active?: boolean; back: { to: string; label: string } }) {
  return (
    <Stack gap={4}>
      <Anchor component={Link} to={back.to} size="sm">
        ← {back.label}
      </Anchor>
      <Group gap="sm" wrap="wrap">
        <Title order={2} style={{ overflowWrap: 'anywhere' }}>
          {title}
        </Title>
        {active !== undefined && <ActiveBadge active={active} />}
      </Group>
    </Stack>
  );
}

/** A part of a record's page with its own heading. */
export function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={id}>
      <Title order={3} size="h4" id={id} mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

/**
 * Deactivating and reactivating, each after a confirm saying what follows.
 * Records are never deleted: sessions, pay and reports refer to them.
 */
export function Activation({ name, active, consequence, mutation }: { name: string; active: boolean; consequence: string; mutation: UseMutationResult<unknown, Error, boolean> }) {
  const [opened, { open, close }] = useDisclosure(false);
  const verb = active ? 'Deactivate' : 'Reactivate';
  const start = () => {
    mutation.reset();
    open();
  };
  return (
    <Section id="activation-heading" title={active ? 'Deactivation' : 'Reactivation'}>
      <Text size="sm" mb="sm">
        {active ? `${consequence} Nothing is deleted: past sessions, pay and reports keep referring to them.` : 'Inactive. Reactivating makes the record usable again.'}
      </Text>
      <Button color={active ? 'red.8' : undefined} variant={active ? 'outline' : 'filled'} onClick={start} w={{ base: '100%', xs: 'auto' }}>
        {verb}
      </Button>
      <Modal opened={opened} onClose={close} title={`${verb} ${name}?`} centered {...MODAL_PROPS}>
        <Stack gap="sm">
          <Text>{active ? consequence : `${name} becomes active again.`}</Text>
          <ApiErrorAlert error={mutation.error} title={`${name} was not ${active ? 'deactivated' : 'reactivated'}`} />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button color={active ? 'red.8' : undefined} loading={mutation.isPending} onClick={() => mutation.mutate(!active, { onSuccess: close })}>
              {verb} {name}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Section>
  );
}

/**
 * Why a save failed. A stale version (someone else saved first) gets its own
 * words and a reload of the record; the form keeps what was typed, so saving
 * again sends it on the new version.
 */
export function SaveRefusal({ error, title, onReload, reloading, fieldsShownInForm }: { error: unknown; title: string; onReload: () => void; reloading: boolean; fieldsShownInForm?: readonly string[] }) {
  if (isStale(error)) {
    return (
      <Alert color="orange" variant="light" role="alert" title="Changed by someone else; reload" data-testid="stale-alert">
        <Text size="sm" mb="xs">
          Someone saved this record after you opened it. Reload it to see their version: what you typed here stays, and saving again replaces theirs.
        </Text>
        <Button size="xs" variant="default" onClick={onReload} loading={reloading}>
          Reload the record
        </Button>
      </Alert>
    );
  }
  return <ApiErrorAlert error={error} title={title} fieldsShownInForm={fieldsShownInForm} />;
}

/** Finds someone by the first letters of their name and offers each match to add; those already chosen are not offered. */
export function AddByName({
  label,
  matches,
  typed,
  onType,
  exclude,
  onAdd,
}: {
  label: string;
  matches: UseQueryResult<Match[]>;
  typed: string;
  onType: (value: string) => void;
  exclude: readonly string[];
  onAdd: (match: Match) => void;
}) {
  const offered = (matches.data ?? []).filter((match) => !exclude.includes(match.id));
  return (
    <Stack gap="xs">
      <TextInput
        label={label}
        description="Type at least two letters of a first or last name"
        value={typed}
        onChange={(event) => onType(event.currentTarget.value)}
        // Enter in the search box must not submit the form around it (a new guardian would be created half-filled).
        onKeyDown={(event) => event.key === 'Enter' && event.preventDefault()}
        type="search"
      />
      <ApiErrorAlert error={matches.error} title="The search failed" />
      {typed.trim().length >= 2 && matches.data && (
        <Stack gap={4} aria-live="polite" data-testid="matches">
          {offered.length === 0 ? (
            <Text size="sm">Nobody else matches “{typed.trim()}”.</Text>
          ) : (
            offered.map((match) => (
              <Group key={match.id} justify="space-between" wrap="nowrap" gap="xs">
                <div style={{ minWidth: 0 }}>
                  <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
                    {match.name}
                  </Text>
                  <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                    {match.detail}
                  </Text>
                </div>
                <Button size="xs" variant="light" onClick={() => onAdd(match)}>
                  Add<VisuallyHidden> {match.name}</VisuallyHidden>
                </Button>
              </Group>
            ))
          )}
        </Stack>
      )}
    </Stack>
  );
}

/** The people a draft set holds, each removable, with what a save would change. */
export function DraftMembers({ names, ids, onRemove, empty }: { names: Map<string, string>; ids: readonly string[]; onRemove: (id: string) => void; empty: string }) {
  if (ids.length === 0) return <Text size="sm">{empty}</Text>;
  return (
    <Stack gap={4} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} data-testid="draft-members">
      {ids.map((id) => {
        const name = names.get(id) ?? 'Someone you cannot see';
        return (
          <Group key={id} component="li" justify="space-between" wrap="nowrap" gap="xs">
            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
              {name}
            </Text>
            <Button size="xs" variant="subtle" color="red" c="red.9" onClick={() => onRemove(id)}>
              Remove<VisuallyHidden> {name}</VisuallyHidden>
            </Button>
          </Group>
        );
      })}
    </Stack>
  );
}

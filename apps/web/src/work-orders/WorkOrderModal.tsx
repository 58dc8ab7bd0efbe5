/*
 * Creating or editing a work order in a dialog. A new one names its type,
 * school and provider (providers approved at the school); an existing one
 * changes only its rate, dates and description. The API's field problems
 * show beside their fields; a stale version keeps what was typed.
 */
import { Button, Group, Modal, Select, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useAdminSchools, useProviders } from '../admin/api';
import { MODAL_PROPS } from '../sessions/modalProps';
import { workOrderLabel } from '../sessions/SessionPage';
import { SaveProblem } from '../settings/parts';
import { fieldErrors } from '../ui/ApiErrorAlert';
import { useCreateWorkOrder, useFetchWorkOrder, useUpdateWorkOrder, type WorkOrder } from './api';
import { WORK_ORDER_TYPES } from './filters';
import { formatRate } from './pay';
import { changesAnything, createBody, EMPTY_FORM, formOf, formProblems, updateBody, type WorkOrderForm } from './work-order-form';

const FORM_FIELDS = ['type', 'schoolId', 'providerId', 'payRateCents', 'rateEffectiveFrom', 'validFrom', 'validTo', 'description'];

export interface WorkOrderModalProps {
  /** The work order to edit; null to create one. */
  editing: WorkOrder | null;
  opened: boolean;
  onClose: () => void;
  schoolName: (id: string) => string;
  providerName: (id: string) => string;
}

export function WorkOrderModal({ editing, opened, onClose, schoolName, providerName }: WorkOrderModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={editing ? 'Change the work order' : 'New work order'} size="lg" centered {...MODAL_PROPS}>
      {opened && <WorkOrderEditor key={editing?.id ?? 'new'} editing={editing} onDone={onClose} schoolName={schoolName} providerName={providerName} />}
    </Modal>
  );
}

function WorkOrderEditor({ editing, onDone, schoolName, providerName }: { editing: WorkOrder | null; onDone: () => void; schoolName: (id: string) => string; providerName: (id: string) => string }) {
  const [read, setRead] = useState(editing);
  const [form, setForm] = useState<WorkOrderForm>(editing ? formOf(editing) : EMPTY_FORM);
  const [tried, setTried] = useState(false);
  const create = useCreateWorkOrder();
  const update = useUpdateWorkOrder();
  const fetchOne = useFetchWorkOrder();
  const saving = create.isPending || update.isPending;
  const error = read ? update.error : create.error;
  const schools = useAdminSchools();
  const providers = useProviders(form.schoolId);
  const local = tried ? formProblems(form, !read) : {};
  const api = fieldErrors(error);
  const problem = (field: string) => local[field] ?? api[field];
  const edit = (change: Partial<WorkOrderForm>) => {
    create.reset();
    update.reset();
    setForm({ ...form, ...change });
  };
  const patch = read ? updateBody(read, form) : null;
  const rateChanged = Boolean(read && patch && patch.payRateCents !== undefined);

  const submit = () => {
    setTried(true);
    if (Object.keys(formProblems(form, !read)).length) return;
    if (read && patch) {
      if (!changesAnything(patch)) return onDone();
      update.mutate({ id: read.id, body: patch }, { onSuccess: onDone });
    } else {
      create.mutate(createBody(form), { onSuccess: onDone });
    }
  };

  return (
    <Stack
      gap="sm"
      component="form"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      {read ? (
        <Text size="sm" data-testid="work-order-fixed">
          {read.typeName} · {providerName(read.providerId)} · {schoolName(read.schoolId)}. Type, provider and school stay as created; issue a new work order to change them.
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <Select label="Type" data={WORK_ORDER_TYPES.map((type) => ({ value: type, label: workOrderLabel(type) }))} value={form.type} onChange={(type) => edit({ type })} error={problem('type')} allowDeselect={false} />
          <Select
            label="School"
            data={(schools.data ?? []).filter((school) => school.active).map((school) => ({ value: school.id, label: school.name }))}
            value={form.schoolId}
            onChange={(schoolId) => edit({ schoolId, providerId: null })}
            error={problem('schoolId')}
            searchable
            allowDeselect={false}
            nothingFoundMessage="No school by that name"
          />
          <Select
            label="Provider"
            description={form.schoolId ? undefined : 'Choose the school first'}
            data={(providers.data ?? []).filter((staff) => staff.active).map((staff) => ({ value: staff.id, label: `${staff.firstName} ${staff.lastName}` }))}
            value={form.providerId}
            onChange={(providerId) => edit({ providerId })}
            error={problem('providerId')}
            disabled={!form.schoolId}
            searchable
            allowDeselect={false}
            nothingFoundMessage="No provider approved at this school by that name"
          />
        </SimpleGrid>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <TextInput
          label="Pay rate (dollars an hour)"
          description={read ? `Now ${formatRate(read.payRateCents)}` : 'From $0.01 to $1,000.00'}
          inputMode="decimal"
          value={form.rate}
          onChange={(e) => edit({ rate: e.currentTarget.value })}
          error={problem('payRateCents')}
        />
        {rateChanged && (
          <TextInput
            type="date"
            label="New rate from"
            description="Blank: the district’s today. Earlier days keep the old rate."
            value={form.rateEffectiveFrom}
            onChange={(e) => edit({ rateEffectiveFrom: e.currentTarget.value })}
            error={problem('rateEffectiveFrom')}
          />
        )}
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <TextInput type="date" label="First day" value={form.validFrom} onChange={(e) => edit({ validFrom: e.currentTarget.value })} error={problem('validFrom')} />
        <TextInput type="date" label="Last day" value={form.validTo} onChange={(e) => edit({ validTo: e.currentTarget.value })} error={problem('validTo')} />
      </SimpleGrid>
      <Textarea label="Description (optional)" autosize minRows={2} maxLength={2000} value={form.description} onChange={(e) => edit({ description: e.currentTarget.value })} error={problem('description')} />
      <SaveProblem
        error={error}
        title={read ? 'The work order was not changed' : 'The work order was not created'}
        fieldsShownInForm={FORM_FIELDS}
        onReload={() => {
          if (!read) return;
          update.reset();
          void fetchOne(read.id).then((fresh) => {
            setRead(fresh);
            setForm(formOf(fresh));
          });
        }}
      />
      <Group justify="flex-end" gap="sm">
        <Button variant="default" onClick={onDone} disabled={saving}>
          Cancel
        </Button>
        <Button type="submit" loading={saving}>
          {read ? 'Save the changes' : 'Create the work order'}
        </Button>
      </Group>
    </Stack>
  );
}

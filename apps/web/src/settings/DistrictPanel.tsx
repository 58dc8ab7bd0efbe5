/* The district's name, time zone and settings windows; only what changed is sent, with the version read. */
import { Autocomplete, Checkbox, Paper, SimpleGrid, Stack, TextInput, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { ApiErrorAlert, fieldErrors } from '../ui/ApiErrorAlert';
import { Loading } from '../ui/Loading';
import { useDistrict, useSaveDistrict } from './api';
import { districtForm, districtPatch, hasChanges, knownTimeZones, notNumbers, NUMERIC_SETTINGS, type District, type DistrictForm } from './district-form';
import { SaveProblem, SaveRow } from './parts';

const SHOWN_FIELDS = ['name', 'timeZone', ...NUMERIC_SETTINGS.map(({ key }) => `settings.${key}`), 'settings.guardianDigestEnabled'];

export function DistrictPanel() {
  const district = useDistrict();
  if (district.error) return <ApiErrorAlert error={district.error} title="The district could not be loaded" />;
  if (!district.data) return <Loading what="the district" height={300} />;
  return <DistrictEditor stored={district.data} reload={() => void district.refetch()} />;
}

function DistrictEditor({ stored, reload }: { stored: District; reload: () => void }) {
  // The record the edits started from: its version is what the save is checked against, whatever is refetched meanwhile.
  const [draft, setDraft] = useState<{ read: District; form: DistrictForm } | null>(null);
  const read = draft?.read ?? stored;
  const form = draft?.form ?? districtForm(stored);
  const save = useSaveDistrict();
  const zones = useMemo(knownTimeZones, []);
  const edit = (change: Partial<DistrictForm>) => {
    save.reset();
    setDraft({ read, form: { ...form, ...change } });
  };
  const patch = districtPatch(read, form);
  const typedWrong = notNumbers(form);
  const errors = fieldErrors(save.error);

  return (
    <Paper
      withBorder
      p="md"
      component="form"
      aria-labelledby="district-heading"
      onSubmit={(event) => {
        event.preventDefault();
        if (Object.keys(typedWrong).length) return;
        save.mutate(patch, { onSuccess: () => setDraft(null) });
      }}
    >
      <Stack gap="md">
        <Title order={2} id="district-heading" size="h3">
          District
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput label="Name" value={form.name} onChange={(e) => edit({ name: e.currentTarget.value })} error={errors.name} maxLength={200} />
          <Autocomplete
            label="Time zone"
            description="Every date and time of the district is on this clock (an IANA zone such as America/Chicago)"
            value={form.timeZone}
            onChange={(timeZone) => edit({ timeZone })}
            data={zones}
            limit={20}
            error={errors.timeZone}
          />
        </SimpleGrid>
        <Title order={3} size="h4">
          Windows and notices
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          {NUMERIC_SETTINGS.map((setting) => (
            <TextInput
              key={setting.key}
              label={`${setting.label} (${setting.unit})`}
              description={`${setting.description}; ${setting.min} to ${setting.max}`}
              inputMode="numeric"
              value={form.numbers[setting.key]}
              onChange={(e) => edit({ numbers: { ...form.numbers, [setting.key]: e.currentTarget.value } })}
              error={typedWrong[setting.key] ?? errors[`settings.${setting.key}`]}
            />
          ))}
        </SimpleGrid>
        <Checkbox
          label="Send guardians a digest of their children’s shared notes"
          checked={form.guardianDigestEnabled}
          onChange={(e) => edit({ guardianDigestEnabled: e.currentTarget.checked })}
          error={errors['settings.guardianDigestEnabled']}
        />
        <SaveProblem
          error={save.error}
          title="The district was not saved"
          fieldsShownInForm={SHOWN_FIELDS}
          onReload={() => {
            save.reset();
            setDraft(null);
            reload();
          }}
        />
        <SaveRow label="Save the district" dirty={hasChanges(patch) || Object.keys(typedWrong).length > 0} saving={save.isPending} saved={save.isSuccess} onDiscard={() => setDraft(null)} />
      </Stack>
    </Paper>
  );
}

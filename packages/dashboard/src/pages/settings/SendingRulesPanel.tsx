import type { JourneySettings } from '@comeback/contracts';
import { Group, Select, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { get, put } from '../../api/client';
import { useSession } from '../../api/session';
import { SaveBar, useMutationForm } from '../../components/form';
import { ErrorAlert, QueryView } from '../../components/QueryView';
import { useT } from '../../i18n/i18n';
import { BudgetEditor } from './BudgetEditor';
import { settingsStrings } from './strings';

const RULES = ['settings', 'journey-settings'];

/** Every IANA zone the browser knows (UTC first: not every browser lists it). */
const TIME_ZONES = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];

export function SendingRulesPanel() {
  const query = useQuery({
    queryKey: RULES,
    queryFn: () => get<JourneySettings>('/api/v1/journey-settings'),
  });
  return <QueryView query={query}>{(settings) => <RulesForm initial={settings} />}</QueryView>;
}

function RulesForm({ initial }: { initial: JourneySettings }) {
  const t = useT(settingsStrings);
  const { canEdit } = useSession();
  const queryClient = useQueryClient();
  const [timezone, setTimezone] = useState(initial.timezone);
  const [quiet, setQuiet] = useState(initial.quietHours ?? { start: '21:00', end: '08:00' });
  const [quietOn, setQuietOn] = useState(initial.quietHours !== null);
  const [budget, setBudget] = useState<JourneySettings['budget']>(initial.budget);
  const save = useMutation({
    mutationFn: () =>
      put<JourneySettings>('/api/v1/journey-settings', {
        timezone,
        quietHours: quietOn ? quiet : null,
        budget,
      }),
    onSuccess: (saved) => queryClient.setQueryData(RULES, saved),
  });
  const { fieldError, submit } = useMutationForm(save);
  const zones = TIME_ZONES.includes(timezone) ? TIME_ZONES : [timezone, ...TIME_ZONES];

  return (
    <form onSubmit={submit}>
      <Stack maw={720}>
        <Text size="sm" c="dimmed">
          {t('rulesIntro')}
        </Text>
        <Select
          label={t('timezone')}
          description={t('timezoneHint')}
          searchable
          value={timezone}
          allowDeselect={false}
          data={zones}
          onChange={(zone) => zone && setTimezone(zone)}
          disabled={!canEdit}
          error={fieldError('timezone')}
          dir="ltr"
        />
        <Title order={3} size="h5" mt="sm">
          {t('quietHours')}
        </Title>
        <Switch
          label={t('quietHoursOn')}
          checked={quietOn}
          onChange={(e) => setQuietOn(e.currentTarget.checked)}
          disabled={!canEdit}
        />
        {quietOn ? (
          <Group>
            <TextInput
              type="time"
              label={t('quietStart')}
              value={quiet.start}
              onChange={(e) => setQuiet({ ...quiet, start: e.currentTarget.value })}
              disabled={!canEdit}
              error={fieldError('quietHours.start')}
            />
            <TextInput
              type="time"
              label={t('quietEnd')}
              value={quiet.end}
              onChange={(e) => setQuiet({ ...quiet, end: e.currentTarget.value })}
              disabled={!canEdit}
              error={fieldError('quietHours.end')}
            />
          </Group>
        ) : null}
        <Title order={3} size="h5" mt="sm">
          {t('budget')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('budgetIntro')}
        </Text>
        <BudgetEditor
          budget={budget}
          onChange={setBudget}
          readOnly={!canEdit}
          errorOf={(path) => fieldError(`budget.${path}`)}
        />
        <ErrorAlert error={save.error} />
        <SaveBar mutation={save} canEdit={canEdit} />
      </Stack>
    </form>
  );
}

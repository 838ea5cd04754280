import type { Journey, JourneyDefinition } from '@comeback/contracts';
import { Badge, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { QueryView } from '../../../components/QueryView';
import { useFormat, useT } from '../../../i18n/i18n';
import {
  fetchJourney,
  fetchJourneyVersions,
  journeyKeys,
  type JourneyVersion,
} from '../list/journey-queries';
import { JourneyStatusBadge } from '../list/JourneyStatusBadge';
import { journeyStrings } from '../strings';
import { diffDefinitions } from './definition-diff';
import { VersionDiffView } from './VersionDiffView';

const DRAFT = 'draft';

/**
 * A journey's activated versions, which one runs, and a diff between any two of them or the
 * draft. Activate and pause belong to the journey, not to a version, so they live with the
 * editor; this panel only says which version they act on.
 */
export function VersionsPanel({ journeyId }: { journeyId: string }) {
  const t = useT(journeyStrings);
  const journey = useQuery({
    queryKey: journeyKeys.one(journeyId),
    queryFn: () => fetchJourney(journeyId),
  });
  const versions = useQuery({
    queryKey: journeyKeys.versions(journeyId),
    queryFn: () => fetchJourneyVersions(journeyId),
  });
  return (
    <Stack gap="md" data-testid="journey-versions">
      <Title order={2} size="h3">
        {t('versionsTitle')}
      </Title>
      <QueryView query={journey}>
        {(j) => (
          <QueryView query={versions}>
            {(list) => <VersionsBody journey={j} versions={list} />}
          </QueryView>
        )}
      </QueryView>
    </Stack>
  );
}

function VersionsBody({ journey, versions }: { journey: Journey; versions: JourneyVersion[] }) {
  const t = useT(journeyStrings);
  const format = useFormat();
  if (versions.length === 0) {
    return <Text c="dimmed">{t('versionsEmpty')}</Text>;
  }
  const newestFirst = [...versions].reverse();
  return (
    <>
      <Text size="sm" c="dimmed">
        {t('versionsNote')}
      </Text>
      <Table withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('colVersion')}</Table.Th>
            <Table.Th>{t('colActivated')}</Table.Th>
            <Table.Th>{t('colSteps')}</Table.Th>
            <Table.Th>{t('colState')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {journey.changedSinceActivation ? (
            <Table.Tr data-testid="version-row-draft">
              <Table.Td>{t('draft')}</Table.Td>
              <Table.Td>—</Table.Td>
              <Table.Td>{journey.definition.steps.length}</Table.Td>
              <Table.Td>
                <Badge variant="outline" color="orange">
                  {t('draftChanged')}
                </Badge>
              </Table.Td>
            </Table.Tr>
          ) : null}
          {newestFirst.map((v) => (
            <Table.Tr key={v.version} data-testid={`version-row-${v.version}`}>
              <Table.Td>{t('versionN', { n: v.version })}</Table.Td>
              <Table.Td>{format.dateTime(v.activatedAt)}</Table.Td>
              <Table.Td>{v.definition.steps.length}</Table.Td>
              <Table.Td>
                {v.version === journey.activeVersion ? (
                  <JourneyStatusBadge status={journey.status} />
                ) : (
                  <Text size="sm" c="dimmed">
                    {t('earlierVersion')}
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {/* A new version or a changed draft resets the comparison to its default. */}
      <VersionCompare
        key={`${versions.length}-${journey.changedSinceActivation}`}
        journey={journey}
        versions={versions}
      />
    </>
  );
}

function VersionCompare({ journey, versions }: { journey: Journey; versions: JourneyVersion[] }) {
  const t = useT(journeyStrings);
  const definitions = useMemo(() => {
    const byKey = new Map<string, JourneyDefinition>(
      versions.map((v) => [String(v.version), v.definition]),
    );
    if (journey.changedSinceActivation) byKey.set(DRAFT, journey.definition);
    return byKey;
  }, [journey, versions]);
  const options = [
    ...(journey.changedSinceActivation ? [{ value: DRAFT, label: t('draft') }] : []),
    ...[...versions].reverse().map((v) => ({
      value: String(v.version),
      label: t('versionN', { n: v.version }),
    })),
  ];
  // By default: what the draft would change, else what the latest activation changed.
  const [to, setTo] = useState(options[0]?.value ?? null);
  const [from, setFrom] = useState(options[1]?.value ?? null);
  const before = from === null ? undefined : definitions.get(from);
  const after = to === null ? undefined : definitions.get(to);
  const diff = useMemo(
    () => (before && after ? diffDefinitions(before, after) : null),
    [before, after],
  );

  if (options.length < 2) return <Text c="dimmed">{t('diffNothingToCompare')}</Text>;
  return (
    <Stack gap="sm">
      <Title order={3} size="h4">
        {t('diffTitle')}
      </Title>
      <Group gap="sm" align="flex-end">
        <Select
          label={t('compareFrom')}
          data={options}
          value={from}
          onChange={setFrom}
          allowDeselect={false}
          w={200}
          data-testid="version-diff-from"
        />
        <Select
          label={t('compareTo')}
          data={options}
          value={to}
          onChange={setTo}
          allowDeselect={false}
          w={200}
          data-testid="version-diff-to"
        />
      </Group>
      {diff ? <VersionDiffView diff={diff} /> : null}
    </Stack>
  );
}

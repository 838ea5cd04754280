import type { Journey } from '@comeback/contracts';
import {
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  Paper,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { useSession } from '../../../api/session';
import { PageHeader } from '../../../components/PageHeader';
import { QueryView } from '../../../components/QueryView';
import { useT } from '../../../i18n/i18n';
import { journeyStrings } from '../strings';
import { fetchJourneySummaries, fetchJourneys, journeyKeys } from './journey-queries';
import { JourneyStatsCells } from './JourneyStatsCells';
import { JourneyStatusBadge } from './JourneyStatusBadge';

/** `/journeys`: every journey with its status, live version and results. */
export function JourneyListPage() {
  const t = useT(journeyStrings);
  const { canEdit } = useSession();
  const [showArchived, setShowArchived] = useState(false);
  const journeys = useQuery({ queryKey: journeyKeys.list, queryFn: fetchJourneys });

  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          <>
            <Button
              component={Link}
              href="/flows"
              variant="default"
              data-testid="journeys-from-library"
            >
              {t('fromLibrary')}
            </Button>
            {canEdit ? (
              <Button component={Link} href="/journeys/new" data-testid="journeys-new">
                {t('newJourney')}
              </Button>
            ) : null}
          </>
        }
      />
      <QueryView query={journeys}>
        {(all) => {
          if (all.length === 0) return <EmptyJourneys canEdit={canEdit} />;
          const shown = showArchived ? all : all.filter((j) => j.status !== 'archived');
          const archived = all.length - all.filter((j) => j.status !== 'archived').length;
          return (
            <Stack gap="sm">
              {archived > 0 ? (
                <Checkbox
                  label={t('showArchived')}
                  checked={showArchived}
                  onChange={(e) => setShowArchived(e.currentTarget.checked)}
                />
              ) : null}
              <JourneyTable journeys={shown} />
            </Stack>
          );
        }}
      </QueryView>
    </>
  );
}

function JourneyTable({ journeys }: { journeys: Journey[] }) {
  const t = useT(journeyStrings);
  const summaries = useQuery({
    queryKey: journeyKeys.summaries,
    queryFn: fetchJourneySummaries,
    staleTime: 30_000,
  });
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped highlightOnHover data-testid="journey-list">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('colName')}</Table.Th>
            <Table.Th>{t('colStatus')}</Table.Th>
            <Table.Th>{t('colVersion')}</Table.Th>
            <Table.Th>{t('colEntered')}</Table.Th>
            <Table.Th>{t('colConverted')}</Table.Th>
            <Table.Th>{t('colRevenue')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {journeys.map((j) => (
            <Table.Tr key={j.id} data-testid={`journey-row-${j.id}`}>
              <Table.Td>
                <Anchor component={Link} href={`/journeys/${encodeURIComponent(j.id)}`}>
                  <bdi>{j.definition.name}</bdi>
                </Anchor>
              </Table.Td>
              <Table.Td>
                <JourneyStatusBadge status={j.status} />
              </Table.Td>
              <Table.Td>
                <Group gap={6} wrap="nowrap">
                  <Text size="sm">
                    {j.activeVersion === null
                      ? t('notActivated')
                      : t('versionN', { n: j.activeVersion })}
                  </Text>
                  {j.activeVersion !== null && j.changedSinceActivation ? (
                    <Badge size="xs" variant="outline" color="orange">
                      {t('draftChanged')}
                    </Badge>
                  ) : null}
                </Group>
              </Table.Td>
              <JourneyStatsCells summary={summaries.data?.get(j.id)} state={summaries.status} />
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function EmptyJourneys({ canEdit }: { canEdit: boolean }) {
  const t = useT(journeyStrings);
  return (
    <Paper withBorder p="xl" data-testid="journeys-empty">
      <Stack align="center" gap="sm">
        <Title order={2} size="h4">
          {t('emptyTitle')}
        </Title>
        <Text c="dimmed" ta="center">
          {canEdit ? t('emptyBody') : t('emptyViewer')}
        </Text>
        <Group>
          <Button component={Link} href="/flows" variant="default">
            {t('fromLibrary')}
          </Button>
          {canEdit ? (
            <Button component={Link} href="/journeys/new">
              {t('newJourney')}
            </Button>
          ) : null}
        </Group>
      </Stack>
    </Paper>
  );
}

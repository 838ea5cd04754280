import type { Segment } from '@comeback/contracts';
import { Anchor, Button, Card, Loader, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'wouter';
import { useSession } from '../../api/session';
import { PageHeader } from '../../components/PageHeader';
import { QueryView } from '../../components/QueryView';
import { useFormat, useT } from '../../i18n/i18n';
import { useRecipes, useSegmentCount, useSegments } from './api';
import { segmentStrings } from './strings';

/** `/segments`: every segment with its size now, and recipes to start a new one from. */
export function SegmentListPage() {
  const t = useT(segmentStrings);
  const { canEdit } = useSession();
  const segments = useSegments();
  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          canEdit ? (
            <Button component={Link} href="/segments/new" data-testid="segment-new">
              {t('newSegment')}
            </Button>
          ) : null
        }
      />
      <Stack gap="xl">
        <QueryView query={segments}>
          {(data) =>
            data.length === 0 ? (
              <Text c="dimmed" data-testid="segment-list-empty">
                {canEdit ? t('empty') : t('emptyViewer')}
              </Text>
            ) : (
              <SegmentTable segments={data} />
            )
          }
        </QueryView>
        {canEdit ? <Recipes /> : null}
      </Stack>
    </>
  );
}

function SegmentTable({ segments }: { segments: Segment[] }) {
  const t = useT(segmentStrings);
  const format = useFormat();
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table striped highlightOnHover data-testid="segment-list">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('name')}</Table.Th>
            <Table.Th ta="end">{t('size')}</Table.Th>
            <Table.Th>{t('updated')}</Table.Th>
            <Table.Th ta="end">{t('version')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {segments.map((s) => (
            <Table.Tr key={s.id} data-testid="segment-list-row" data-id={s.id}>
              <Table.Td>
                <Anchor component={Link} href={`/segments/${encodeURIComponent(s.id)}`}>
                  {s.name}
                </Anchor>
                {s.description ? (
                  <Text size="xs" c="dimmed" lineClamp={1}>
                    {s.description}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td ta="end">
                <SizeCell id={s.id} />
              </Table.Td>
              <Table.Td>{format.dateTime(s.updatedAt)}</Table.Td>
              <Table.Td ta="end">{s.version}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Each row counts its own segment, so a slow one does not hold the list back. */
function SizeCell({ id }: { id: string }) {
  const t = useT(segmentStrings);
  const format = useFormat();
  const count = useSegmentCount(id);
  if (count.isPending) return <Loader size="xs" aria-label={t('counting')} />;
  if (count.isError) return <Text c="dimmed">—</Text>;
  return <>{format.number(count.data.count)}</>;
}

function Recipes() {
  const t = useT(segmentStrings);
  const recipes = useRecipes();
  return (
    <section>
      <Title order={2} size="h4">
        {t('recipes')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('recipesHint')}
      </Text>
      <QueryView query={recipes}>
        {(data) => (
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {data.map((r) => (
              <Card key={r.id} withBorder data-testid={`segment-recipe-${r.id}`}>
                <Stack gap="xs" h="100%" justify="space-between">
                  <div>
                    <Title order={3} size="h6">
                      {r.name}
                    </Title>
                    <Text size="sm" c="dimmed">
                      {r.description}
                    </Text>
                  </div>
                  <Button
                    component={Link}
                    href={`/segments/new?recipe=${encodeURIComponent(r.id)}`}
                    variant="light"
                    size="xs"
                  >
                    {t('useRecipe')}
                  </Button>
                </Stack>
              </Card>
            ))}
          </SimpleGrid>
        )}
      </QueryView>
    </section>
  );
}

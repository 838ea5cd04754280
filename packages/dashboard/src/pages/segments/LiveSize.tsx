import { Anchor, Group, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'wouter';
import { useFormat, useT } from '../../i18n/i18n';
import type { Member } from './api';
import { segmentStrings } from './strings';

/** Who to call a member: their name, else email, else user id, else the profile id. */
export const memberLabel = (m: Member) => m.name ?? m.email ?? m.userId ?? m.id;

/**
 * The size of what is being edited (or, for viewers, of the saved segment) and a few members.
 * `count` undefined: nothing to count yet.
 */
export function LiveSize(props: {
  count: number | undefined;
  busy: boolean;
  tookMs?: number;
  sample?: Member[];
  hint?: string;
}) {
  const t = useT(segmentStrings);
  const format = useFormat();
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={2} size="h5">
          {t('liveSize')}
        </Title>
        <Group gap="xs" align="baseline">
          <Text
            size="xl"
            fw={700}
            data-testid="segment-live-size"
            data-count={props.count ?? ''}
            aria-live="polite"
          >
            {props.count === undefined ? '—' : format.number(props.count)}
          </Text>
          <Text size="sm" c="dimmed">
            {t('customers')}
          </Text>
          {props.busy ? <Loader size="xs" aria-label={t('counting')} /> : null}
        </Group>
        {props.hint ? (
          <Text size="sm" c="dimmed">
            {props.hint}
          </Text>
        ) : null}
        {props.tookMs !== undefined ? (
          <Text size="xs" c="dimmed">
            {t('tookMs', { ms: props.tookMs })}
          </Text>
        ) : null}
        {props.sample ? <Sample members={props.sample} /> : null}
      </Stack>
    </Paper>
  );
}

function Sample({ members }: { members: Member[] }) {
  const t = useT(segmentStrings);
  if (members.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {t('noSample')}
      </Text>
    );
  }
  return (
    <div>
      <Title order={3} size="h6" mb={4}>
        {t('sample')}
      </Title>
      <Table data-testid="segment-sample">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('customer')}</Table.Th>
            <Table.Th ta="end">{t('orders')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {members.map((m) => (
            <Table.Tr key={m.id}>
              <Table.Td>
                <Anchor component={Link} href={`/customers/${encodeURIComponent(m.id)}`} size="sm">
                  <bdi>{memberLabel(m)}</bdi>
                </Anchor>
              </Table.Td>
              <Table.Td ta="end">{m.orderCount}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}

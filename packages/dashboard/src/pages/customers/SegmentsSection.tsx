import type { Profile } from '@comeback/contracts';
import { Anchor, Table, Title } from '@mantine/core';
import { Link } from 'wouter';
import { QueryView } from '../../components/QueryView';
import { useFormat, useT } from '../../i18n/i18n';
import { useProfileSegments } from './api';
import { EmptyNote } from './EmptyNote';
import { customerStrings } from './strings';

/** The segments the person is in, since when, and what put them there. */
export function SegmentsSection({ profile }: { profile: Profile }) {
  const t = useT(customerStrings);
  const format = useFormat();
  const segments = useProfileSegments(profile.id);
  return (
    <section>
      <Title order={2} size="h4" mb="sm">
        {t('segmentsTitle')}
      </Title>
      <QueryView query={segments}>
        {({ data }) =>
          data.length === 0 ? (
            <EmptyNote title={t('noSegments')} hint={t('noSegmentsHint')} />
          ) : (
            <Table data-testid="customer-segments">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('colSegment')}</Table.Th>
                  <Table.Th>{t('colSince')}</Table.Th>
                  <Table.Th>{t('colCause')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.map((membership) => (
                  <Table.Tr key={membership.segmentId}>
                    <Table.Td>
                      <Anchor
                        component={Link}
                        href={`/segments/${encodeURIComponent(membership.segmentId)}`}
                      >
                        <bdi>{membership.name}</bdi>
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{format.dateTime(membership.since)}</Table.Td>
                    <Table.Td>
                      <bdi>{membership.cause}</bdi>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )
        }
      </QueryView>
    </section>
  );
}

import type { MessageStatus, MessageView, RenderedMessage } from '@comeback/contracts';
import { Badge, Drawer, Group, Stack, Table, Text, Title, useDirection } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { get } from '../../api/client';
import { QueryView } from '../../components/QueryView';
import { useFormat, useT } from '../../i18n/i18n';
import { STATUS_COLORS } from './message-status';
import { messagesStrings } from './strings';
import { directionOfLanguage } from './template-draft';
import { Rendered } from './TemplatePreview';

/** GET /api/v1/messages/:id. */
interface MessageDetail extends MessageView {
  html: string | null;
  text: string;
  history: { status: MessageStatus; at: string; detail: string | null }[];
}

/** One message: what it said (as rendered when queued) and every status it went through. */
export function MessageDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const t = useT(messagesStrings);
  const f = useFormat();
  const { dir } = useDirection();
  const query = useQuery({
    queryKey: ['messages', id],
    queryFn: () => get<MessageDetail>(`/api/v1/messages/${encodeURIComponent(id)}`),
  });
  return (
    <Drawer
      opened
      onClose={onClose}
      position={dir === 'rtl' ? 'left' : 'right'}
      size="xl"
      title={t('messageTitle')}
      closeButtonProps={{ 'aria-label': t('close') }}
    >
      <QueryView query={query}>
        {(m) => {
          const rendered: RenderedMessage = {
            channel: m.channel,
            language: m.language ?? 'en',
            direction: directionOfLanguage(m.language ?? 'en'),
            subject: m.subject,
            html: m.html,
            text: m.text,
          };
          return (
            <Stack data-testid="message-detail">
              <Group gap="xs">
                <Badge color={STATUS_COLORS[m.status]} variant="light">
                  {t(m.status)}
                </Badge>
                <Text size="sm">{t(m.channel)}</Text>
                <Text size="sm">
                  <bdi>{m.to}</bdi>
                </Text>
                <Text size="sm" c="dimmed">
                  {t('attempts')}: {m.attempts}
                </Text>
              </Group>
              {m.lastError ? (
                <Text size="sm" c="red">
                  {t('lastError')}: {m.lastError}
                </Text>
              ) : null}
              <Rendered rendered={rendered} />
              <Title order={2} size="h5">
                {t('history')}
              </Title>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('status')}</Table.Th>
                    <Table.Th>{t('at')}</Table.Th>
                    <Table.Th>{t('detail')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {m.history.map((h, i) => (
                    <Table.Tr key={i}>
                      <Table.Td>{t(h.status)}</Table.Td>
                      <Table.Td>{f.dateTime(h.at)}</Table.Td>
                      <Table.Td>{h.detail ?? '—'}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Stack>
          );
        }}
      </QueryView>
    </Drawer>
  );
}

import { Badge, Group, Modal, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { QueryView } from '../../components/QueryView';
import { useFormat, useT } from '../../i18n/i18n';
import { useMessage, type MessageDetail } from './api';
import { messageStatusColor } from './message-status';
import { customerStrings } from './strings';

/**
 * The content as rendered. Email HTML runs in an iframe with an empty `sandbox`: no scripts,
 * no forms, no same-origin access, so a template cannot act with the dashboard's session.
 */
function RenderedContent({ message }: { message: MessageDetail }) {
  const t = useT(customerStrings);
  if (message.html !== null) {
    return (
      <iframe
        sandbox=""
        srcDoc={message.html}
        title={t('emailContent')}
        data-testid="message-html"
        style={{ width: '100%', height: 480, border: '1px solid var(--mantine-color-gray-3)' }}
      />
    );
  }
  return (
    <Paper withBorder p="sm" data-testid="message-text">
      <Text size="sm" dir="auto" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
        {message.text}
      </Text>
    </Paper>
  );
}

function MessageBody({ message }: { message: MessageDetail }) {
  const t = useT(customerStrings);
  const format = useFormat();
  return (
    <Stack gap="sm">
      <Group gap="xs">
        <Badge variant="light">{t(`ch_${message.channel}`)}</Badge>
        <Badge color={messageStatusColor[message.status]} variant="light">
          {t(`ms_${message.status}`)}
        </Badge>
        <Text size="sm">
          {t('messageTo')} <bdi dir="ltr">{message.to}</bdi>
        </Text>
      </Group>
      {message.subject ? (
        <Text fw={600}>
          <bdi>{message.subject}</bdi>
        </Text>
      ) : null}
      {message.lastError ? (
        <Text size="sm" c="red">
          <bdi>{message.lastError}</bdi>
        </Text>
      ) : null}
      <RenderedContent message={message} />
      <Title order={3} size="h5">
        {t('messageHistory')}
      </Title>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('colWhen')}</Table.Th>
            <Table.Th>{t('colStatus')}</Table.Th>
            <Table.Th>{t('colDetails')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {message.history.map((change, index) => (
            <Table.Tr key={`${change.at}:${index}`}>
              <Table.Td>{format.dateTime(change.at)}</Table.Td>
              <Table.Td>{t(`ms_${change.status}`)}</Table.Td>
              <Table.Td>
                <bdi>{change.detail ?? '—'}</bdi>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function LoadedMessage({ messageId }: { messageId: string }) {
  const message = useMessage(messageId);
  return <QueryView query={message}>{(data) => <MessageBody message={data} />}</QueryView>;
}

/** One message, opened from the messages list or from a journey trace's "sent" step. */
export function MessageDetailModal({
  messageId,
  onClose,
}: {
  messageId: string | null;
  onClose: () => void;
}) {
  const t = useT(customerStrings);
  return (
    <Modal
      opened={messageId !== null}
      onClose={onClose}
      title={t('messageTitle')}
      size="xl"
      data-testid="message-detail"
    >
      {messageId !== null ? <LoadedMessage messageId={messageId} /> : null}
    </Modal>
  );
}

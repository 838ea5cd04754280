import type { Profile } from '@comeback/contracts';
import { Anchor, Badge, Table, Title } from '@mantine/core';
import { useState } from 'react';
import { OlderPagesTable } from '../../components/DataTable';
import { useFormat, useT } from '../../i18n/i18n';
import { useProfileMessages } from './api';
import { EmptyNote } from './EmptyNote';
import { MessageDetailModal } from './MessageDetailModal';
import { messageStatusColor } from './message-status';
import { customerStrings } from './strings';

/** Messages sent (or queued) to the person, newest first; one opens with its content. */
export function MessagesSection({ profile }: { profile: Profile }) {
  const t = useT(customerStrings);
  const format = useFormat();
  const messages = useProfileMessages(profile.id);
  const [openId, setOpenId] = useState<string | null>(null);
  return (
    <section>
      <Title order={2} size="h4" mb="sm">
        {t('messagesTitle')}
      </Title>
      <OlderPagesTable
        query={messages}
        empty={<EmptyNote title={t('noMessages')} hint={t('noMessagesHint')} />}

        minWidth={720}
        highlightOnHover
        testId="customer-messages"
        columns={[t('colWhen'), t('colChannel'), t('colMessage'), t('colStatus')]}
      >
        {(message) => (
          <Table.Tr
            key={message.id}
            data-testid="message-row"
            data-message-id={message.id}
            style={{ cursor: 'pointer' }}
            onClick={() => setOpenId(message.id)}
          >
            <Table.Td>{format.dateTime(message.sentAt ?? message.createdAt)}</Table.Td>
            <Table.Td>{t(`ch_${message.channel}`)}</Table.Td>
            <Table.Td>
              {/* The row is clickable for the mouse; this button is for keyboards. */}
              <Anchor
                component="button"
                type="button"
                onClick={(event) => {
                  event.stopPropagation();
                  setOpenId(message.id);
                }}
              >
                <bdi>{message.subject ?? message.to}</bdi>
              </Anchor>
            </Table.Td>
            <Table.Td>
              <Badge color={messageStatusColor[message.status]} variant="light">
                {t(`ms_${message.status}`)}
              </Badge>
            </Table.Td>
          </Table.Tr>
        )}
      </OlderPagesTable>
      <MessageDetailModal messageId={openId} onClose={() => setOpenId(null)} />
    </section>
  );
}

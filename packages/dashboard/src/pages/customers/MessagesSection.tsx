import type { Profile } from '@comeback/contracts';
import { Anchor, Badge, Button, Center, Table, Title } from '@mantine/core';
import { useState } from 'react';
import { QueryView } from '../../components/QueryView';
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
      <QueryView query={messages}>
        {({ pages }) => {
          const rows = pages.flatMap((page) => page.data);
          if (rows.length === 0)
            return <EmptyNote title={t('noMessages')} hint={t('noMessagesHint')} />;
          return (
            <>
              <Table.ScrollContainer minWidth={720}>
                <Table highlightOnHover data-testid="customer-messages">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('colWhen')}</Table.Th>
                      <Table.Th>{t('colChannel')}</Table.Th>
                      <Table.Th>{t('colMessage')}</Table.Th>
                      <Table.Th>{t('colStatus')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {rows.map((message) => (
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
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              {messages.hasNextPage ? (
                <Center mt="sm">
                  <Button
                    variant="default"
                    loading={messages.isFetchingNextPage}
                    onClick={() => void messages.fetchNextPage()}
                  >
                    {t('showOlder')}
                  </Button>
                </Center>
              ) : null}
            </>
          );
        }}
      </QueryView>
      <MessageDetailModal messageId={openId} onClose={() => setOpenId(null)} />
    </section>
  );
}

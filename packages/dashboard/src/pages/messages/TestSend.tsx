import type { Template } from '@comeback/contracts';
import { Anchor, Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { ApiError, post } from '../../api/client';
import { ErrorAlert } from '../../components/QueryView';
import { useT } from '../../i18n/i18n';
import { messagesStrings } from './strings';

/** POST /api/v1/templates/:id/test-send: the saved version to one address, subject marked [Test]. */
export function TestSend({ template, language }: { template: Template; language?: string }) {
  const t = useT(messagesStrings);
  const [to, setTo] = useState('');
  const send = useMutation({
    mutationFn: () =>
      post<{ id: string; status: 'queued' }>(
        `/api/v1/templates/${encodeURIComponent(template.id)}/test-send`,
        { to: to.trim(), ...(language ? { language } : {}) },
      ),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    send.mutate();
  };
  const toError = send.error instanceof ApiError ? send.error.fieldMessage('to') : undefined;
  return (
    <Paper withBorder p="sm">
      <form onSubmit={submit}>
        <Stack gap="xs">
          <Title order={2} size="h5">
            {t('testSend')}
          </Title>
          <Group align="flex-end" gap="xs">
            <TextInput
              label={t('testTo')}
              dir="ltr"
              required
              value={to}
              maxLength={320}
              onChange={(e) => setTo(e.currentTarget.value)}
              error={toError}
              style={{ flex: 1 }}
            />
            <Button type="submit" loading={send.isPending} data-testid="template-test-send">
              {t('send')}
            </Button>
          </Group>
          {send.error && !toError ? <ErrorAlert error={send.error} /> : null}
          {send.data ? (
            <Text size="sm" c="teal" role="status">
              {t('testQueued')}{' '}
              <Anchor component={Link} href={`/messages/${encodeURIComponent(send.data.id)}`}>
                {t('viewMessage')}
              </Anchor>
            </Text>
          ) : null}
        </Stack>
      </form>
    </Paper>
  );
}

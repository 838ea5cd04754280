import type { RenderedMessage, Template } from '@comeback/contracts';
import { Badge, Box, Group, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { post } from '../../api/client';
import { QueryView } from '../../components/QueryView';
import { useT } from '../../i18n/i18n';
import { ProfilePicker } from './ProfilePicker';
import { messagesStrings } from './strings';

/**
 * The saved version rendered for a language and a customer (or the sample one). Email HTML is
 * shown in a sandboxed frame: no scripts, no forms, no same-origin access to the dashboard.
 */
export function TemplatePreview({ template }: { template: Template }) {
  const t = useT(messagesStrings);
  const languages = Object.keys(template.variants);
  const [language, setLanguage] = useState(template.defaultLanguage);
  const [profileId, setProfileId] = useState<string | null>(null);
  const lang = languages.includes(language) ? language : template.defaultLanguage;
  const query = useQuery({
    queryKey: ['templates', template.id, 'preview', template.version, lang, profileId],
    queryFn: () =>
      post<RenderedMessage>(`/api/v1/templates/${encodeURIComponent(template.id)}/preview`, {
        language: lang,
        ...(profileId ? { profileId } : {}),
      }),
  });

  return (
    <Stack gap="sm" data-testid="template-preview">
      <Title order={2} size="h4">
        {t('preview')}
      </Title>
      <Group grow align="flex-end">
        <Select
          label={t('previewLanguage')}
          value={lang}
          allowDeselect={false}
          data={languages}
          onChange={(v) => v && setLanguage(v)}
        />
        <ProfilePicker
          label={t('sampleCustomer')}
          placeholder={t('sample')}
          value={profileId}
          onChange={setProfileId}
        />
      </Group>
      <Text size="xs" c="dimmed">
        {t('previewOf', { version: template.version })}
      </Text>
      <QueryView query={query}>{(rendered) => <Rendered rendered={rendered} />}</QueryView>
    </Stack>
  );
}

export function Rendered({ rendered }: { rendered: RenderedMessage }) {
  const t = useT(messagesStrings);
  return (
    <Stack gap="xs" dir={rendered.direction} data-direction={rendered.direction}>
      <Group gap="xs">
        <Badge variant="light" dir="ltr">
          {rendered.language}
        </Badge>
        {rendered.direction === 'rtl' ? <Badge variant="light">{t('rtl')}</Badge> : null}
      </Group>
      {rendered.subject !== null ? (
        <Text fw={700} data-testid="preview-subject">
          {rendered.subject}
        </Text>
      ) : null}
      {rendered.html !== null ? (
        <Box
          component="iframe"
          title={t('previewFrame')}
          sandbox=""
          srcDoc={rendered.html}
          w="100%"
          h={600}
          style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 8 }}
          data-testid="preview-frame"
        />
      ) : (
        <Paper withBorder p="sm">
          <Text style={{ whiteSpace: 'pre-wrap' }} data-testid="preview-text">
            {rendered.text}
          </Text>
        </Paper>
      )}
      {rendered.url ? (
        <Text size="sm" dir="ltr">
          {rendered.url}
        </Text>
      ) : null}
    </Stack>
  );
}

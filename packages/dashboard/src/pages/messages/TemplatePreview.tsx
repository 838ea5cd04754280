import type { RenderedMessage } from '@comeback/contracts';
import {
  Badge,
  Box,
  Center,
  Group,
  Loader,
  Paper,
  Select,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { post } from '../../api/client';
import { ErrorAlert } from '../../components/QueryView';
import { useT } from '../../i18n/i18n';
import { ProfilePicker } from './ProfilePicker';
import { messagesStrings } from './strings';
import { toInput, type TemplateDraft } from './template-draft';

/** Typing pauses this long before the draft is rendered again. */
const PREVIEW_DELAY_MS = 500;
/** Rendering does not use the name, which the API requires: a new template may not have one yet. */
const UNNAMED = 'Draft';

/**
 * The draft as it is on screen (saved or not) rendered through POST /api/v1/templates/preview
 * for a language and a customer (or the sample one), again after each pause in typing. A
 * Liquid or MJML error is shown with its line and column above the last good rendering, so the
 * preview does not vanish while a tag is half typed. Email HTML is shown in a sandboxed frame:
 * no scripts, no forms, no same-origin access to the dashboard.
 */
export function TemplatePreview({ draft, hint }: { draft: TemplateDraft; hint?: string }) {
  const t = useT(messagesStrings);
  const languages = Object.keys(draft.variants);
  const [language, setLanguage] = useState(draft.defaultLanguage);
  const [profileId, setProfileId] = useState<string | null>(null);
  const lang = languages.includes(language) ? language : draft.defaultLanguage;
  // A string, so the debounce and the query key compare contents, not object identity.
  const request = JSON.stringify({
    ...toInput(draft),
    ...(draft.name.trim() ? {} : { name: UNNAMED }),
    language: lang,
    ...(profileId ? { profileId } : {}),
  });
  const [debounced] = useDebouncedValue(request, PREVIEW_DELAY_MS);
  const query = useQuery({
    queryKey: ['templates', 'draft-preview', debounced],
    queryFn: () => post<RenderedMessage>('/api/v1/templates/preview', JSON.parse(debounced)),
    placeholderData: keepPreviousData,
    // Each pause in typing is a new key: old renderings are not worth keeping for long.
    gcTime: 30_000,
  });
  // The last rendering that worked stays on screen under an error (set while rendering: React's
  // way of deriving state from a changing input without an effect).
  const [lastGood, setLastGood] = useState<RenderedMessage | null>(null);
  if (query.data && query.data !== lastGood) setLastGood(query.data);
  const waiting = debounced !== request || query.isFetching;
  const state = query.isError ? 'error' : waiting || query.isPending ? 'loading' : 'ready';

  return (
    <Stack gap="sm" data-testid="template-preview" data-state={state}>
      <Group justify="space-between" align="center">
        <Title order={2} size="h4">
          {t('preview')}
        </Title>
        {waiting ? <Loader size="xs" aria-label={t('previewUpdating')} /> : null}
      </Group>
      <Group grow align="flex-end">
        <Select
          label={t('previewLanguage')}
          value={lang}
          allowDeselect={false}
          data={languages}
          onChange={(v) => v && setLanguage(v)}
          data-testid="preview-language"
        />
        <ProfilePicker
          label={t('sampleCustomer')}
          placeholder={t('sample')}
          value={profileId}
          onChange={setProfileId}
        />
      </Group>
      <Text size="xs" c="dimmed">
        {hint ?? t('previewLive')}
      </Text>
      {query.isError ? (
        <div data-testid="preview-error">
          <ErrorAlert error={query.error} title={t('previewFailed')} />
        </div>
      ) : null}
      {lastGood ? (
        <Stack gap={4}>
          {query.isError ? (
            <Text size="xs" c="dimmed">
              {t('previewLastGood')}
            </Text>
          ) : null}
          <Rendered rendered={lastGood} />
        </Stack>
      ) : query.isError ? null : (
        <Center h={120}>
          <Loader aria-label={t('previewUpdating')} />
        </Center>
      )}
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

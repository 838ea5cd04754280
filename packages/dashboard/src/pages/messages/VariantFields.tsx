import type { ChannelKind } from '@comeback/contracts';
import { Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useT } from '../../i18n/i18n';
import { messagesStrings } from './strings';
import { directionOfLanguage, type VariantInput } from './template-draft';

/** Code is always left to right; the words customers read follow their language. */
const code = { dir: 'ltr', ff: 'monospace', spellCheck: false } as const;

/** One language variant's parts, as its channel uses them. */
export function VariantFields(props: {
  channel: ChannelKind;
  language: string;
  variant: VariantInput;
  onChange: (variant: VariantInput) => void;
  readOnly: boolean;
  /** The API's message for a part (`subject`, `body`...), with line and column when it has them. */
  errorOf: (part: string) => string | undefined;
}) {
  const t = useT(messagesStrings);
  const { channel, variant } = props;
  const dir = directionOfLanguage(props.language);
  const set = (part: keyof VariantInput, value: string) =>
    props.onChange({ ...variant, [part]: value });
  const titled = channel === 'email' || channel === 'push' || channel === 'inbox';
  const bodyLabel =
    channel === 'email' ? t('bodyMjml') : channel === 'webhook' ? t('bodyJson') : t('bodyText');

  return (
    <Stack gap="sm">
      {titled ? (
        <TextInput
          label={channel === 'email' ? t('subject') : t('title')}
          value={variant.subject ?? ''}
          dir={dir}
          readOnly={props.readOnly}
          required={channel === 'email'}
          onChange={(e) => set('subject', e.currentTarget.value)}
          error={props.errorOf('subject')}
        />
      ) : null}
      {channel === 'email' ? (
        <TextInput
          label={t('preheader')}
          value={variant.preheader ?? ''}
          dir={dir}
          readOnly={props.readOnly}
          onChange={(e) => set('preheader', e.currentTarget.value)}
          error={props.errorOf('preheader')}
        />
      ) : null}
      <Textarea
        label={bodyLabel}
        value={variant.body}
        autosize
        minRows={channel === 'email' ? 18 : 5}
        maxRows={40}
        readOnly={props.readOnly}
        onChange={(e) => set('body', e.currentTarget.value)}
        error={props.errorOf('body')}
        styles={{ input: { fontSize: 13, whiteSpace: 'pre', overflowX: 'auto' } }}
        {...code}
        data-testid="template-body"
      />
      {channel === 'email' ? (
        <Textarea
          label={t('plainText')}
          value={variant.text ?? ''}
          autosize
          minRows={3}
          maxRows={12}
          dir={dir}
          readOnly={props.readOnly}
          onChange={(e) => set('text', e.currentTarget.value)}
          error={props.errorOf('text')}
        />
      ) : null}
      {channel === 'push' || channel === 'inbox' ? (
        <TextInput
          label={t('link')}
          value={variant.url ?? ''}
          readOnly={props.readOnly}
          onChange={(e) => set('url', e.currentTarget.value)}
          error={props.errorOf('url')}
          {...code}
        />
      ) : null}
      {variant.whatsapp ? (
        <Text size="sm" c="dimmed">
          {t('whatsappTemplate', { name: variant.whatsapp.name })}
        </Text>
      ) : null}
    </Stack>
  );
}

import type { TemplateWarning } from '@comeback/contracts';
import {
  Alert,
  Button,
  CloseButton,
  Group,
  List,
  Select,
  Stack,
  Tabs,
  Text,
  TextInput,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { ErrorAlert } from '../../components/QueryView';
import { useT } from '../../i18n/i18n';
import { messagesStrings } from './strings';
import type { TemplateDraft } from './template-draft';
import { VariantFields } from './VariantFields';

const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const MAX_LANGUAGES = 20;

/**
 * The template's fields and one tab per language. Saving is the caller's (create or new
 * version); its failure is shown next to the field the API names, Liquid and MJML errors with
 * their line and column.
 */
export function TemplateForm(props: {
  draft: TemplateDraft;
  onChange: (draft: TemplateDraft) => void;
  onSave: () => void;
  saving: boolean;
  saveError: unknown;
  saveLabel: string;
  readOnly: boolean;
  warnings?: TemplateWarning[];
  notice?: string | null;
}) {
  const t = useT(messagesStrings);
  const { draft, onChange, readOnly } = props;
  const languages = Object.keys(draft.variants);
  const [tab, setTab] = useState<string>(draft.defaultLanguage);
  const [newTag, setNewTag] = useState('');
  const error = props.saveError instanceof ApiError ? props.saveError : null;
  const fieldError = (field: string) => error?.fieldMessage(field);
  const active = draft.variants[tab] ? tab : (languages[0] ?? draft.defaultLanguage);

  const tagValid = LANGUAGE_TAG.test(newTag.trim()) && !draft.variants[newTag.trim()];

  const addLanguage = () => {
    const tag = newTag.trim();
    if (!tagValid) return;
    const base = draft.variants[draft.defaultLanguage] ?? { body: '' };
    onChange({ ...draft, variants: { ...draft.variants, [tag]: { ...base } } });
    setTab(tag);
    setNewTag('');
  };
  const removeLanguage = (tag: string) => {
    const variants = { ...draft.variants };
    delete variants[tag];
    onChange({ ...draft, variants });
    setTab(draft.defaultLanguage);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSave();
  };

  return (
    <form onSubmit={submit} data-testid="template-editor">
      <Stack gap="sm">
        {readOnly ? <Alert color="gray">{t('readOnly')}</Alert> : null}
        <Group grow align="flex-start">
          <TextInput
            label={t('name')}
            required
            value={draft.name}
            dir="auto"
            maxLength={200}
            readOnly={readOnly}
            onChange={(e) => onChange({ ...draft, name: e.currentTarget.value })}
            error={fieldError('name')}
          />
          <Select
            label={t('kind')}
            value={draft.kind}
            allowDeselect={false}
            readOnly={readOnly}
            data={[
              { value: 'marketing', label: t('marketing') },
              { value: 'transactional', label: t('transactional') },
            ]}
            onChange={(kind) =>
              onChange({ ...draft, kind: kind === 'transactional' ? 'transactional' : 'marketing' })
            }
          />
          <Select
            label={t('defaultLanguage')}
            description={t('defaultLanguageHint')}
            value={draft.defaultLanguage}
            allowDeselect={false}
            readOnly={readOnly}
            data={languages}
            onChange={(lang) => lang && onChange({ ...draft, defaultLanguage: lang })}
            error={fieldError('defaultLanguage')}
          />
        </Group>
        <TextInput
          label={t('description')}
          value={draft.description}
          dir="auto"
          maxLength={2000}
          readOnly={readOnly}
          onChange={(e) => onChange({ ...draft, description: e.currentTarget.value })}
          error={fieldError('description')}
        />
        {draft.channel === 'webhook' ? (
          <TextInput
            label={t('webhookUrl')}
            type="url"
            dir="ltr"
            required
            value={draft.webhookUrl}
            readOnly={readOnly}
            onChange={(e) => onChange({ ...draft, webhookUrl: e.currentTarget.value })}
            error={fieldError('webhookUrl')}
          />
        ) : null}
        <Tabs value={active} onChange={(v) => v && setTab(v)}>
          <Tabs.List>
            {languages.map((lang) => (
              <Tabs.Tab
                key={lang}
                value={lang}
                dir="ltr"
                c={
                  error?.details.some((d) => d.field.startsWith(`variants.${lang}.`))
                    ? 'red'
                    : undefined
                }
              >
                {lang}
              </Tabs.Tab>
            ))}
          </Tabs.List>
          {languages.map((lang) => {
            const variant = draft.variants[lang];
            if (!variant) return null;
            return (
              <Tabs.Panel key={lang} value={lang} pt="sm">
                {!readOnly && lang !== draft.defaultLanguage ? (
                  <Group justify="flex-end" mb={4}>
                    <CloseButton
                      size="sm"
                      aria-label={t('removeLanguage', { lang })}
                      onClick={() => removeLanguage(lang)}
                    />
                  </Group>
                ) : null}
                <VariantFields
                  channel={draft.channel}
                  language={lang}
                  variant={variant}
                  readOnly={readOnly}
                  onChange={(v) =>
                    onChange({ ...draft, variants: { ...draft.variants, [lang]: v } })
                  }
                  errorOf={(part) => fieldError(`variants.${lang}.${part}`)}
                />
              </Tabs.Panel>
            );
          })}
        </Tabs>
        {fieldError('variants') ? (
          <Text c="red" size="sm">
            {fieldError('variants')}
          </Text>
        ) : null}
        {!readOnly && languages.length < MAX_LANGUAGES ? (
          <Group align="flex-end" gap="xs">
            <TextInput
              label={t('languageTag')}
              size="xs"
              dir="ltr"
              value={newTag}
              onChange={(e) => setNewTag(e.currentTarget.value)}
            />
            <Button size="xs" variant="light" onClick={addLanguage} disabled={!tagValid}>
              {t('addLanguage')}
            </Button>
          </Group>
        ) : null}
        {props.warnings && props.warnings.length > 0 ? (
          <Alert color="yellow" title={t('warnings')}>
            <List size="sm">
              {props.warnings.map((w, i) => (
                <List.Item key={i}>
                  {t('lineColumn', {
                    field: w.field,
                    line: w.line,
                    column: w.column,
                    message: w.message,
                  })}
                </List.Item>
              ))}
            </List>
          </Alert>
        ) : null}
        {/* The message names the first problem (with line and column); each field shows its own. */}
        <ErrorAlert error={props.saveError} />
        {props.notice ? (
          <Text c="teal" size="sm" role="status">
            {props.notice}
          </Text>
        ) : null}
        {!readOnly ? (
          <Group>
            <Button type="submit" loading={props.saving} data-testid="template-save">
              {props.saveLabel}
            </Button>
          </Group>
        ) : null}
      </Stack>
    </form>
  );
}

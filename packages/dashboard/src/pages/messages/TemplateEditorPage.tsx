import type { Template } from '@comeback/contracts';
import { Anchor, Grid, Stack } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'wouter';
import { get, put } from '../../api/client';
import { useSession } from '../../api/session';
import { PageHeader } from '../../components/PageHeader';
import { QueryView } from '../../components/QueryView';
import { useT } from '../../i18n/i18n';
import { messagesStrings } from './strings';
import { draftOf, toInput } from './template-draft';
import { TemplateForm } from './TemplateForm';
import { TEMPLATES } from './TemplateList';
import { TemplatePreview } from './TemplatePreview';
import { TestSend } from './TestSend';

export function TemplateEditorPage() {
  const { id = '' } = useParams<{ id: string }>();
  const query = useQuery({
    queryKey: ['templates', id],
    queryFn: () => get<Template>(`/api/v1/templates/${encodeURIComponent(id)}`),
  });
  return (
    <QueryView query={query}>
      {/* Keyed by id: another template starts from its own saved state. */}
      {(template) => <TemplateEditor key={template.id} initial={template} />}
    </QueryView>
  );
}

function TemplateEditor({ initial }: { initial: Template }) {
  const t = useT(messagesStrings);
  const { canEdit } = useSession();
  const queryClient = useQueryClient();
  const [saved, setSaved] = useState(initial);
  const [draft, setDraft] = useState(() => draftOf(initial));
  const [notice, setNotice] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: () =>
      put<Template>(`/api/v1/templates/${encodeURIComponent(saved.id)}`, toInput(draft)),
    onSuccess: (template) => {
      setSaved(template);
      setNotice(t('saved', { version: template.version }));
      queryClient.setQueryData(['templates', template.id], template);
      void queryClient.invalidateQueries({ queryKey: TEMPLATES, exact: true });
    },
    onMutate: () => setNotice(null),
  });

  return (
    <>
      <PageHeader
        title={saved.name}
        description={`${t(saved.channel)} · ${t('version')} ${saved.version}`}
        actions={
          <Anchor component={Link} href="/templates">
            {t('back')}
          </Anchor>
        }
      />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <TemplateForm
            draft={draft}
            onChange={setDraft}
            onSave={() => save.mutate()}
            saving={save.isPending}
            saveError={save.error}
            saveLabel={t('save')}
            readOnly={!canEdit}
            warnings={saved.warnings}
            notice={notice}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <Stack>
            <TemplatePreview
              draft={draft}
              hint={t('previewDraftHint', { version: saved.version })}
            />
            {canEdit ? <TestSend template={saved} /> : null}
          </Stack>
        </Grid.Col>
      </Grid>
    </>
  );
}

import type { Template, TemplateInput } from '@comeback/contracts';
import { Alert, Anchor, Grid, Select, Stack } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { get, post } from '../../api/client';
import { useSession } from '../../api/session';
import { PageHeader } from '../../components/PageHeader';
import { QueryView } from '../../components/QueryView';
import { useT } from '../../i18n/i18n';
import { messagesStrings } from './strings';
import { blankDraft, CHANNELS, draftOf, toInput, type TemplateDraft } from './template-draft';
import { TemplateForm } from './TemplateForm';
import { TEMPLATES } from './TemplateList';
import { TemplatePreview } from './TemplatePreview';

interface StarterLayout {
  name: string;
  template: TemplateInput;
}

export function NewTemplatePage() {
  const layouts = useQuery({
    queryKey: ['templates', 'starter-layouts'],
    queryFn: () => get<{ data: StarterLayout[] }>('/api/v1/templates/starter-layouts'),
    staleTime: Infinity,
  });
  return <QueryView query={layouts}>{({ data }) => <NewTemplate layouts={data} />}</QueryView>;
}

function NewTemplate({ layouts }: { layouts: StarterLayout[] }) {
  const t = useT(messagesStrings);
  const { canEdit } = useSession();
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const first = layouts[0];
  const [start, setStart] = useState(first ? `layout:${first.name}` : 'blank:email');
  const [draft, setDraft] = useState<TemplateDraft>(() =>
    first ? draftOf(first.template) : blankDraft('email'),
  );
  const create = useMutation({
    mutationFn: () => post<Template>('/api/v1/templates', toInput(draft)),
    onSuccess: (template) => {
      queryClient.setQueryData(['templates', template.id], template);
      void queryClient.invalidateQueries({ queryKey: TEMPLATES, exact: true });
      navigate(`/templates/${encodeURIComponent(template.id)}`);
    },
  });
  const choose = (value: string | null) => {
    if (!value) return;
    setStart(value);
    const [kind, rest = ''] = value.split(/:(.*)/s);
    const layout = layouts.find((l) => l.name === rest);
    const channel = CHANNELS.find((c) => c === rest);
    if (kind === 'layout' && layout) setDraft(draftOf(layout.template));
    else if (channel) setDraft(blankDraft(channel));
  };
  const options = [
    ...layouts.map((l) => ({ value: `layout:${l.name}`, label: t('layout', { name: l.name }) })),
    ...CHANNELS.map((c) => ({ value: `blank:${c}`, label: t('blank', { channel: t(c) }) })),
  ];

  return (
    <>
      <PageHeader
        title={t('newTitle')}
        actions={
          <Anchor component={Link} href="/templates">
            {t('back')}
          </Anchor>
        }
      />
      {!canEdit ? (
        <Alert color="gray">{t('readOnly')}</Alert>
      ) : (
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, lg: 6 }}>
            <Stack>
              <Select
                label={t('startFrom')}
                value={start}
                allowDeselect={false}
                data={options}
                onChange={choose}
                data-testid="template-start"
              />
              <TemplateForm
                draft={draft}
                onChange={setDraft}
                onSave={() => create.mutate()}
                saving={create.isPending}
                saveError={create.error}
                saveLabel={t('saveNew')}
                readOnly={false}
              />
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 6 }}>
            <TemplatePreview draft={draft} />
          </Grid.Col>
        </Grid>
      )}
    </>
  );
}

import type { Template } from '@comeback/contracts';
import { Anchor, Badge, Button, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { get } from '../../api/client';
import { useSession } from '../../api/session';
import { PageHeader } from '../../components/PageHeader';
import { QueryView } from '../../components/QueryView';
import { useFormat, useT } from '../../i18n/i18n';
import { messagesStrings } from './strings';

export const TEMPLATES = ['templates'];

export function TemplateList() {
  const t = useT(messagesStrings);
  const f = useFormat();
  const { canEdit } = useSession();
  const query = useQuery({
    queryKey: TEMPLATES,
    queryFn: () => get<{ data: Template[] }>('/api/v1/templates'),
  });
  return (
    <>
      <PageHeader
        title={t('templatesTitle')}
        description={t('templatesDescription')}
        actions={
          canEdit ? (
            <Button component={Link} href="/templates/new" data-testid="templates-new">
              {t('newTemplate')}
            </Button>
          ) : null
        }
      />
      <QueryView query={query}>
        {({ data }) =>
          data.length === 0 ? (
            <Text c="dimmed">{t('noTemplates')}</Text>
          ) : (
            <Table.ScrollContainer minWidth={640}>
              <Table striped highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('name')}</Table.Th>
                    <Table.Th>{t('channel')}</Table.Th>
                    <Table.Th>{t('kind')}</Table.Th>
                    <Table.Th>{t('languages')}</Table.Th>
                    <Table.Th>{t('version')}</Table.Th>
                    <Table.Th>{t('updated')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.map((template) => (
                    <Table.Tr key={template.id} data-testid="template-row">
                      <Table.Td>
                        <Anchor
                          component={Link}
                          href={`/templates/${encodeURIComponent(template.id)}`}
                        >
                          {template.name}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{t(template.channel)}</Table.Td>
                      <Table.Td>{t(template.kind)}</Table.Td>
                      <Table.Td>
                        {Object.keys(template.variants).map((lang) => (
                          <Badge key={lang} variant="light" me={4} dir="ltr">
                            {lang}
                          </Badge>
                        ))}
                      </Table.Td>
                      <Table.Td>{template.version}</Table.Td>
                      <Table.Td>{f.dateTime(template.updatedAt)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )
        }
      </QueryView>
    </>
  );
}

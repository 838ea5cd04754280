import type { FieldType, ImportKind } from '@comeback/contracts';
import { Stack, Table, Text, Title } from '@mantine/core';
import { useFormat, useT } from '../../../i18n/i18n';
import { dateFormatOf, isBooleanText, isNumberText, type CsvSample } from './csv';
import { effectiveType, type ColumnDraft } from './mapping-model';
import { importStrings } from './strings';

const PREVIEW_ROWS = 10;

/**
 * Whether a cell plainly fails its type. Deliberately lenient: locale numbers and explicit
 * date formats are read by the server, so only cells that are no number / yes-no / date at
 * all are flagged.
 */
function readsAs(type: FieldType, draft: ColumnDraft, raw: string): boolean {
  const value = raw.trim();
  if (value === '') return true;
  if (type === 'number') return draft.kept.numberLocale !== undefined || isNumberText(value);
  if (type === 'boolean') return isBooleanText(value);
  if (type === 'date') return dateFormatOf([value]) !== null;
  return true;
}

export function MappingPreview(props: {
  kind: ImportKind;
  sample: CsvSample;
  drafts: ColumnDraft[];
}) {
  const t = useT(importStrings);
  const fmt = useFormat();
  const mapped = props.drafts
    .map((draft, index) => ({ draft, index, type: effectiveType(props.kind, draft) }))
    .filter(({ draft }) => draft.target !== '');
  const rows = props.sample.rows.slice(0, PREVIEW_ROWS);

  return (
    <Stack gap="xs">
      <Title order={3} size="h4">
        {t('previewTitle')}
      </Title>
      {mapped.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t('previewEmpty')}
        </Text>
      ) : (
        <>
          <Text size="xs" c="dimmed">
            {t('rowsShown', { count: fmt.number(rows.length) })} · {t('previewHint')}
          </Text>
          <Table.ScrollContainer minWidth={Math.max(400, mapped.length * 140)}>
            <Table striped withTableBorder fz="xs" data-testid="import-preview">
              <Table.Thead>
                <Table.Tr>
                  {mapped.map(({ draft, index, type }) => (
                    <Table.Th key={index}>
                      <bdi>{draft.target}</bdi>
                      <Text size="xs" c="dimmed" fw={400}>
                        <bdi>{draft.source}</bdi> · {t(type)}
                      </Text>
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row, r) => (
                  <Table.Tr key={r}>
                    {mapped.map(({ draft, index, type }) => {
                      const value = row[index] ?? '';
                      const ok = readsAs(type, draft, value);
                      return (
                        <Table.Td
                          key={index}
                          c={ok ? undefined : 'red.8'}
                          fw={ok ? undefined : 700}
                          data-invalid={ok ? undefined : true}
                        >
                          <bdi>{value}</bdi>
                        </Table.Td>
                      );
                    })}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Stack>
  );
}

import type { ImportKind } from '@comeback/contracts';
import { Autocomplete, Badge, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useT } from '../../../i18n/i18n';
import { columnValues, type CsvSample } from './csv';
import { defaultType, effectiveType, type ColumnDraft, type TypeChoice } from './mapping-model';
import { fieldTypes } from '../shared/types';
import { importStrings } from './strings';
import { FREE_PREFIXES, fixedTargets, targetProblem } from './targets';

/** Enums need their allowed values, which this table does not edit: saved mappings keep theirs. */
const editableTypes = fieldTypes.filter((type) => type !== 'enum');
const isTypeChoice = (v: string | null): v is TypeChoice =>
  v === 'auto' || fieldTypes.some((type) => type === v);

/** One row per file column: the field it fills, its type and, for dates, their format. */
export function MappingTable(props: {
  kind: ImportKind;
  sample: CsvSample;
  drafts: ColumnDraft[];
  errors: Map<number, string>;
  onChange: (index: number, next: ColumnDraft) => void;
}) {
  const t = useT(importStrings);
  const { kind } = props;
  const typeOptions = (draft: ColumnDraft) => [
    { value: 'auto', label: t('auto') },
    ...editableTypes.map((type) => ({ value: type, label: t(type) })),
    ...(draft.type === 'enum' ? [{ value: 'enum', label: t('enum') }] : []),
  ];
  const targetProblemText = (target: string) =>
    target !== '' && targetProblem(kind, target) !== null
      ? t('unknownTarget', { kind: t(kind), prefixes: FREE_PREFIXES[kind].join(' ') })
      : undefined;

  return (
    <Stack gap="xs">
      <Title order={3} size="h4">
        {t('mappingTitle')}
      </Title>
      <Table.ScrollContainer minWidth={760}>
        <Table verticalSpacing="xs" data-testid="import-mapping">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('column')}</Table.Th>
              <Table.Th>{t('sample')}</Table.Th>
              <Table.Th>{t('detected')}</Table.Th>
              <Table.Th>{t('target')}</Table.Th>
              <Table.Th>{t('type')}</Table.Th>
              <Table.Th>{t('dateFormat')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {props.drafts.map((draft, index) => {
              const values = columnValues(props.sample, index)
                .filter((v) => v !== '')
                .slice(0, 3);
              const targets = [...new Set([...fixedTargets(kind), draft.target])].filter(Boolean);
              const change = (patch: Partial<ColumnDraft>) =>
                props.onChange(index, { ...draft, ...patch });
              return (
                <Table.Tr key={`${index}:${draft.source}`} data-column={draft.source}>
                  <Table.Td>
                    <Text fw={500} size="sm">
                      <bdi>{draft.source}</bdi>
                    </Text>
                  </Table.Td>
                  <Table.Td maw={220}>
                    <Text size="xs" c="dimmed" truncate="end" title={values.join(' | ')}>
                      <bdi>{values.join(' | ')}</bdi>
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color="gray">
                      {t(draft.detected)}
                    </Badge>
                  </Table.Td>
                  <Table.Td miw={200}>
                    <Autocomplete
                      aria-label={t('targetOf', { column: draft.source })}
                      placeholder={t('targetPlaceholder')}
                      data={targets}
                      value={draft.target}
                      dir="ltr"
                      onChange={(target) => {
                        const trimmed = target.trim();
                        change({
                          target: trimmed,
                          type: defaultType(kind, trimmed, draft.detected),
                        });
                      }}
                      error={props.errors.get(index) ?? targetProblemText(draft.target)}
                      data-testid={`import-mapping-${draft.source}`}
                    />
                  </Table.Td>
                  <Table.Td miw={150}>
                    <Select
                      aria-label={t('typeOf', { column: draft.source })}
                      data={typeOptions(draft)}
                      value={draft.type}
                      allowDeselect={false}
                      disabled={draft.target === ''}
                      onChange={(v) => {
                        if (isTypeChoice(v)) change({ type: v });
                      }}
                    />
                  </Table.Td>
                  <Table.Td miw={150}>
                    {draft.target !== '' && effectiveType(kind, draft) === 'date' ? (
                      <TextInput
                        aria-label={t('dateFormatOf', { column: draft.source })}
                        placeholder={t('dateFormatPlaceholder')}
                        dir="ltr"
                        value={draft.dateFormat}
                        onChange={(e) => change({ dateFormat: e.currentTarget.value })}
                      />
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

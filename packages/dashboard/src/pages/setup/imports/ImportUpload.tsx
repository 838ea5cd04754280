import type { ImportKind, SavedMapping } from '@comeback/contracts';
import {
  Alert,
  Button,
  Group,
  Input,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState, type ChangeEvent } from 'react';
import { useLocation } from 'wouter';
import { ApiError, get } from '../../../api/client';
import { ErrorAlert } from '../../../components/QueryView';
import { useT } from '../../../i18n/i18n';
import { setupKeys } from '../shared/keys';
import { importKinds, type ListOf } from '../shared/types';
import { parseCsv, type CsvSample } from './csv';
import {
  MAPPING_NAME,
  applySaved,
  columnErrors,
  draftsFor,
  mappingNameFor,
  toFieldMapping,
  type ColumnDraft,
} from './mapping-model';
import { MappingPreview } from './MappingPreview';
import { MappingTable } from './MappingTable';
import { useSaveMapping, useStartImport } from './start-import';
import { importStrings } from './strings';
import { targetProblem } from './targets';

/** Enough of the file for its header and first rows; the rest is only uploaded. */
const SAMPLE_BYTES = 256 * 1024;
const SAMPLE_ROWS = 20;
const isKind = (v: string | null): v is ImportKind => importKinds.some((k) => k === v);

/** Upload a CSV: choose it, map its columns, look at the first rows, start. */
export function ImportUpload() {
  const t = useT(importStrings);
  const [, navigate] = useLocation();
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState<ImportKind>('customers');
  const [sample, setSample] = useState<CsvSample | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const [drafts, setDrafts] = useState<ColumnDraft[]>([]);
  const [base, setBase] = useState<SavedMapping | null>(null);
  const [name, setName] = useState('');
  const mappings = useQuery({
    queryKey: setupKeys.mappings,
    queryFn: () => get<ListOf<SavedMapping>>('/api/v1/import-mappings'),
  });
  const save = useSaveMapping();
  const start = useStartImport();

  const built = useMemo(() => toFieldMapping(kind, drafts, base), [kind, drafts, base]);
  const savedNames = new Set((mappings.data?.data ?? []).map((m) => m.name));
  const failure = start.error ?? save.error;
  const serverErrors =
    failure instanceof ApiError ? columnErrors(failure.details, built.indexOf) : new Map();
  const nameProblem =
    name !== '' && !MAPPING_NAME.test(name)
      ? t('mappingNameInvalid')
      : failure instanceof ApiError
        ? failure.fieldMessage('name')
        : undefined;
  const ready =
    file !== null &&
    built.mapping.columns.length > 0 &&
    MAPPING_NAME.test(name) &&
    drafts.every((d) => d.target === '' || targetProblem(kind, d.target) === null);

  function reset(next: { kind: ImportKind; sample: CsvSample | null; fileName: string }) {
    setDrafts(next.sample ? draftsFor(next.kind, next.sample) : []);
    setBase(null);
    setName(next.fileName ? mappingNameFor(next.kind, next.fileName) : '');
    save.reset();
    start.reset();
  }

  async function chooseFile(event: ChangeEvent<HTMLInputElement>) {
    const chosen = event.currentTarget.files?.[0] ?? null;
    setFile(chosen);
    setReadError(null);
    let read: CsvSample | null = null;
    if (chosen) {
      try {
        const head = await chosen.slice(0, SAMPLE_BYTES).text();
        read = parseCsv(head, { complete: chosen.size <= SAMPLE_BYTES, maxRows: SAMPLE_ROWS });
        if (read.header.length === 0 || read.header.every((h) => h === '')) {
          setReadError(t('noColumns'));
          read = null;
        }
      } catch (error) {
        setReadError(t('readFailed', { message: String(error) }));
      }
    }
    setSample(read);
    reset({ kind, sample: read, fileName: chosen?.name ?? '' });
  }

  function chooseSaved(value: string | null) {
    const saved = mappings.data?.data.find((m) => m.name === value) ?? null;
    if (!sample) return;
    if (!saved) {
      reset({ kind, sample, fileName: file?.name ?? '' });
      return;
    }
    setDrafts(applySaved(draftsFor(kind, sample), saved));
    setBase(saved);
    setName(saved.name);
  }

  const request = () => ({ name, mapping: built.mapping, exists: savedNames.has(name) });

  return (
    <Paper withBorder p="md" data-testid="import-upload">
      <Stack>
        <Title order={2} size="h3">
          {t('uploadTitle')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('uploadHint')}
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Input.Wrapper label={t('file')} id="import-file-input">
            <input
              id="import-file-input"
              type="file"
              accept=".csv,text/csv"
              data-testid="import-file"
              onChange={(e) => void chooseFile(e)}
              style={{ display: 'block', marginBlockStart: 6 }}
            />
          </Input.Wrapper>
          <Select
            label={t('kind')}
            data={importKinds.map((k) => ({ value: k, label: t(k) }))}
            value={kind}
            allowDeselect={false}
            onChange={(v) => {
              if (!isKind(v)) return;
              setKind(v);
              reset({ kind: v, sample, fileName: file?.name ?? '' });
            }}
            data-testid="import-kind"
          />
        </SimpleGrid>
        {readError ? (
          <Alert color="red" role="alert">
            {readError}
          </Alert>
        ) : null}
        {sample && file ? (
          <>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <Select
                label={t('savedMapping')}
                description={t('savedMappingHint')}
                placeholder={t('none')}
                data={(mappings.data?.data ?? []).filter((m) => m.kind === kind).map((m) => m.name)}
                value={base?.name ?? null}
                onChange={chooseSaved}
                clearable
                data-testid="import-saved-mapping"
              />
              <TextInput
                label={t('mappingName')}
                description={t('mappingNameHint')}
                dir="ltr"
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                error={nameProblem}
                data-testid="import-mapping-name"
              />
            </SimpleGrid>
            <MappingTable
              kind={kind}
              sample={sample}
              drafts={drafts}
              errors={serverErrors}
              onChange={(index, next) =>
                setDrafts((all) => all.map((d, i) => (i === index ? next : d)))
              }
            />
            <MappingPreview kind={kind} sample={sample} drafts={drafts} />
            <ErrorAlert error={failure} />
            {save.isSuccess && !start.isPending ? (
              <Alert color="teal" role="status">
                {t('saved', { name: save.data.name })}
              </Alert>
            ) : null}
            <Group justify="flex-end">
              <Button
                variant="default"
                disabled={!ready}
                loading={save.isPending}
                onClick={() => {
                  start.reset();
                  save.mutate(request());
                }}
                data-testid="import-save-mapping"
              >
                {t('saveMapping')}
              </Button>
              <Button
                disabled={!ready}
                loading={start.isPending}
                onClick={() => {
                  save.reset();
                  start.mutate(
                    { ...request(), file, kind },
                    {
                      onSuccess: (job) => navigate(`/setup/imports/${encodeURIComponent(job.id)}`),
                    },
                  );
                }}
                data-testid="import-start"
              >
                {t('start')}
              </Button>
            </Group>
          </>
        ) : null}
      </Stack>
    </Paper>
  );
}

import type { CustomerValueRun, CustomerValueStatus, RecommendationRun } from '@comeback/contracts';
import { Alert, Badge, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { get } from '../../../api/client';
import { QueryView } from '../../../components/QueryView';
import { useFormat, useT } from '../../../i18n/i18n';
import { FindingsText } from '../../customers/PredictionFindings';
import { FitNow } from './FitNow';
import { modelStrings } from './strings';

const CV = '/api/v1/insights/customer-value';
const REC = '/api/v1/insights/recommendations';
const cvKey = ['models', 'customer-value'] as const;
const recKey = ['models', 'recommendations'] as const;
const CHECKS = [
  'parameters_at_bounds',
  'no_dropout_signal',
  'short_history',
  'too_little_data',
] as const;
type Check = (typeof CHECKS)[number];
const isCheck = (c: string): c is Check => CHECKS.some((k) => k === c);
const MODELS = ['recommendations', 'replenishment', 'life_stage'] as const;
type Model = (typeof MODELS)[number];
const isModel = (m: string): m is Model => MODELS.some((k) => k === m);
const HOLDOUT_NOTES = ['no_customers', 'no_customer_before_cut'] as const;
type HoldoutNote = (typeof HOLDOUT_NOTES)[number];
const isHoldoutNote = (n: string | null): n is HoldoutNote => HOLDOUT_NOTES.some((k) => k === n);

/** Settings → models: what each fit learned, whether to trust it, and fit now. */
export function ModelsPanel() {
  const t = useT(modelStrings);
  const cv = useQuery({ queryKey: cvKey, queryFn: () => get<CustomerValueStatus>(CV) });
  const rec = useQuery({
    queryKey: recKey,
    queryFn: async () => (await get<{ data: RecommendationRun[] }>(REC, { limit: 6 })).data,
  });
  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        {t('intro')}
      </Text>
      <ModelSection title={t('cvTitle')} testId="models-customer-value">
        <QueryView query={cv}>
          {(status) => (
            <Stack gap="sm">
              {status.lastRun ? (
                <CustomerValueRunView run={status.lastRun} />
              ) : (
                <Text size="sm">{t('neverFitted')}</Text>
              )}
              <FitNow base={CV} current={status.latestFit} refresh={cvKey} testId="models-cv-fit" />
            </Stack>
          )}
        </QueryView>
      </ModelSection>
      <ModelSection title={t('recTitle')} testId="models-recommendations">
        <QueryView query={rec}>
          {(runs) => (
            <Stack gap="sm">
              {runs.length > 0 ? (
                <RecommendationRuns runs={runs} />
              ) : (
                <Text size="sm">{t('neverFitted')}</Text>
              )}
              <FitNow base={REC} current={null} refresh={recKey} testId="models-rec-fit" />
            </Stack>
          )}
        </QueryView>
      </ModelSection>
    </Stack>
  );
}

/** One model family's box: its title, then what its fits say. */
function ModelSection(props: { title: string; testId: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" data-testid={props.testId}>
      <Title order={2} size="h4" mb="sm">
        {props.title}
      </Title>
      {props.children}
    </Paper>
  );
}

function StaleNote({ asOf }: { asOf: CustomerValueRun['asOf'] | null }) {
  const t = useT(modelStrings);
  const format = useFormat();
  if (!asOf?.stale || !asOf.dataEndsAt) return null;
  return (
    <Alert color="yellow" data-testid="models-stale">
      {t('stale', {
        date: format.date(asOf.dataEndsAt),
        days: format.number(Math.round(asOf.daysBehindClock ?? 0)),
      })}
    </Alert>
  );
}

function CustomerValueRunView({ run }: { run: CustomerValueRun }) {
  const t = useT(modelStrings);
  const format = useFormat();
  const quality = run.quality?.level ?? null;
  const findings = run.quality?.findings ?? [];
  // Without findings (their numbers were not kept), the failed checks are still named.
  const checks = (run.quality?.failed ?? []).filter(isCheck).map((c) => t(`check_${c}`));
  return (
    <Stack gap="xs">
      <Group gap="xs">
        <Text size="sm">
          {t('lastFit', {
            at: format.dateTime(run.fittedAt),
            customers: format.number(run.customers),
            method: run.method === 'bg_nbd' ? 'BG/NBD' : t('method_rules'),
          })}
        </Text>
        {quality ? (
          <Badge
            color={quality === 'good' ? 'green' : 'orange'}
            variant="light"
            data-testid="models-quality"
          >
            {t(`quality_${quality}`)}
          </Badge>
        ) : null}
      </Group>
      {quality === 'weak' ? (
        <Text size="sm" data-testid="models-weak">
          {t('weakIntro')}{' '}
          {findings.length > 0 ? (
            <FindingsText findings={findings} fallback={run.quality?.reason ?? null} />
          ) : checks.length > 0 ? (
            t('failedChecks', { checks: checks.join('; ') })
          ) : null}
        </Text>
      ) : null}
      <StaleNote asOf={run.asOf} />
      {run.holdout ? (
        <Text size="sm" data-testid="models-holdout">
          {t('holdout', {
            forecast: format.number(Math.round(run.holdout.forecast)),
            actual: format.number(Math.round(run.holdout.actual)),
            naive: format.number(Math.round(run.holdout.naive)),
          })}{' '}
          {run.holdout.beatsNaive ? t('holdoutBeats') : t('holdoutLoses')}
        </Text>
      ) : isHoldoutNote(run.holdoutNoteCode) ? (
        <Text size="sm" data-testid="models-holdout">
          {t(`holdoutNote_${run.holdoutNoteCode}`)}
        </Text>
      ) : null}
    </Stack>
  );
}

function RecommendationRuns({ runs }: { runs: RecommendationRun[] }) {
  const t = useT(modelStrings);
  const format = useFormat();
  return (
    <>
      <StaleNote asOf={runs[0]?.asOf ?? null} />
      <Table.ScrollContainer minWidth={520}>
        <Table aria-label={t('recRuns')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('colModel')}</Table.Th>
              <Table.Th>{t('colFitted')}</Table.Th>
              <Table.Th>{t('colOrders')}</Table.Th>
              <Table.Th>{t('colCustomers')}</Table.Th>
              <Table.Th>{t('colProducts')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {runs.map((run) => (
              <Table.Tr key={run.id}>
                <Table.Td>
                  {isModel(run.model) ? t(`model_${run.model}`) : <bdi>{run.model}</bdi>}
                </Table.Td>
                <Table.Td>{format.dateTime(run.fittedAt)}</Table.Td>
                <Table.Td>{format.number(run.orders)}</Table.Td>
                <Table.Td>{format.number(run.customers)}</Table.Td>
                <Table.Td>{format.number(run.products)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}

import type {
  EnableFlowRequest,
  EnableFlowResult,
  FlowDetail,
  FlowSummary,
} from '@comeback/contracts';
import { Alert, Button, Group, Modal, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { ApiError, get, post } from '../../../api/client';
import { ErrorAlert } from '../../../components/QueryView';
import { useT } from '../../../i18n/i18n';
import { journeyKeys } from '../list/journey-queries';
import { FlowChanges } from './FlowChanges';
import { FlowParamInput, type FlowParamValue } from './FlowParamInput';
import { flowStrings } from './strings';

type Values = Record<string, FlowParamValue>;

const fetchFlow = (id: string) =>
  get<FlowDetail>(`/api/v1/journey-templates/${encodeURIComponent(id)}`);
const enableFlow = (body: EnableFlowRequest) =>
  post<EnableFlowResult>('/api/v1/journeys/from-template', body);

/**
 * Enabling a flow: its parameters, a dry run that says what would change, then the real
 * enable (started or kept as a draft) and a link to the journey it made. Changing a value or
 * the mode drops the preview, so what is enabled is always what was previewed.
 */
export function EnableFlowModal({ flow, onClose }: { flow: FlowSummary; onClose(): void }) {
  const t = useT(flowStrings);
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Values>(() =>
    Object.fromEntries(flow.params.map((p) => [p.key, p.default])),
  );
  const [activate, setActivate] = useState(true);
  const detail = useQuery({
    queryKey: journeyKeys.flow(flow.id),
    queryFn: () => fetchFlow(flow.id),
  });
  const request = (dryRun: boolean): EnableFlowRequest => ({
    template: flow.id,
    params: values,
    activate,
    dryRun,
  });
  const preview = useMutation({ mutationFn: () => enableFlow(request(true)) });
  const enable = useMutation({
    mutationFn: () => enableFlow(request(false)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: journeyKeys.all }),
  });

  const edited = () => {
    preview.reset();
    enable.reset();
  };
  const failure = enable.error ?? preview.error;
  const fieldError = (key: string) =>
    failure instanceof ApiError ? failure.fieldMessage(`params.${key}`) : undefined;
  const unplacedError =
    failure && !flow.params.some((p) => fieldError(p.key) !== undefined) ? failure : null;
  const done = enable.data;

  return (
    <Modal opened onClose={onClose} size="lg" title={t('enableTitle', { name: flow.name })}>
      <Stack gap="md" data-testid="flow-enable-form">
        {detail.data ? <BuildSummary detail={detail.data} /> : null}
        <Title order={3} size="h5">
          {t('paramsTitle')}
        </Title>
        {flow.params.length === 0 ? <Text size="sm">{t('noParams')}</Text> : null}
        {flow.params.map((param) => (
          <FlowParamInput
            key={param.key}
            param={param}
            value={values[param.key] ?? param.default}
            error={fieldError(param.key)}
            onChange={(value) => {
              setValues((v) => ({ ...v, [param.key]: value }));
              edited();
            }}
          />
        ))}
        <div>
          <Text size="sm" fw={500} id="flow-mode-label" mb={4}>
            {t('mode')}
          </Text>
          <SegmentedControl
            aria-labelledby="flow-mode-label"
            value={activate ? 'activate' : 'draft'}
            onChange={(mode) => {
              setActivate(mode === 'activate');
              edited();
            }}
            data={[
              { value: 'activate', label: t('modeActivate') },
              { value: 'draft', label: t('modeDraft') },
            ]}
            data-testid="flow-mode"
            disabled={done !== undefined}
          />
        </div>
        <ErrorAlert error={unplacedError} />
        {preview.data && !done ? <FlowChanges result={preview.data} /> : null}
        {done ? (
          <Alert color="teal" title={t('enabledTitle')} data-testid="flow-enabled">
            <Stack gap="xs" align="flex-start">
              <Text size="sm">
                {done.status === 'active'
                  ? t('enabledActive', { version: done.activeVersion ?? '—' })
                  : t('enabledDraft')}
              </Text>
              {done.journeyId ? (
                <Button
                  component={Link}
                  href={`/journeys/${encodeURIComponent(done.journeyId)}`}
                  size="xs"
                  data-testid="flow-enabled-link"
                >
                  {t('openJourney')}
                </Button>
              ) : null}
            </Stack>
          </Alert>
        ) : (
          <>
            {!preview.data ? (
              <Text size="sm" c="dimmed">
                {t('previewFirst')}
              </Text>
            ) : null}
            <Group justify="flex-end">
              <Button
                variant="default"
                onClick={() => preview.mutate()}
                loading={preview.isPending}
                data-testid="flow-preview"
              >
                {t('preview')}
              </Button>
              <Button
                onClick={() => enable.mutate()}
                loading={enable.isPending}
                disabled={!preview.data}
                data-testid="flow-enable-confirm"
              >
                {activate ? t('confirmActivate') : t('confirmDraft')}
              </Button>
            </Group>
          </>
        )}
        {done ? (
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('close')}
            </Button>
          </Group>
        ) : null}
      </Stack>
    </Modal>
  );
}

/** How big the flow is with its defaults, from the built journey the detail answers. */
function BuildSummary({ detail }: { detail: FlowDetail }) {
  const t = useT(flowStrings);
  const steps = detail.journey.steps;
  return (
    <Text size="sm" c="dimmed">
      {t('builds', {
        steps: Array.isArray(steps) ? steps.length : 0,
        templates: detail.templates.length,
      })}
    </Text>
  );
}

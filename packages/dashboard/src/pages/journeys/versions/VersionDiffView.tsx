import { Badge, Code, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useT } from '../../../i18n/i18n';
import { journeyStrings, labelOf, stepTypeKeys } from '../strings';
import { valueText, type DefinitionDiff, type FieldChange, type StepDiff } from './definition-diff';

const KIND_COLORS: Record<StepDiff['kind'], string> = {
  added: 'teal',
  removed: 'red',
  changed: 'blue',
};

export function VersionDiffView({ diff }: { diff: DefinitionDiff }) {
  const t = useT(journeyStrings);
  if (diff.journey.length === 0 && diff.steps.length === 0) {
    return (
      <Text c="dimmed" data-testid="version-diff-none">
        {t('diffNone')}
      </Text>
    );
  }
  return (
    <Stack gap="md" data-testid="version-diff">
      {diff.journey.length > 0 ? (
        <div>
          <Title order={4} mb="xs">
            {t('diffJourney')}
          </Title>
          <ChangeTable changes={diff.journey} />
        </div>
      ) : null}
      {diff.steps.length > 0 ? (
        <div>
          <Title order={4} mb="xs">
            {t('diffSteps')}
          </Title>
          <Stack gap="xs">
            {diff.steps.map((s) => (
              <StepChange key={`${s.kind}-${s.id}`} step={s} />
            ))}
          </Stack>
        </div>
      ) : null}
    </Stack>
  );
}

function StepChange({ step }: { step: StepDiff }) {
  const t = useT(journeyStrings);
  const kind = { added: t('stepAdded'), removed: t('stepRemoved'), changed: t('stepChanged') };
  return (
    <Paper withBorder p="sm" data-testid={`diff-step-${step.id}`} data-kind={step.kind}>
      <Group gap="xs" mb={step.changes.length > 0 ? 'xs' : 0}>
        <Badge color={KIND_COLORS[step.kind]} variant="light">
          {kind[step.kind]}
        </Badge>
        <Code dir="ltr">{step.id}</Code>
        <Text size="sm">{labelOf(t, stepTypeKeys, step.type)}</Text>
        {step.typeBefore ? (
          <Text size="sm" c="dimmed">
            {t('typeChanged', { type: labelOf(t, stepTypeKeys, step.typeBefore) })}
          </Text>
        ) : null}
        {step.label ? (
          <Text size="sm" c="dimmed">
            <bdi>{step.label}</bdi>
          </Text>
        ) : null}
      </Group>
      {step.changes.length > 0 ? <ChangeTable changes={step.changes} /> : null}
    </Paper>
  );
}

function ChangeTable({ changes }: { changes: FieldChange[] }) {
  const t = useT(journeyStrings);
  const cell = (v: unknown) =>
    v === undefined ? (
      <Text size="sm" c="dimmed">
        {t('absent')}
      </Text>
    ) : (
      <Code dir="ltr" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
        {valueText(v)}
      </Code>
    );
  return (
    <Table withTableBorder layout="fixed" fz="sm">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('colField')}</Table.Th>
          <Table.Th>{t('colBefore')}</Table.Th>
          <Table.Th>{t('colAfter')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {changes.map((c) => (
          <Table.Tr key={c.path}>
            <Table.Td>
              <Code dir="ltr">{c.path}</Code>
            </Table.Td>
            <Table.Td>{cell(c.before)}</Table.Td>
            <Table.Td>{cell(c.after)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

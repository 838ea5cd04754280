import {
  Button,
  Fieldset,
  Group,
  List,
  Paper,
  ScrollArea,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useT } from '../../../i18n/i18n';
import { useCanvasInfo } from './canvas-context';
import { blockTitle } from './describe';
import { JourneySettingsForm } from './JourneySettingsForm';
import type { JourneyNode, JourneyNodeData } from './model';
import type { Problem } from './problems';
import { StepForm } from './StepForm';
import { editorStrings } from './strings';
import { TriggerForm } from './TriggerForm';
import type { JourneyEditor } from './useJourneyEditor';

/**
 * Edits what is selected: a block's fields, or the journey's own settings when nothing is.
 * Viewers see the same forms, disabled (one fieldset disables every input in it).
 */
export function SidePanel(props: {
  editor: JourneyEditor;
  problems: Problem[];
  readOnly: boolean;
}) {
  const t = useT(editorStrings);
  const { editor } = props;
  const node = editor.selected;
  return (
    <Paper
      withBorder
      p="sm"
      w={360}
      miw={300}
      component="aside"
      data-testid="side-panel"
      aria-label={t('sidePanelLabel')}
    >
      <ScrollArea.Autosize mah="72vh" type="auto" offsetScrollbars>
        {node ? (
          <BlockPanel
            key={node.id}
            node={node}
            problems={props.problems.filter((p) => p.nodeId === node.id)}
            readOnly={props.readOnly}
            onChange={(data) => editor.updateNode(node.id, data)}
            onRemove={() => editor.removeNode(node.id)}
            onClose={() => editor.select(null)}
          />
        ) : (
          <Stack gap="sm">
            <Title order={2} size="h4">
              {t('journeySettings')}
            </Title>
            <Fieldset variant="unstyled" disabled={props.readOnly}>
              <JourneySettingsForm
                value={editor.meta}
                onChange={editor.setMeta}
                problems={props.problems.filter((p) => p.nodeId === null)}
              />
            </Fieldset>
          </Stack>
        )}
      </ScrollArea.Autosize>
    </Paper>
  );
}

function BlockPanel(props: {
  node: JourneyNode;
  problems: Problem[];
  readOnly: boolean;
  onChange: (data: JourneyNodeData) => void;
  onRemove: () => void;
  onClose: () => void;
}) {
  const t = useT(editorStrings);
  const info = useCanvasInfo();
  const data = props.node.data;
  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <div>
          <Title order={2} size="h4">
            {blockTitle(data, info, t)}
          </Title>
          {data.kind === 'step' ? (
            <Text size="xs" c="dimmed">
              {t('stepId')} <bdi>{data.step.id}</bdi>
            </Text>
          ) : null}
        </div>
        <Button variant="subtle" size="compact-xs" onClick={props.onClose}>
          {t('showJourneySettings')}
        </Button>
      </Group>
      {props.problems.length > 0 ? (
        <List size="sm" c="red.7" data-testid="block-problems" spacing={2}>
          {props.problems.map((p, i) => (
            <List.Item key={i}>
              <bdi>{p.field}</bdi>: {p.message}
            </List.Item>
          ))}
        </List>
      ) : null}
      <Fieldset variant="unstyled" disabled={props.readOnly}>
        <Stack gap="sm">
          {data.kind === 'step' ? (
            <TextInput
              label={t('blockLabel')}
              description={t('blockLabelHint')}
              value={data.step.label ?? ''}
              onChange={(e) =>
                props.onChange({
                  ...data,
                  step: { ...data.step, label: e.currentTarget.value || undefined },
                })
              }
            />
          ) : null}
          {data.kind === 'trigger' ? (
            <TriggerForm
              value={data.trigger}
              onChange={(trigger) => props.onChange({ ...data, trigger })}
            />
          ) : (
            <StepForm value={data} onChange={props.onChange} />
          )}
        </Stack>
      </Fieldset>
      {props.readOnly ? null : (
        <Button variant="light" color="red" onClick={props.onRemove} data-testid="block-delete">
          {t('deleteBlock')}
        </Button>
      )}
    </Stack>
  );
}

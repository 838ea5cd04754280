import { Paper, ScrollArea, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { memo, type DragEvent } from 'react';
import { useT } from '../../../i18n/i18n';
import { triggerPaletteKinds, type PaletteKind } from './model';
import { editorStrings } from './strings';

/** The drag payload's type: only drops from this palette add blocks. */
export const PALETTE_MIME = 'application/x-comeback-block';

const groups: {
  title: 'groupTriggers' | 'groupMessages' | 'groupTiming' | 'groupLogic' | 'groupOther';
  kinds: readonly PaletteKind[];
}[] = [
  { title: 'groupTriggers', kinds: triggerPaletteKinds },
  {
    title: 'groupMessages',
    kinds: ['send_email', 'send_sms', 'send_whatsapp', 'send_push', 'send_inbox', 'webhook'],
  },
  { title: 'groupTiming', kinds: ['wait', 'wait_until', 'wait_for_event'] },
  { title: 'groupLogic', kinds: ['split', 'split_action', 'random_split'] },
  { title: 'groupOther', kinds: ['update_profile', 'exit'] },
];

/**
 * Triggers and steps to drag onto the canvas (HTML5 drag and drop), or to click: a click adds
 * the block under the selected one and joins them, so the keyboard can build a journey too.
 */
export const Palette = memo(function Palette({ onAdd }: { onAdd: (kind: PaletteKind) => void }) {
  const t = useT(editorStrings);
  const start = (kind: PaletteKind) => (event: DragEvent) => {
    event.dataTransfer.setData(PALETTE_MIME, kind);
    event.dataTransfer.effectAllowed = 'move';
  };
  return (
    <Paper
      withBorder
      p="xs"
      w={200}
      miw={200}
      data-testid="palette"
      component="section"
      style={{ userSelect: 'none' }}
    >
      <Title order={2} size="h5" mb={4}>
        {t('paletteTitle')}
      </Title>
      <Text size="xs" c="dimmed" mb="xs">
        {t('paletteHint')}
      </Text>
      <ScrollArea.Autosize mah="64vh" type="auto">
        <Stack gap="sm">
          {groups.map((g) => (
            <Stack key={g.title} gap={4}>
              <Title order={3} size="h6" c="dimmed">
                {t(g.title)}
              </Title>
              {g.kinds.map((kind) => (
                <UnstyledButton
                  key={kind}
                  draggable
                  onDragStart={start(kind)}
                  onClick={() => onAdd(kind)}
                  data-testid={`palette-${kind}`}
                  px="xs"
                  py={4}
                  style={{
                    border: '1px solid var(--mantine-color-gray-4)',
                    borderRadius: 6,
                    cursor: 'grab',
                    fontSize: 'var(--mantine-font-size-sm)',
                  }}
                >
                  {t(`kind_${kind}`)}
                </UnstyledButton>
              ))}
            </Stack>
          ))}
        </Stack>
      </ScrollArea.Autosize>
    </Paper>
  );
});

import type { Journey } from '@comeback/contracts';
import { Badge, Button, Group, Modal, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useT } from '../../../i18n/i18n';
import { JourneyStatusBadge } from '../list/JourneyStatusBadge';
import { editorStrings } from './strings';
import type { LifecycleAction } from './useJourneyActions';

/**
 * Save and the journey's lifecycle, as the API offers them: activate a draft (or the changes
 * to a live journey), resume a paused one, pause an active one, archive anything not archived.
 * Viewers see the status only.
 */
export function EditorToolbar(props: {
  journey: Journey | null;
  canEdit: boolean;
  dirty: boolean;
  saving: boolean;
  busy: LifecycleAction | null;
  onSave: () => void;
  onLifecycle: (action: LifecycleAction) => void;
  history: { undo: () => void; redo: () => void; canUndo: boolean; canRedo: boolean };
}) {
  const t = useT(editorStrings);
  const [confirming, confirm] = useDisclosure(false);
  const j = props.journey;
  const status = j?.status ?? 'draft';
  const editable = props.canEdit && status !== 'archived';
  const pending = props.saving || props.busy !== null;
  const activateLabel =
    status === 'paused' ? t('resume') : status === 'active' ? t('activateChanges') : t('activate');
  const canActivate =
    j !== null && (status !== 'active' || j.changedSinceActivation || props.dirty);
  return (
    <Group gap="xs" wrap="wrap">
      {j ? <JourneyStatusBadge status={j.status} /> : null}
      {j?.activeVersion ? (
        <Badge variant="default">{t('versionN', { n: j.activeVersion })}</Badge>
      ) : null}
      {props.dirty ? (
        <Badge color="orange" variant="outline" data-testid="journey-unsaved">
          {t('unsaved')}
        </Badge>
      ) : null}
      {editable ? (
        <>
          <HistoryButton
            label={t('undo')}
            hint={t('undoHint')}
            onClick={props.history.undo}
            enabled={props.history.canUndo}
            testId="journey-undo"
          />
          <HistoryButton
            label={t('redo')}
            hint={t('redoHint')}
            onClick={props.history.redo}
            enabled={props.history.canRedo}
            testId="journey-redo"
          />
          <Button
            onClick={props.onSave}
            loading={props.saving}
            disabled={pending && !props.saving}
            data-testid="journey-save"
          >
            {t('save')}
          </Button>
          {canActivate ? (
            <Button
              variant="light"
              color="teal"
              onClick={() => props.onLifecycle('activate')}
              loading={props.busy === 'activate'}
              disabled={pending && props.busy !== 'activate'}
              data-testid="journey-activate"
            >
              {activateLabel}
            </Button>
          ) : null}
          {status === 'active' ? (
            <Button
              variant="default"
              onClick={() => props.onLifecycle('pause')}
              loading={props.busy === 'pause'}
              disabled={pending && props.busy !== 'pause'}
              data-testid="journey-pause"
            >
              {t('pause')}
            </Button>
          ) : null}
          {j ? (
            <Button
              variant="subtle"
              color="red"
              onClick={confirm.open}
              disabled={pending}
              data-testid="journey-archive"
            >
              {t('archive')}
            </Button>
          ) : null}
        </>
      ) : null}
      <Modal opened={confirming} onClose={confirm.close} title={t('archiveTitle')}>
        <Text size="sm" mb="md">
          {t('archiveBody')}
        </Text>
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={confirm.close}>
            {t('cancel')}
          </Button>
          <Button
            color="red"
            data-testid="journey-archive-confirm"
            onClick={() => {
              confirm.close();
              props.onLifecycle('archive');
            }}
          >
            {t('archive')}
          </Button>
        </Group>
      </Modal>
    </Group>
  );
}

/** Undo or redo: a plain button with its keyboard hint. */
function HistoryButton(props: {
  label: string;
  hint: string;
  onClick: () => void;
  enabled: boolean;
  testId: string;
}) {
  return (
    <Tooltip label={props.hint}>
      <Button
        variant="default"
        onClick={props.onClick}
        disabled={!props.enabled}
        data-testid={props.testId}
      >
        {props.label}
      </Button>
    </Tooltip>
  );
}

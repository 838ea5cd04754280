import type { Journey, JourneyDefinition } from '@comeback/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import { useLocation } from 'wouter';
import { ApiError, post, put } from '../../../api/client';
import { useT } from '../../../i18n/i18n';
import { journeyKeys, journeyPath } from '../list/journey-queries';
import { outputLabel } from './describe';
import { definitionOf } from './model';
import { localProblems, problemsOf, type LocalMessages, type Problem } from './problems';
import { rememberPositions } from './positions';
import { editorStrings } from './strings';
import type { JourneyEditor } from './useJourneyEditor';
import { useBlocks } from './useStableList';

export type LifecycleAction = 'activate' | 'pause' | 'archive';

/**
 * Save, activate, pause and archive, and the faults to show. The browser checks what the API
 * would (same schema) before sending, so most mistakes appear on their block at once; what
 * only the server knows (a template that does not exist) comes back as error details whose
 * paths (`steps.3.template`) name the block as it was sent.
 */
export function useJourneyActions(journey: Journey | null, editor: JourneyEditor) {
  const t = useT(editorStrings);
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [checked, setChecked] = useState(false);
  const [apiProblems, setApiProblems] = useState<Problem[]>([]);
  const sentOrder = useRef<string[]>([]);
  const { meta, nodes, edited } = editor;

  const blocks = useBlocks(nodes);
  const messages = useMemo<LocalMessages>(
    () => ({
      needsTrigger: t('needsTrigger'),
      required: t('required'),
      connectStart: t('connectStart'),
      connectOutput: (o) => t('connectOutput', { output: outputLabel(o, t) }),
    }),
    [t],
  );
  // Shown from the first save on, then kept up to date as blocks change.
  const local = useMemo(
    () => (checked ? localProblems(meta, blocks, messages) : []),
    [checked, meta, blocks, messages],
  );

  const problems = useMemo(
    () => [...local, ...apiProblems.filter((p) => p.nodeId === null || !edited.has(p.nodeId))],
    [local, apiProblems, edited],
  );

  const settle = (saved: Journey) => {
    queryClient.setQueryData(journeyKeys.one(saved.id), saved);
    void queryClient.invalidateQueries({ queryKey: journeyKeys.all });
  };

  const save = useMutation({
    mutationFn: async (): Promise<Journey | null> => {
      setChecked(true);
      setApiProblems([]);
      const { definition, order } = definitionOf(meta, blocks);
      if (!definition || localProblems(meta, blocks, messages).length > 0) return null;
      sentOrder.current = order;
      const body: JourneyDefinition = definition;
      return journey
        ? put<Journey>(journeyPath(journey.id), body)
        : post<Journey>('/api/v1/journeys', body);
    },
    onSuccess: (saved) => {
      if (!saved) return;
      editor.markSaved();
      rememberPositions(saved.id, nodes);
      settle(saved);
      if (!journey) navigate(`/journeys/${encodeURIComponent(saved.id)}`, { replace: true });
    },
    onError: (error) => {
      if (error instanceof ApiError) setApiProblems(problemsOf(error.details, sentOrder.current));
    },
  });

  const lifecycle = useMutation({
    mutationFn: async (action: LifecycleAction): Promise<Journey | null> => {
      if (!journey) return null;
      // Activating publishes the saved draft: unsaved edits are saved first.
      if (action === 'activate' && editor.dirty && !(await save.mutateAsync())) return null;
      return post<Journey>(`${journeyPath(journey.id)}/${action}`);
    },
    onSuccess: (saved) => saved && settle(saved),
  });

  return { problems, save, lifecycle };
}

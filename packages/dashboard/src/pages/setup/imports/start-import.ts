import type { FieldMapping, ImportJobView, ImportKind, SavedMapping } from '@comeback/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { post, put } from '../../../api/client';
import { useSession } from '../../../api/session';
import { setupKeys } from '../shared/keys';
import { uploadFile } from '../shared/raw-request';

export interface MappingToSave {
  name: string;
  mapping: FieldMapping;
  /** A saved mapping of that name exists: replace it (PUT) rather than create it (POST). */
  exists: boolean;
}

/** Saves a field mapping under its name (created or replaced). */
export function useSaveMapping() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: saveMapping,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: setupKeys.mappings }),
  });
}

function saveMapping({ name, mapping, exists }: MappingToSave): Promise<SavedMapping> {
  return exists
    ? put<SavedMapping>(`/api/v1/import-mappings/${encodeURIComponent(name)}`, mapping)
    : post<SavedMapping>('/api/v1/import-mappings', { name, ...mapping });
}

/**
 * Starts an import: the mapping is saved first (the upload names a saved mapping), then the
 * file itself is the request body, streamed by the browser, so a large file is never read
 * into memory here.
 */
export function useStartImport() {
  const queryClient = useQueryClient();
  const { session, workspaceId } = useSession();
  return useMutation({
    mutationFn: async (input: MappingToSave & { file: File; kind: ImportKind }) => {
      await saveMapping(input);
      return uploadFile<ImportJobView>(
        '/api/v1/imports',
        { kind: input.kind, format: 'csv', mapping: input.name, name: input.file.name },
        input.file,
        'text/csv',
        { workspaceId, csrfToken: session?.csrfToken ?? null },
      );
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: setupKeys.mappings });
      void queryClient.invalidateQueries({ queryKey: setupKeys.importList });
    },
  });
}

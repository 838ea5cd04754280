import { Button } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { get } from '../../api/client';
import { errorText } from '../../components/QueryView';
import { useT } from '../../i18n/i18n';
import { customerStrings } from './strings';

/**
 * GDPR access: everything held about the person as a JSON file. Fetched rather than linked,
 * because the request must carry the workspace header a plain link cannot.
 */
async function downloadExport(profileId: string): Promise<void> {
  const body = await get<unknown>(`/api/v1/profiles/${encodeURIComponent(profileId)}/export`);
  const blob = new Blob([JSON.stringify(body, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `customer-${profileId}.json`;
  link.click();
  // Revoked after the click has handed the file to the browser.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function ExportProfile({ profileId }: { profileId: string }) {
  const t = useT(customerStrings);
  const exporting = useMutation({ mutationFn: () => downloadExport(profileId) });
  return (
    <Button
      variant="default"
      loading={exporting.isPending}
      onClick={() => exporting.mutate()}
      data-testid="customer-export"
      title={exporting.isError ? errorText(exporting.error) : undefined}
      color={exporting.isError ? 'red' : undefined}
    >
      {exporting.isError ? t('exportFailed') : t('exportJson')}
    </Button>
  );
}

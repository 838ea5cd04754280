import { apiFetch } from '../../../api/client';
import { apiErrorOf } from './raw-request';

/** Hands a blob to the browser as a file download. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download; the URL is not needed after this turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** GETs an API file (CSV, JSON lines) and saves it; API errors are thrown as ApiError. */
export async function downloadApiFile(path: string, fileName: string): Promise<void> {
  const response = await apiFetch('GET', path);
  if (!response.ok) throw await apiErrorOf(response);
  saveBlob(await response.blob(), fileName);
}

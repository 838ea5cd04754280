import { ApiError, withQuery, type Query } from '../../../api/client';

/**
 * Requests the JSON client cannot make: an upload whose body is the file itself (the import API
 * streams a raw text/csv body to disk). Same headers as the client: the workspace, and the
 * session's CSRF token for an unsafe method.
 */
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The API's error envelope of a failed response, as the ApiError the client would throw. */
export async function apiErrorOf(response: Response): Promise<ApiError> {
  const body: unknown = await response.json().catch(() => null);
  const error = isRecord(body) && isRecord(body.error) ? body.error : null;
  if (!error) return new ApiError(response.status, 'internal', `HTTP ${response.status}`, []);
  const details = Array.isArray(error.details)
    ? error.details
        .filter(isRecord)
        .map((d) => ({ field: String(d.field ?? ''), message: String(d.message ?? '') }))
    : [];
  return new ApiError(
    response.status,
    String(error.code ?? 'internal'),
    String(error.message),
    details,
  );
}

export interface UploadAuth {
  workspaceId: string | null;
  csrfToken: string | null;
}

/** POSTs a file as the raw body; resolves to the parsed JSON answer. */
export async function uploadFile<T>(
  path: string,
  query: Query,
  file: Blob,
  contentType: string,
  auth: UploadAuth,
): Promise<T> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': contentType,
  };
  if (auth.workspaceId) headers['x-comeback-workspace'] = auth.workspaceId;
  if (auth.csrfToken) headers['x-csrf-token'] = auth.csrfToken;
  const response = await fetch(withQuery(path, query), {
    method: 'POST',
    headers,
    credentials: 'same-origin',
    body: file,
  });
  if (!response.ok) throw await apiErrorOf(response);
  // As in the client: the server validates its answers with its own schemas.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-type-assertion
  return (await response.json()) as T;
}

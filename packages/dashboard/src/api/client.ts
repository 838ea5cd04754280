/**
 * The dashboard's only way to the server: the public admin API under /api/v1, signed in by
 * the session cookie. Unsafe requests echo the session's CSRF token; every request names the
 * workspace the user is acting in. Failures arrive as the API's error envelope and are thrown
 * as ApiError, so a form can show the message next to the field it names.
 */

export interface ErrorDetail {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[];
  constructor(status: number, code: string, message: string, details: ErrorDetail[]) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
  /** The message for one field (dot path), if the server named it. */
  fieldMessage(field: string): string | undefined {
    return this.details.find((d) => d.field === field)?.message;
  }
}

interface RequestState {
  csrfToken: string | null;
  workspaceId: string | null;
}
const state: RequestState = { csrfToken: null, workspaceId: null };

/** Set by the session provider after sign-in and when the workspace changes. */
export function setRequestState(next: Partial<RequestState>): void {
  Object.assign(state, next);
}
export function currentWorkspaceId(): string | null {
  return state.workspaceId;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorFrom(status: number, body: unknown): ApiError {
  const error = isRecord(body) && isRecord(body.error) ? body.error : null;
  if (!error) return new ApiError(status, 'internal', `HTTP ${status}`, []);
  const details = Array.isArray(error.details)
    ? error.details.filter(isRecord).map((d) => ({
        field: String(d.field ?? ''),
        message: String(d.message ?? ''),
      }))
    : [];
  return new ApiError(status, String(error.code ?? 'internal'), String(error.message), details);
}

/** Raw fetch with the session's headers; for downloads (CSV) and non-JSON answers. */
export async function apiFetch(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (state.workspaceId) headers['x-comeback-workspace'] = state.workspaceId;
  if (method !== 'GET' && method !== 'HEAD' && state.csrfToken) {
    headers['x-csrf-token'] = state.csrfToken;
  }
  return fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

/** JSON request; resolves to the parsed body (undefined for 204), throws ApiError otherwise. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await apiFetch(method, path, body);
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (!response.ok) throw errorFrom(response.status, parsed);
  // The server validates its responses with its own schemas; the pages name their type.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-type-assertion
  return parsed as T;
}

export const get = <T>(path: string, query?: Query) => api<T>('GET', withQuery(path, query));
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});
export const put = <T>(path: string, body?: unknown) => api<T>('PUT', path, body ?? {});
export const patch = <T>(path: string, body?: unknown) => api<T>('PATCH', path, body ?? {});
export const del = <T>(path: string) => api<T>('DELETE', path);

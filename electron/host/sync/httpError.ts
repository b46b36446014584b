/** Errors of the sync server's HTTP API: the status, the server's `{ error, hint }`, and what to do. */

import { CommonsError, type ErrorCode } from '../../../shared/errors.ts'

export class SyncServerError extends CommonsError {
  override name = 'SyncServerError'
  constructor(
    /** What the device was doing, e.g. "upload blob 3f2a… to workspace ws_…". */
    readonly action: string,
    /** 0 when the server could not be reached at all. */
    readonly status: number,
    /** The server's `error`, if it sent one. */
    readonly serverError: string | undefined,
    /** What to do: the server's `hint`, or ours. */
    hint: string,
    options?: { cause?: unknown }
  ) {
    const what = status === 0 ? 'the sync server could not be reached' : `the sync server answered ${status}`
    super(codeOfStatus(status), `could not ${action}: ${what}${serverError !== undefined ? ` (${serverError})` : ''}`, hint, options)
  }
}

function codeOfStatus(status: number): ErrorCode {
  if (status === 401 || status === 403) return 'access'
  if (status === 404) return 'not-found'
  if (status === 409) return 'conflict'
  if (status === 400 || status === 413) return 'invalid-input'
  // 0 (unreachable), 429, 503, other 5xx, and answers we cannot read.
  return 'connection'
}

/** What to do about a status, when the server did not say. */
export function defaultHint(status: number): string {
  switch (status) {
    case 400:
      return 'the request was malformed; this is likely a bug in Commons, please report it'
    case 401:
      return "This device's token is missing, unknown or revoked; ask an owner of the workspace for a new invite"
    case 403:
      return 'this token belongs to another workspace or lacks the owner role; use the right workspace or ask an owner'
    case 404:
      return 'it is not on the server; check the workspace id, or upload it first'
    case 409:
      return 'it already exists on the server'
    case 413:
      return 'it is larger than the server allows (see --max-blob-bytes of commons-sync serve)'
    case 429:
      return 'too many requests or connections for this token; wait a moment and try again'
    case 503:
      return 'the server is shutting down; try again in a moment'
    default:
      return status >= 500 ? 'the server failed; check its log, then try again' : 'check the server URL and try again'
  }
}

/** Turns a non-2xx response into a SyncServerError, reading the server's `{ error, hint }` when there is one. */
export async function errorFromResponse(action: string, response: Response): Promise<SyncServerError> {
  let serverError: string | undefined
  let hint: string | undefined
  try {
    const body = (await response.json()) as { error?: unknown; hint?: unknown }
    if (typeof body.error === 'string') serverError = body.error
    if (typeof body.hint === 'string') hint = body.hint
  } catch {
    // No JSON body (HEAD, a proxy's HTML page): the status has to do.
  }
  return new SyncServerError(action, response.status, serverError, hint ?? defaultHint(response.status))
}

/** fetch, with "could not reach" turned into a SyncServerError that says where and why. */
export async function request(action: string, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init)
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message
    throw new SyncServerError(action, 0, cause, `check that the sync server at ${new URL(url).origin} is running and reachable`, { cause: error })
  }
}

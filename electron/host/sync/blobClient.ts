/**
 * Content-addressed blobs over the sync server's HTTP API: PUT/GET/HEAD
 * /v1/workspaces/:ws/blobs/:sha256 with the workspace token as bearer.
 */

import { createHash } from 'node:crypto'
import { CommonsError } from '../../../shared/errors.ts'
import { SyncServerError, errorFromResponse, request } from './httpError.ts'
import { apiUrl } from './serverUrl.ts'

const sha256Pattern = /^[0-9a-f]{64}$/

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** Uploads a blob; 'stored' when the server did not have it, 'already-there' when it did. */
export async function uploadBlob(
  serverUrl: string,
  token: string,
  workspaceId: string,
  sha256: string,
  bytes: Uint8Array
): Promise<'stored' | 'already-there'> {
  const action = `upload blob ${short(sha256)} (${bytes.byteLength} bytes) to workspace ${workspaceId}`
  checkSha(action, sha256)
  // The server checks too; checking here names the real problem (a bug on this side) without a round trip.
  const actual = sha256Hex(bytes)
  if (actual !== sha256) {
    throw new CommonsError('invalid-input', `could not ${action}: the bytes hash to ${actual}, not ${sha256}`, 'the file changed or the hash is wrong; hash the bytes again')
  }
  const response = await request(action, blobUrl(serverUrl, workspaceId, sha256), {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    // fetch takes only ArrayBuffer-backed views; copy the rare SharedArrayBuffer-backed one.
    body: bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes)
  })
  if (response.status === 201) return 'stored'
  if (response.status === 200) return 'already-there'
  throw await errorFromResponse(action, response)
}

/** Downloads a blob and checks that its bytes hash to `sha256`. */
export async function downloadBlob(serverUrl: string, token: string, workspaceId: string, sha256: string): Promise<Uint8Array> {
  const action = `download blob ${short(sha256)} of workspace ${workspaceId}`
  checkSha(action, sha256)
  const response = await request(action, blobUrl(serverUrl, workspaceId, sha256), {
    method: 'GET',
    headers: { authorization: `Bearer ${token}` }
  })
  if (!response.ok) {
    const error = await errorFromResponse(action, response)
    if (response.status === 404 && error.serverError === undefined) {
      throw new SyncServerError(action, 404, 'no such blob', 'the device that added the file has not uploaded it yet; try again once it is online')
    }
    throw error
  }
  const bytes = new Uint8Array(await response.arrayBuffer())
  const actual = sha256Hex(bytes)
  if (actual !== sha256) {
    throw new SyncServerError(action, response.status, `the bytes received hash to ${actual}`, 'the download was damaged; try again')
  }
  return bytes
}

/** Whether the server has the blob. */
export async function hasBlob(serverUrl: string, token: string, workspaceId: string, sha256: string): Promise<boolean> {
  const action = `check blob ${short(sha256)} of workspace ${workspaceId}`
  checkSha(action, sha256)
  const response = await request(action, blobUrl(serverUrl, workspaceId, sha256), {
    method: 'HEAD',
    headers: { authorization: `Bearer ${token}` }
  })
  if (response.status === 200) return true
  if (response.status === 404) return false
  throw await errorFromResponse(action, response)
}

function blobUrl(serverUrl: string, workspaceId: string, sha256: string): string {
  return apiUrl(serverUrl, 'workspaces', workspaceId, 'blobs', sha256)
}

function checkSha(action: string, sha256: string): void {
  if (!sha256Pattern.test(sha256)) {
    throw new CommonsError('invalid-input', `could not ${action}: "${sha256}" is not a sha256`, 'a sha256 is 64 lowercase hex characters')
  }
}

function short(sha256: string): string {
  return sha256.length > 12 ? sha256.slice(0, 12) + '…' : sha256
}

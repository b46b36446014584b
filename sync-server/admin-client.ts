/**
 * The admin side of the `commons-sync` command line: finds a running server from its data directory
 * (`server.json`, `admin-token`) or from flags, and calls the admin HTTP API.
 */

import { readAdminToken, readServerInfo } from './data-dir.ts'

/** Exit codes of the command line: 2 not found, 3 access or connection error. */
export class AdminError extends Error {
  constructor(message: string, readonly exitCode: 2 | 3, readonly hint: string) {
    super(message)
  }
}

export interface AdminTarget {
  url: string
  adminToken: string
}

export async function resolveAdminTarget(input: { dataDir: string; url?: string | undefined; adminToken?: string | undefined }): Promise<AdminTarget> {
  let url = input.url
  if (url === undefined) {
    const info = await readServerInfo(input.dataDir).catch((error: unknown) => {
      throw new AdminError(`cannot read ${input.dataDir}/server.json: ${(error as Error).message}`, 3, 'check the data directory, or pass --url')
    })
    if (info === undefined) {
      throw new AdminError(`no running server found for data directory ${input.dataDir} (no server.json)`, 3, `start one with: commons-sync serve --data ${input.dataDir}; or pass --url and --admin-token`)
    }
    url = info.url
  }
  let adminToken = input.adminToken
  if (adminToken === undefined) {
    adminToken = await readAdminToken(input.dataDir).catch((error: unknown) => {
      throw new AdminError(`cannot read ${input.dataDir}/admin-token: ${(error as Error).message}`, 3, 'run as the user that runs the server, or pass --admin-token')
    })
    if (adminToken === undefined) throw new AdminError(`no admin token in ${input.dataDir}`, 3, 'pass --admin-token, or point --data at the directory the server was started with')
  }
  return { url: url.replace(/\/+$/, ''), adminToken }
}

export async function adminRequest(target: AdminTarget, method: 'GET' | 'DELETE', path: string, notFoundHint?: string): Promise<unknown> {
  let response: Response
  try {
    response = await fetch(target.url + path, { method, headers: { authorization: `Bearer ${target.adminToken}`, accept: 'application/json' } })
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause
    throw new AdminError(`cannot reach the server at ${target.url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, 3, 'is it running? start it with: commons-sync serve --data DIR')
  }
  const text = await response.text()
  let body: { error?: string; hint?: string } | undefined
  try {
    body = text === '' ? undefined : (JSON.parse(text) as { error?: string; hint?: string })
  } catch {
    throw new AdminError(`the answer from ${target.url} is not JSON (status ${response.status})`, 3, 'check that --url points at a commons-sync server')
  }
  if (response.ok) return body
  const message = body?.error ?? `status ${response.status}`
  const hint = body?.hint ?? ''
  if (response.status === 404) throw new AdminError(message, 2, notFoundHint ?? hint)
  if (response.status === 401 || response.status === 403) throw new AdminError(`the server refused the admin token: ${message}`, 3, hint || 'use the admin-token of the data directory the server runs on')
  throw new AdminError(`the server answered ${response.status}: ${message}`, 3, hint || 'see the server log')
}

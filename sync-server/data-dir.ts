/**
 * The files of a data directory besides the database and blobs: `admin-token` (made on the first
 * start, mode 0600) and `server.json` (where a running server listens), which the admin commands of
 * `commons-sync` read to find the server.
 */

import { chmod, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { mintAdminToken } from './secrets.ts'

export interface ServerInfo {
  url: string
  port: number
  host: string
  pid: number
  startedAt: string
}

export function adminTokenPath(dataDir: string): string {
  return join(dataDir, 'admin-token')
}

export function serverInfoPath(dataDir: string): string {
  return join(dataDir, 'server.json')
}

/** The data directory's admin token, made and written (0600) when there is none yet. */
export async function loadOrCreateAdminToken(dataDir: string): Promise<string> {
  const path = adminTokenPath(dataDir)
  const existing = await readAdminToken(dataDir)
  if (existing !== undefined) return existing
  const token = mintAdminToken()
  await writeFile(path, token + '\n', { mode: 0o600, flag: 'wx' })
  await chmod(path, 0o600)
  return token
}

export async function readAdminToken(dataDir: string): Promise<string | undefined> {
  try {
    const token = (await readFile(adminTokenPath(dataDir), 'utf8')).trim()
    return token === '' ? undefined : token
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

export async function writeServerInfo(dataDir: string, info: ServerInfo): Promise<void> {
  await writeFile(serverInfoPath(dataDir), JSON.stringify(info, null, 2) + '\n')
}

export async function readServerInfo(dataDir: string): Promise<ServerInfo | undefined> {
  try {
    return JSON.parse(await readFile(serverInfoPath(dataDir), 'utf8')) as ServerInfo
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** Removes server.json, unless another server has since written its own there. */
export async function removeServerInfo(dataDir: string, pid: number, url: string): Promise<void> {
  const current = await readServerInfo(dataDir).catch(() => undefined)
  if (current !== undefined && (current.pid !== pid || current.url !== url)) return
  await rm(serverInfoPath(dataDir), { force: true })
}

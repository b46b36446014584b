/**
 * Access to a server under test: for commons-sync, a workspace registered over the HTTP API
 * (docs/sync-protocol.md) and tokens for it; the reference server takes any token and ignores it.
 */

import type { ServerProcess } from './server-process.ts'

export interface SyncAccess {
  workspaceId: string
  /** Tokens to spread connections over (commons-sync bounds connections per token). */
  tokens: string[]
  /** ws://HOST:PORT/v1/sync/<room>?token=<token> */
  socketUrl(room: string, token: string): string
  /** `ws://HOST:PORT/v1/sync`, for WebsocketProvider's serverUrl. */
  socketBase: string
}

const alphabet = 'abcdefghijklmnopqrstuvwxyz234567'

/** A random id in shared/ids.ts's format: `<kind>_` and 20 characters of [a-z2-7]. */
export function benchId(kind: string): string {
  const bytes = new Uint8Array(20)
  globalThis.crypto.getRandomValues(bytes)
  let out = kind + '_'
  for (const byte of bytes) out += alphabet[byte & 31]
  return out
}

async function postJson<T>(url: string, body: unknown, token?: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body)
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`POST ${new URL(url).pathname} answered ${response.status}: ${text.slice(0, 300)}`)
  return JSON.parse(text) as T
}

/**
 * Sets up access for `connections` connections: on commons-sync one workspace, its owner token, and
 * members joined by invite so that no token holds more than `perToken` connections (each simulated
 * device has its own token, as real ones do).
 */
export async function setUpAccess(server: ServerProcess, connections: number, perToken = 250): Promise<SyncAccess> {
  const workspaceId = benchId('ws')
  const socketBase = server.url.replace(/^http/, 'ws') + '/v1/sync'
  const socketUrl = (room: string, token: string) => `${socketBase}/${room}?token=${encodeURIComponent(token)}`
  if (server.kind === 'reference') return { workspaceId, tokens: ['unused'], socketUrl, socketBase }

  const owner = await postJson<{ token: string }>(`${server.url}/v1/workspaces`, { workspaceId, name: 'Bench workspace', ownerName: 'Bench owner' })
  const tokens = [owner.token]
  const needed = Math.max(1, Math.ceil(connections / perToken))
  if (needed > 1) {
    const invite = await postJson<{ code: string }>(`${server.url}/v1/workspaces/${workspaceId}/invites`, { maxUses: Math.min(1000, needed - 1) }, owner.token)
    for (let index = 1; index < needed; index++) {
      const joined = await postJson<{ token: string }>(`${server.url}/v1/workspaces/${workspaceId}/join`, { code: invite.code, name: `Bench device ${index}` })
      tokens.push(joined.token)
    }
  }
  return { workspaceId, tokens, socketUrl, socketBase }
}

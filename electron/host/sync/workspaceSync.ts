/**
 * Client sync for one open workspace: one y-websocket connection per attached doc (the protocol carries
 * one room per connection), and one status for the whole workspace.
 *
 * The status is the worst over the attached docs, in the order access-denied, offline, connecting,
 * syncing, synced; with no docs attached it is 'offline' (the Host also shows 'offline' when the
 * workspace has no server configured, without making a WorkspaceSync at all).
 */

import { EventEmitter, setMaxListeners } from 'node:events'
import WebSocketNode from 'ws'
import type { Awareness } from 'y-protocols/awareness'
import type * as Y from 'yjs'
import { CommonsError } from '../../../shared/errors.ts'
import { silentLogger, type Logger } from '../../../shared/log.ts'
import { DocConnection, type DocSyncState } from './docConnection.ts'
import { normalizeServerUrl, syncSocketBase } from './serverUrl.ts'

export type SyncStatus = 'offline' | 'connecting' | 'syncing' | 'synced' | 'access-denied'

export { SyncAccessDeniedError } from './docConnection.ts'

/** waitForAgreement ran out of time; the message says which docs were not confirmed and why. */
export class SyncTimeoutError extends CommonsError {
  override name = 'SyncTimeoutError'
  constructor(message: string) {
    super('connection', message, 'check that the server is running and reachable, then try again; nothing is lost, the changes stay on this device')
  }
}

export interface WorkspaceSyncOptions {
  /** http(s)://host:port of the sync server. */
  serverUrl: string
  token: string
  workspaceId: string
  log?: Logger
  /** The WebSocket class; `ws` by default (Node 20 has no global WebSocket). */
  WebSocketImpl?: typeof WebSocket
  /** The longest wait between reconnect attempts. Default 5000. */
  maxBackoffMs?: number
}

export interface WaitForAgreementOptions {
  /** The docs to wait for; all attached docs by default. */
  names?: string[]
  /** Default 30000. */
  timeoutMs?: number
}

// Worst first: a workspace is as synced as its least synced doc.
const severity: Record<DocSyncState, number> = { 'access-denied': 0, offline: 1, connecting: 2, syncing: 3, synced: 4 }

export class WorkspaceSync extends EventEmitter<{ status: [status: SyncStatus, detail: string | undefined] }> {
  readonly serverUrl: string
  readonly workspaceId: string
  readonly #socketBase: string
  readonly #token: string
  readonly #WebSocketImpl: typeof WebSocket
  readonly #maxBackoffMs: number
  readonly #log: Logger
  readonly #docs = new Map<string, DocConnection>()
  #status: SyncStatus = 'offline'
  #detail: string | undefined = 'no docs attached'
  #destroyed = false

  constructor(options: WorkspaceSyncOptions) {
    super()
    this.serverUrl = normalizeServerUrl(options.serverUrl)
    this.workspaceId = options.workspaceId
    this.#socketBase = syncSocketBase(options.serverUrl)
    this.#token = options.token
    this.#WebSocketImpl = options.WebSocketImpl ?? (WebSocketNode as unknown as typeof WebSocket)
    this.#maxBackoffMs = options.maxBackoffMs ?? 5000
    this.#log = (options.log ?? silentLogger).child('sync')
  }

  get status(): SyncStatus {
    return this.#status
  }

  /** Why the status is what it is (for offline and access-denied), in words for the user. */
  get detail(): string | undefined {
    return this.#detail
  }

  /** The attached doc names. */
  get names(): string[] {
    return [...this.#docs.keys()]
  }

  /** Starts syncing `doc` as room `name`, which must be a doc of this workspace. */
  attach(name: string, doc: Y.Doc): void {
    if (this.#destroyed) throw new Error(`the sync of workspace ${this.workspaceId} was destroyed; make a new WorkspaceSync`)
    if (!name.startsWith(this.workspaceId + '/')) {
      throw new CommonsError('invalid-input', `doc "${name}" is not a doc of workspace ${this.workspaceId}`, `its name must start with "${this.workspaceId}/"`)
    }
    if (this.#docs.has(name)) throw new Error(`doc "${name}" is already attached to sync; detach it first`)
    const connection = new DocConnection({
      name,
      doc,
      socketBase: this.#socketBase,
      token: this.#token,
      workspaceId: this.workspaceId,
      WebSocketImpl: this.#WebSocketImpl,
      maxBackoffMs: this.#maxBackoffMs,
      log: this.#log,
      onChange: () => this.#update()
    })
    this.#docs.set(name, connection)
    this.#update()
  }

  /** Stops syncing `name` (its Y.Doc is left as it is). */
  detach(name: string): void {
    const connection = this.#docs.get(name)
    if (connection === undefined) return
    this.#docs.delete(name)
    connection.destroy()
    this.#update()
  }

  /** The awareness (presence) of an attached doc. */
  awareness(name: string): Awareness | undefined {
    return this.#docs.get(name)?.awareness
  }

  /**
   * Resolves once every attached doc (or the given ones) is connected, has its server state, and the
   * server has durably stored everything this device sent. Rejects with SyncTimeoutError on timeout and
   * with SyncAccessDeniedError when the server refuses the token.
   */
  async waitForAgreement(options: WaitForAgreementOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 30_000
    const names = options.names ?? this.names
    const connections = names.map((name) => {
      const connection = this.#docs.get(name)
      if (connection === undefined) {
        throw new Error(`doc "${name}" is not attached to the sync of workspace ${this.workspaceId}; attach it before waiting for it`)
      }
      return connection
    })
    const pending = new Set(connections)
    const controller = new AbortController()
    // One abort listener per doc waited for; a workspace has far more than Node's default of ten.
    setMaxListeners(0, controller.signal)
    const timer = setTimeout(() => controller.abort(this.#timeoutError(timeoutMs, [...pending])), timeoutMs)
    try {
      await Promise.all(
        connections.map(async (connection) => {
          await connection.agree(controller.signal)
          pending.delete(connection)
        })
      )
    } catch (error) {
      // Stop the other docs' waits too.
      controller.abort(error)
      throw error
    } finally {
      clearTimeout(timer)
    }
  }

  /** Disconnects every doc. The Y.Docs are left as they are. */
  destroy(): void {
    if (this.#destroyed) return
    this.#destroyed = true
    for (const connection of this.#docs.values()) connection.destroy()
    this.#docs.clear()
    this.#update()
    this.removeAllListeners()
  }

  #timeoutError(timeoutMs: number, pending: DocConnection[]): SyncTimeoutError {
    const docs = pending.map((connection) => connection.describeWait())
    return new SyncTimeoutError(
      `timed out after ${timeoutMs} ms waiting for the sync server at ${this.serverUrl} to confirm workspace ${this.workspaceId}: ` +
        docs.join('; ')
    )
  }

  #update(): void {
    let worst: DocConnection | undefined
    for (const connection of this.#docs.values()) {
      if (worst === undefined || severity[connection.state] < severity[worst.state]) worst = connection
    }
    const status: SyncStatus = worst?.state ?? 'offline'
    const detail = worst === undefined ? (this.#destroyed ? 'sync stopped' : 'no docs attached') : worst.detail
    const changed = status !== this.#status
    this.#status = status
    this.#detail = detail
    if (changed) {
      this.#log.info('workspace sync status', { workspaceId: this.workspaceId, status, detail })
      this.emit('status', status, detail)
    }
  }
}

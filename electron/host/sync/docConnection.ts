/**
 * One doc's connection to the sync server: a y-websocket WebsocketProvider plus what the provider does
 * not track itself: a plain state for the UI, access denial, and the write barrier of
 * docs/sync-protocol.md (after synced, send a sync step 1; the step 2 that answers it means the server
 * has durably stored everything this connection sent before).
 */

import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { Awareness } from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import { WebsocketProvider, messageSync } from 'y-websocket'
import type * as Y from 'yjs'
import { CommonsError } from '../../../shared/errors.ts'
import type { Logger } from '../../../shared/log.ts'

export type DocSyncState = 'connecting' | 'offline' | 'syncing' | 'synced' | 'access-denied'

/** The server refused this device's token (HTTP 401/403 before the upgrade, or close code 4401). */
export class SyncAccessDeniedError extends CommonsError {
  override name = 'SyncAccessDeniedError'
  constructor(detail: string) {
    super('access', detail)
  }
}

export interface DocConnectionOptions {
  name: string
  doc: Y.Doc
  /** ws(s)://host:port/v1/sync */
  socketBase: string
  token: string
  workspaceId: string
  WebSocketImpl: typeof WebSocket
  maxBackoffMs: number
  log: Logger
  /** Called after every change of `state` or `detail`. */
  onChange: () => void
}

const socketOpen = 1

export class DocConnection {
  state: DocSyncState = 'connecting'
  /** Why the state is what it is, when that needs saying (offline, access-denied). */
  detail: string | undefined
  readonly awareness: Awareness
  readonly #provider: WebsocketProvider
  readonly #options: DocConnectionOptions
  /** Counts connections; a barrier belongs to the connection it was sent on. */
  #epoch = 0
  #open = false
  /** Sync step 1 messages sent on this connection (y-websocket sends the first when it opens). */
  #step1Sent = 0
  /** Sync step 2 messages received on this connection: the server answers each step 1 with one, in order. */
  #step2Received = 0
  /** Whether the server's step 1 was answered, i.e. the server was sent what this device had before connecting. */
  #serverStep1Answered = false
  #lastError: string | undefined
  /** Denied or stopped: y-websocket will not reconnect, and later close events change nothing. */
  #final = false
  #destroyed = false
  readonly #waiters = new Set<() => void>()

  constructor(options: DocConnectionOptions) {
    this.#options = options
    this.awareness = new Awareness(options.doc)
    this.#provider = new WebsocketProvider(options.socketBase, options.name, options.doc, {
      awareness: this.awareness,
      params: { token: options.token },
      WebSocketPolyfill: options.WebSocketImpl,
      // Two providers in one process share a BroadcastChannel per room unless this is set; the server
      // is the only peer a Host needs.
      disableBc: true,
      maxBackoffTime: options.maxBackoffMs,
      // Left off: its timer reads the global `WebSocket.OPEN`, which Node 20 does not have. The
      // server's answers to our step 1 on each (re)connect, and waitForAgreement's barriers, do its job.
      resyncInterval: -1,
      connect: false
    })
    // y-websocket adds a process 'exit' listener per provider (to clear our awareness, which an exiting
    // process cannot send anyway); with more than ten docs attached Node would warn of a leak.
    if (typeof process !== 'undefined') process.off('exit', this.#provider._exitHandler)
    this.#wrapSyncHandler()
    this.#provider.on('status', ({ status }) => {
      if (status === 'connected') this.#connected()
    })
    this.#provider.on('sync', (synced) => {
      if (synced && this.#open) this.#set('synced', undefined)
    })
    this.#provider.on('connection-error', (event) => this.#connectionError(event))
    this.#provider.on('connection-close', (event) => this.#connectionClosed(event))
    this.#provider.connect()
  }

  get name(): string {
    return this.#options.name
  }

  /**
   * Resolves once the server has this doc's state and has durably stored everything this device sent,
   * retrying across reconnects. Rejects on access denial, on destroy, or when `signal` aborts (with its reason).
   */
  async agree(signal: AbortSignal): Promise<void> {
    for (;;) {
      await this.#until(() => this.state === 'synced' && this.#serverStep1Answered, signal)
      const epoch = this.#epoch
      const target = this.#sendStep1()
      if (target === null) {
        // The socket is closing; wait for its close event rather than spin.
        await this.#until(() => this.#epoch !== epoch || !this.#open, signal)
        continue
      }
      await this.#until(() => this.#epoch !== epoch || !this.#open || this.#step2Received >= target, signal)
      if (this.#epoch === epoch && this.#step2Received >= target) return
    }
  }

  /** What an unfinished `agree` is waiting for, for error messages. */
  describeWait(): string {
    if (this.state === 'synced') {
      return (
        `${this.name} is synced, but the server has not confirmed that it stored this device's changes ` +
        '(its disk writes may be failing: see its /healthz)'
      )
    }
    return `${this.name} is ${this.state}${this.detail !== undefined ? ` (${this.detail})` : ''}`
  }

  destroy(): void {
    if (this.#destroyed) return
    this.#destroyed = true
    this.#provider.destroy()
    this.awareness.destroy()
    this.#notify()
  }

  #connected(): void {
    this.#epoch++
    this.#open = true
    this.#step1Sent = 1
    this.#step2Received = 0
    this.#serverStep1Answered = false
    this.#lastError = undefined
    this.#set('syncing', undefined)
  }

  #connectionError(event: Event): void {
    const message = (event as { message?: unknown }).message
    const text = typeof message === 'string' ? message : 'connection error'
    this.#lastError = text
    // The ws library reports a refused upgrade as an error "Unexpected server response: <status>".
    const refused = /Unexpected server response: (\d{3})/.exec(text)?.[1]
    if (refused === '401' || refused === '403') {
      const why = refused === '401' ? 'was revoked or is invalid' : 'belongs to another workspace'
      this.#deny(
        `this device's token for workspace ${this.#options.workspaceId} ${why} (the server answered ${refused}); ask an owner for a new invite`
      )
    } else if (refused === '400') {
      this.#stop(`the sync server refused the room name "${this.name}" (400); this is a bug in Commons, please report it`)
    }
  }

  #connectionClosed(event: CloseEvent | null): void {
    this.#open = false
    if (this.#final || this.#destroyed) return
    const code = event?.code
    if (code === 4401) {
      // y-websocket stops reconnecting by itself after a 44xx close.
      this.#deny(`this device's token for workspace ${this.#options.workspaceId} was revoked; ask an owner for a new invite`, false)
    } else if (code !== undefined && code >= 4400 && code < 4500) {
      // y-websocket does not reconnect after these; say so rather than look like a passing outage.
      this.#final = true
      this.#set('offline', `the sync server closed the connection of "${this.name}" for good (${code} ${event?.reason ?? ''}); restart Commons to retry`)
    } else {
      const why = this.#lastError ?? (code !== undefined ? `closed with code ${code}${event?.reason ? ` ${event.reason}` : ''}` : 'no answer')
      this.#set('offline', `cannot reach the sync server at ${this.#options.socketBase} (${why}); retrying`)
    }
  }

  #deny(detail: string, disconnect = true): void {
    this.#options.log.warn('sync access denied', { doc: this.name, detail })
    // Set first: disconnect() emits connection-close, which must see the denial.
    this.#final = true
    this.#set('access-denied', detail)
    if (disconnect) this.#provider.disconnect()
  }

  #stop(detail: string): void {
    this.#options.log.error('sync stopped', { doc: this.name, detail })
    this.#final = true
    this.#set('offline', detail)
    this.#provider.disconnect()
  }

  #set(state: DocSyncState, detail: string | undefined): void {
    if (state === this.state && detail === this.detail) return
    this.state = state
    this.detail = detail
    this.#options.log.debug('doc sync state', { doc: this.name, state, detail })
    this.#options.onChange()
    this.#notify()
  }

  /** Counts step 1 and step 2 messages as they pass through y-websocket's own handler. */
  #wrapSyncHandler(): void {
    const handlers = this.#provider.messageHandlers // y-websocket copies this array per provider
    const original = handlers[messageSync]
    if (original === undefined) throw new Error('y-websocket has no sync message handler; the pinned version changed')
    handlers[messageSync] = (encoder, decoder, provider, emitSynced, messageType) => {
      const syncType = decoding.peekVarUint(decoder)
      original(encoder, decoder, provider, emitSynced, messageType)
      if (syncType === syncProtocol.messageYjsSyncStep1) this.#serverStep1Answered = true
      else if (syncType === syncProtocol.messageYjsSyncStep2) this.#step2Received++
      // Waiters may send a step 1; the answer to the server's step 1 goes out when this handler returns,
      // and must go first.
      queueMicrotask(() => this.#notify())
    }
  }

  /** Sends a barrier step 1 on the open connection; returns the count of step 2 answers that covers it. */
  #sendStep1(): number | null {
    const ws = this.#provider.ws
    if (ws === null || ws.readyState !== socketOpen) return null
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, messageSync)
    syncProtocol.writeSyncStep1(encoder, this.#options.doc)
    ws.send(encoding.toUint8Array(encoder))
    this.#step1Sent++
    return this.#step1Sent
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter()
  }

  /** Resolves when `ready()` holds, checked after every change. */
  #until(ready: () => boolean, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const finish = (settle: () => void) => {
        this.#waiters.delete(check)
        signal.removeEventListener('abort', check)
        settle()
      }
      const check = () => {
        if (signal.aborted) finish(() => reject(signal.reason))
        else if (this.state === 'access-denied') finish(() => reject(new SyncAccessDeniedError(this.detail ?? `the sync server refused this device's token for workspace ${this.#options.workspaceId}`)))
        else if (this.#destroyed) finish(() => reject(new CommonsError('connection', `doc "${this.name}" was detached from sync before the server confirmed it`)))
        else if (ready()) finish(resolve)
      }
      this.#waiters.add(check)
      signal.addEventListener('abort', check)
      check()
    })
  }
}

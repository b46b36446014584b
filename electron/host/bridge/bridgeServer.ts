import { bridgeEvents, bridgeRequests, type BridgeError, type EventName, type EventPayload, type RequestName } from '../../../shared/bridge/contract.ts'
import { CommonsError } from '../../../shared/errors.ts'
import { createLogger, type Logger } from '../../../shared/log.ts'
import { parseInput } from '../../../shared/operations/validate.ts'
import type { Host } from '../host.ts'
import type { WorkspaceSession } from '../workspaceSession.ts'
import { appVersion } from './appVersion.ts'
import { toBridgeError } from './bridgeErrors.ts'
import { DocPresence } from './docPresence.ts'
import { DocReplicaServer } from './docReplicaServer.ts'
import { hostRequestHandlers, type HostRequestHandlers } from './hostRequests.ts'
import { isServiceRequest, notAvailable, type HostServices } from './hostServices.ts'
import type { AwarenessSource } from './docPresence.ts'

/**
 * The Host's end of the bridge (shared/bridge/contract.ts). One BridgeHost per Host; one BridgeServer per
 * renderer connection (an Electron window, a browser tab). The transport (Electron IPC in main.ts, the
 * web host's websocket) hands each request to `handle` and carries the reply and the events.
 *
 * Every request's input is parsed with its schema before anything runs (a bad field is an
 * `invalid-input` error naming it), and every output and event is parsed with its schema before it
 * leaves, so nothing the contract does not name reaches the renderer.
 */

export type BridgeReply = { ok: true; output: unknown } | { ok: false; error: BridgeError }

/** Sends one event to the connection's renderer. Must not throw (drop it when the renderer is gone). */
export type SendEvent = (name: EventName, payload: unknown) => void

export interface BridgeHostOptions {
  host: Host
  runtime: 'electron' | 'web'
  /** Settings, assistant, workflows and reviews; requests for a missing handler answer `config`. */
  services?: HostServices
  /** The sync provider's awareness of a doc, so presence reaches other devices; the open session's by default. */
  awarenessOf?: AwarenessSource
  version?: string
  log?: Logger
}

export class BridgeHost {
  readonly host: Host
  readonly presence: DocPresence
  readonly #options: BridgeHostOptions
  readonly #log: Logger
  readonly #connections = new Set<BridgeServer>()
  readonly #stopServiceEvents: () => void

  constructor(options: BridgeHostOptions) {
    this.host = options.host
    this.#options = options
    this.#log = (options.log ?? createLogger({ scope: 'host' })).child('bridge')
    this.presence = new DocPresence(options.awarenessOf ?? ((workspaceId, docName) => options.host.openedSession(workspaceId)?.syncAwareness(docName)), this.#log)
    this.#stopServiceEvents =
      options.services?.onEvent?.((event) => {
        for (const connection of this.#connections) connection.emit(event.name, event.payload)
      }) ?? (() => {})
  }

  get connectionCount(): number {
    return this.#connections.size
  }

  /** A new renderer connection; close it when the renderer goes away. */
  connect(send: SendEvent): BridgeServer {
    const connection = new BridgeServer(
      {
        host: this.host,
        runtime: this.#options.runtime,
        version: this.#options.version ?? appVersion,
        services: this.#options.services ?? {},
        presence: this.presence,
        log: this.#log
      },
      send,
      () => this.#connections.delete(connection)
    )
    this.#connections.add(connection)
    return connection
  }

  /** Closes every connection (their subscriptions end). The Host is left open. */
  close(): void {
    this.#stopServiceEvents()
    for (const connection of [...this.#connections]) connection.close()
    this.presence.close()
  }
}

interface ConnectionOptions {
  host: Host
  runtime: 'electron' | 'web'
  version: string
  services: HostServices
  presence: DocPresence
  log: Logger
}

export class BridgeServer {
  readonly #replicas: DocReplicaServer
  readonly #handlers: HostRequestHandlers
  readonly #watched = new Map<string, { session: WorkspaceSession; listener: (status: WorkspaceSession['syncStatus'], detail: string | undefined) => void }>()
  readonly #log: Logger
  #closed = false

  constructor(
    private readonly options: ConnectionOptions,
    private readonly send: SendEvent,
    private readonly onClose: () => void
  ) {
    this.#log = options.log
    this.#replicas = new DocReplicaServer({ presence: options.presence, send: (subscriptionId, message) => this.emit('doc.message', { subscriptionId, message: message as Uint8Array<ArrayBuffer> }), log: options.log })
    this.#handlers = hostRequestHandlers({
      host: options.host,
      runtime: options.runtime,
      version: options.version,
      replicas: this.#replicas,
      open: async (workspaceId) => this.#watch(await options.host.openWorkspace(workspaceId)),
      watch: (session) => this.#watch(session)
    })
  }

  get closed(): boolean {
    return this.#closed
  }

  /**
   * Answers one request. Never rejects: failures come back as `{ ok: false, error }`. Runs synchronously
   * up to the handler's first await, so messages of one connection apply in the order they arrive.
   */
  async handle(name: unknown, input: unknown): Promise<BridgeReply> {
    const label = typeof name === 'string' ? name : 'a request'
    try {
      if (this.#closed) throw new CommonsError('connection', 'this bridge connection is closed')
      if (typeof name !== 'string' || !Object.hasOwn(bridgeRequests, name)) {
        throw new CommonsError('invalid-input', `unknown request ${JSON.stringify(name)}`, 'shared/bridge/contract.ts lists the requests the Host answers')
      }
      const requestName = name as RequestName
      const parsed: unknown = parseInput(requestName, bridgeRequests[requestName].input, input)
      const output = await this.#dispatch(requestName, parsed)
      const checked = bridgeRequests[requestName].output.safeParse(output)
      if (!checked.success) {
        this.#log.error('a bridge answer does not match the contract', { request: requestName, issues: checked.error.issues })
        throw new Error(`its answer does not match the bridge contract`)
      }
      return { ok: true, output: checked.data }
    } catch (error) {
      return { ok: false, error: toBridgeError(error, this.#log, label) }
    }
  }

  /** Sends an event after checking it against the contract (a payload that does not match is logged and dropped). */
  emit<Name extends EventName>(name: Name, payload: EventPayload<Name>): void {
    if (this.#closed) return
    const checked = bridgeEvents[name].safeParse(payload)
    if (!checked.success) {
      this.#log.error('a bridge event does not match the contract', { event: name, issues: checked.error.issues })
      return
    }
    this.send(name, checked.data)
  }

  /** The renderer is gone: ends its subscriptions and stops its events. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#replicas.close()
    for (const { session, listener } of this.#watched.values()) session.off('status', listener)
    this.#watched.clear()
    this.onClose()
  }

  #dispatch(name: RequestName, input: unknown): unknown {
    if (isServiceRequest(name)) {
      const handler = this.options.services[name] as ((input: unknown) => Promise<unknown>) | undefined
      if (handler === undefined) throw notAvailable(name)
      return handler.call(this.options.services, input)
    }
    const handler = this.#handlers[name] as (input: unknown) => unknown
    return handler(input)
  }

  #watch(session: WorkspaceSession): WorkspaceSession {
    if (this.#closed || this.#watched.has(session.id)) return session
    const listener = (status: WorkspaceSession['syncStatus'], detail: string | undefined) =>
      this.emit('sync.status', { workspaceId: session.id, status, detail: detail ?? null })
    session.on('status', listener)
    this.#watched.set(session.id, { session, listener })
    return session
  }
}

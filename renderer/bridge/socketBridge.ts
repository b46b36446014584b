import { BridgeRequestError } from '../../shared/bridge/bridgeRequestError.ts'
import { bridgeEvents, bridgeRequests, serverFrame, type EventName, type EventPayload, type RequestInput, type RequestName, type RequestOutput } from '../../shared/bridge/contract.ts'
import { decodeFrame, encodeFrame } from '../../shared/bridge/wireFormat.ts'
import type { ReconnectingBridge } from './docReplica.ts'

/**
 * The bridge in a browser tab: the web host's websocket (shared/bridge/wireFormat.ts frames). It
 * reconnects by itself with a growing pause; a request still waiting when the socket drops fails with a
 * `connection` error, and a request made while it is down fails at once. Requests made while a
 * connection attempt is under way wait for it.
 */

/** The part of a WebSocket this client uses (the browser's, or `ws` in tests). */
export interface SocketLike {
  binaryType: string
  readonly readyState: number
  send(data: Uint8Array): void
  close(code?: number, reason?: string): void
  onopen: ((event: never) => void) | null
  onclose: ((event: { code: number; reason: string }) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onerror: ((event: never) => void) | null
}

export interface SocketBridgeOptions {
  /** ws://127.0.0.1:PORT/bridge?token=… */
  url: string
  /** Makes the socket; the browser's WebSocket by default. */
  createSocket?: (url: string) => SocketLike
  /** First pause before reconnecting (doubles up to maxBackoffMs). Default 250. */
  minBackoffMs?: number
  maxBackoffMs?: number
  /** Where a frame the Host should not have sent is reported; console.warn by default. */
  onProblem?: (problem: string) => void
}

export type SocketBridgeState = 'connecting' | 'open' | 'closed'

interface Pending {
  name: RequestName
  resolve(output: unknown): void
  reject(error: BridgeRequestError): void
}

export class SocketBridge implements ReconnectingBridge {
  readonly #options: SocketBridgeOptions
  readonly #pending = new Map<number, Pending>()
  /** Frames waiting for the connection attempt under way. */
  readonly #queued: Array<{ id: number; frame: Uint8Array }> = []
  readonly #listeners = new Map<EventName, Set<(payload: never) => void>>()
  readonly #connectionListeners = new Set<(state: 'open' | 'closed') => void>()
  #socket: SocketLike | null = null
  #state: SocketBridgeState = 'connecting'
  #nextId = 1
  #failures = 0
  #retryTimer: ReturnType<typeof setTimeout> | null = null
  #stopped = false

  constructor(options: SocketBridgeOptions) {
    this.#options = options
    this.#connect()
  }

  get state(): SocketBridgeState {
    return this.#state
  }

  request<Name extends RequestName>(name: Name, input: RequestInput<Name>): Promise<RequestOutput<Name>> {
    if (this.#stopped) return Promise.reject(new BridgeRequestError('connection', 'the bridge to the Commons host was closed'))
    if (this.#state === 'closed') {
      return Promise.reject(new BridgeRequestError('connection', `not connected to the Commons host, so ${name} was not sent`, 'it reconnects by itself; try again in a moment'))
    }
    const id = this.#nextId++
    const frame = encodeFrame({ id, name, input })
    return new Promise<RequestOutput<Name>>((resolve, reject) => {
      this.#pending.set(id, { name, resolve: resolve as (output: unknown) => void, reject })
      if (this.#state === 'open') this.#socket?.send(frame)
      else this.#queued.push({ id, frame })
    })
  }

  on<Name extends EventName>(name: Name, listener: (payload: EventPayload<Name>) => void): () => void {
    let set = this.#listeners.get(name)
    if (set === undefined) this.#listeners.set(name, (set = new Set()))
    const stored = listener as (payload: never) => void
    set.add(stored)
    return () => void set.delete(stored)
  }

  /** Tells `listener` each time the connection opens or drops (replicas subscribe again on open). */
  onConnection(listener: (state: 'open' | 'closed') => void): () => void {
    this.#connectionListeners.add(listener)
    return () => void this.#connectionListeners.delete(listener)
  }

  /** Closes the socket for good; waiting requests fail. */
  close(): void {
    if (this.#stopped) return
    this.#stopped = true
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer)
    const socket = this.#socket
    this.#socket = null
    socket?.close(1000, 'closed by the page')
    this.#dropped('the bridge to the Commons host was closed')
  }

  #connect(): void {
    this.#retryTimer = null
    this.#state = 'connecting'
    const socket = (this.#options.createSocket ?? browserSocket)(this.#options.url)
    this.#socket = socket
    socket.binaryType = 'arraybuffer'
    socket.onopen = () => {
      if (this.#socket !== socket) return
      this.#state = 'open'
      this.#failures = 0
      for (const { frame } of this.#queued.splice(0)) socket.send(frame)
      this.#tell('open')
    }
    socket.onmessage = (event) => {
      if (this.#socket === socket) this.#receive(event.data)
    }
    socket.onerror = () => {}
    socket.onclose = (event) => {
      if (this.#socket !== socket) return
      this.#socket = null
      const wasOpen = this.#state === 'open'
      this.#state = 'closed'
      this.#dropped(
        wasOpen
          ? `the connection to the Commons host dropped (${event.code}${event.reason ? `: ${event.reason}` : ''})`
          : 'could not connect to the Commons host'
      )
      this.#tell('closed')
      if (!this.#stopped) this.#scheduleReconnect()
    }
  }

  #scheduleReconnect(): void {
    const min = this.#options.minBackoffMs ?? 250
    const max = this.#options.maxBackoffMs ?? 5000
    const delay = Math.min(max, min * 2 ** this.#failures++)
    this.#retryTimer = setTimeout(() => this.#connect(), delay)
  }

  #dropped(message: string): void {
    this.#queued.length = 0
    const hint = this.#stopped ? null : 'it reconnects by itself; try again in a moment'
    for (const [id, pending] of this.#pending) {
      this.#pending.delete(id)
      pending.reject(new BridgeRequestError('connection', `${message} before it answered ${pending.name}`, hint))
    }
  }

  #tell(state: 'open' | 'closed'): void {
    for (const listener of [...this.#connectionListeners]) listener(state)
  }

  #receive(data: unknown): void {
    let frame
    try {
      if (!(data instanceof ArrayBuffer) && !(data instanceof Uint8Array)) throw new Error('a text frame')
      frame = serverFrame.parse(decodeFrame(data))
    } catch (error) {
      return this.#problem(`an unreadable frame from the Commons host: ${(error as Error).message}`)
    }
    if (frame.kind === 'event') {
      if (!Object.hasOwn(bridgeEvents, frame.name)) return this.#problem(`an unknown event ${frame.name}`)
      const name = frame.name as EventName
      const payload = bridgeEvents[name].safeParse(frame.payload)
      if (!payload.success) return this.#problem(`a ${name} event that does not match the contract`)
      for (const listener of [...(this.#listeners.get(name) ?? [])]) listener(payload.data as never)
      return
    }
    const pending = this.#pending.get(frame.id)
    if (pending === undefined) return
    this.#pending.delete(frame.id)
    if (frame.kind === 'error') return pending.reject(BridgeRequestError.from(frame.error))
    const output = bridgeRequests[pending.name].output.safeParse(frame.output)
    if (output.success) pending.resolve(output.data)
    else pending.reject(new BridgeRequestError('internal', `the Commons host's answer to ${pending.name} does not match the bridge contract`))
  }

  #problem(problem: string): void {
    ;(this.#options.onProblem ?? ((text: string) => console.warn(`Commons: ${text}`)))(problem)
  }
}

function browserSocket(url: string): SocketLike {
  return new WebSocket(url) as unknown as SocketLike
}

/**
 * A lightweight y-websocket client: one `ws` socket and one Y.Doc, speaking the y-protocols sync and
 * awareness encoding directly. It does what WebsocketProvider does on the wire (sync step 1 on open, the
 * awareness state after it, answers the server's step 1 with a step 2, sends local updates), without its
 * timers, BroadcastChannel, reconnects and Awareness instance, so a load generator can hold 1,500 of them
 * in one process. sync.bench.ts checks once that it interoperates with a real WebsocketProvider.
 *
 * `barrier()` sends another step 1 and resolves when its step 2 arrives: the server answers step 1
 * messages in order, so by then it has handled everything sent before (and commons-sync has stored it).
 */

import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import WebSocket from 'ws'
import * as Y from 'yjs'

const messageSync = 0
const messageAwareness = 1
const messageAuth = 2
const syncStep1 = 0
const syncStep2 = 1
const syncUpdate = 2

export interface LightClientOptions {
  /** Full socket URL: ws://HOST:PORT/v1/sync/<room>?token=... */
  url: string
  doc?: Y.Doc
  /** Apply what the server sends to `doc` (default true). Idle clients in memory benchmarks skip it. */
  applyRemote?: boolean
  /** The awareness state sent after the first step 1, as y-websocket does ({} by default; null sends none). */
  awarenessState?: Record<string, unknown> | null
  /**
   * The state vector the first step 1 announces instead of `doc`'s: a client that stands for a device
   * which already has the doc (and so gets only a small diff) without holding a copy in this process.
   */
  initialStateVector?: Uint8Array
  /** ms to wait for the socket to open. */
  openTimeoutMs?: number
}

/** A refusal before the upgrade (commons-sync answers 400/401/403/429/503 with a JSON body). */
export class UpgradeRefusedError extends Error {
  override readonly name = 'UpgradeRefusedError'
  constructor(readonly status: number, body: string) {
    super(`upgrade refused with HTTP ${status}: ${body.slice(0, 300)}`)
  }
}

export class LightClient {
  readonly doc: Y.Doc
  readonly ws: WebSocket
  readonly applyRemote: boolean
  /** Step 1 messages this client sent; the server answers each with one step 2, in order. */
  step1Sent = 0
  step2Received = 0
  /** The server's step 1 was answered with our step 2 (the server has been sent what we had). */
  serverStep1Answered = false
  updatesReceived = 0
  awarenessReceived = 0
  bytesReceived = 0
  closeCode: number | undefined
  closeReason = ''
  private readonly step2Waiters: Array<{ target: number; resolve: () => void; reject: (error: Error) => void }> = []
  private readonly awarenessState: Record<string, unknown> | null

  private constructor(ws: WebSocket, options: LightClientOptions) {
    this.ws = ws
    this.doc = options.doc ?? new Y.Doc()
    this.applyRemote = options.applyRemote ?? true
    this.awarenessState = options.awarenessState === undefined ? {} : options.awarenessState
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== this && this.ws.readyState === WebSocket.OPEN) this.ws.send(encodeSync(syncUpdate, update))
    })
    ws.on('message', (data: Buffer) => this.receive(data))
    ws.on('close', (code, reason) => {
      this.closeCode = code
      this.closeReason = reason.toString()
      const error = new Error(`connection closed (${code}${this.closeReason ? ` ${this.closeReason}` : ''})`)
      for (const waiter of this.step2Waiters.splice(0)) waiter.reject(error)
    })
  }

  /** Opens the socket and starts the handshake; resolves once open (use `synced()` to wait for the sync). */
  static connect(options: LightClientOptions): Promise<LightClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(options.url, { perMessageDeflate: false, handshakeTimeout: options.openTimeoutMs ?? 30_000 })
      const client = new LightClient(ws, options)
      ws.once('open', () => {
        client.sendStep1(options.initialStateVector)
        if (client.awarenessState !== null) ws.send(encodeAwarenessMessage(client.doc.clientID, 1, client.awarenessState))
        resolve(client)
      })
      ws.once('unexpected-response', (_request, response) => {
        let body = ''
        response.on('data', (chunk: Buffer) => (body += chunk.toString()))
        response.on('end', () => {
          reject(new UpgradeRefusedError(response.statusCode ?? 0, body))
          ws.terminate()
        })
      })
      // Kept for the socket's life: a second 'error' without a listener would crash the load generator.
      ws.on('error', (error) => reject(error))
    })
  }

  /** Resolves when the first step 2 arrived and the server's step 1 was answered. */
  async synced(timeoutMs = 30_000): Promise<void> {
    await this.waitForStep2(1, timeoutMs)
    const deadline = performance.now() + timeoutMs
    while (!this.serverStep1Answered) {
      if (this.closeCode !== undefined) throw new Error(`connection closed (${this.closeCode} ${this.closeReason})`)
      if (performance.now() > deadline) throw new Error('the server sent no sync step 1')
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }

  /** Sends a step 1 and resolves when the step 2 answering it arrives. */
  barrier(timeoutMs = 30_000): Promise<void> {
    this.sendStep1()
    return this.waitForStep2(this.step1Sent, timeoutMs)
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.ws.terminate()
        resolve()
      }, 2000)
      this.ws.once('close', () => {
        clearTimeout(timer)
        resolve()
      })
      this.ws.close(1000)
    })
  }

  private sendStep1(stateVector: Uint8Array = Y.encodeStateVector(this.doc)): void {
    this.step1Sent += 1
    this.ws.send(encodeSync(syncStep1, stateVector))
  }

  private waitForStep2(target: number, timeoutMs: number): Promise<void> {
    if (this.step2Received >= target) return Promise.resolve()
    if (this.closeCode !== undefined) return Promise.reject(new Error(`connection closed (${this.closeCode} ${this.closeReason})`))
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no sync step 2 within ${timeoutMs} ms`)), timeoutMs)
      this.step2Waiters.push({
        target,
        resolve: () => {
          clearTimeout(timer)
          resolve()
        },
        reject: (error) => {
          clearTimeout(timer)
          reject(error)
        }
      })
    })
  }

  private receive(data: Buffer): void {
    this.bytesReceived += data.byteLength
    const decoder = decoding.createDecoder(data)
    const type = decoding.readVarUint(decoder)
    if (type === messageSync) {
      const syncType = decoding.readVarUint(decoder)
      if (syncType === syncStep1) {
        const stateVector = decoding.readVarUint8Array(decoder)
        this.ws.send(encodeSync(syncStep2, Y.encodeStateAsUpdate(this.doc, stateVector)))
        this.serverStep1Answered = true
      } else if (syncType === syncStep2 || syncType === syncUpdate) {
        const update = decoding.readVarUint8Array(decoder)
        if (this.applyRemote) Y.applyUpdate(this.doc, update, this)
        if (syncType === syncUpdate) {
          this.updatesReceived += 1
        } else {
          this.step2Received += 1
          while (this.step2Waiters.length > 0 && this.step2Waiters[0]!.target <= this.step2Received) this.step2Waiters.shift()!.resolve()
        }
      }
    } else if (type === messageAwareness) {
      this.awarenessReceived += 1
    } else if (type === messageAuth) {
      // y-websocket's "permission denied" message; commons-sync refuses before the upgrade instead.
      this.closeReason = 'auth message received'
    }
  }
}

function encodeSync(syncType: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, messageSync)
  encoding.writeVarUint(encoder, syncType)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

/** An awareness message for one client, as y-protocols' encodeAwarenessUpdate writes it. */
function encodeAwarenessMessage(clientId: number, clock: number, state: Record<string, unknown>): Uint8Array {
  const update = encoding.createEncoder()
  encoding.writeVarUint(update, 1)
  encoding.writeVarUint(update, clientId)
  encoding.writeVarUint(update, clock)
  encoding.writeVarString(update, JSON.stringify(state))
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, messageAwareness)
  encoding.writeVarUint8Array(encoder, encoding.toUint8Array(update))
  return encoding.toUint8Array(encoder)
}

/**
 * One websocket connection to one room: decodes what the client sends, enforces the per-connection
 * limits (message rate, idle time, send backlog), and closes only itself, with a reason, on bad input.
 *
 * Messages that arrive while the room is still loading wait in order and are handled once it is in
 * (the room is joined only after its stored state is loaded).
 */

import { WebSocket, type RawData } from 'ws'
import type { Logger } from '../shared/log.ts'
import { CloseCode, closeReason } from './close-codes.ts'
import { decodeClientMessage, ProtocolError, type ClientMessage } from './protocol.ts'
import { TokenBucket } from './rate-limit.ts'
import type { Room, RoomPeer } from './room.ts'
import type { MessageKind, RefusalReason, SyncMetrics } from './sync-metrics.ts'

export interface ConnectionIdentity {
  room: string
  workspaceId: string
  tokenId: string
}

export interface ConnectionOptions {
  maxMessagesPerSecond: number
  idleTimeoutMs: number
  /** Close (1013) when this many bytes wait to be sent (a client that reads too slowly must resync), or wait for the room to load. */
  maxBufferedBytes: number
  metrics: SyncMetrics
  logger: Logger
}

const refusalByCode: Partial<Record<number, RefusalReason>> = {
  [CloseCode.malformed]: 'malformed',
  [CloseCode.revoked]: 'revoked',
  [CloseCode.idle]: 'idle',
  [CloseCode.rateLimited]: 'rate_limited',
  [CloseCode.slowConsumer]: 'slow_consumer',
  [CloseCode.frameTooLarge]: 'frame_too_large'
}

const messageKinds: Record<ClientMessage['type'], MessageKind> = {
  'sync-step-1': 'sync',
  'sync-step-2': 'sync',
  'sync-update': 'sync',
  awareness: 'awareness',
  'query-awareness': 'query_awareness'
}

export class SyncConnection implements RoomPeer {
  private room: Room | undefined
  /** Messages received before the room was joined. */
  private waiting: Buffer[] = []
  private waitingBytes = 0
  private closing = false
  private reading = true
  private readonly bucket: TokenBucket
  private lastReceived = performance.now()
  private idleTimer: NodeJS.Timeout | undefined
  private readonly closeListeners: Array<() => void> = []
  private readonly received: Record<MessageKind, { inc(amount?: number): void }>

  constructor(private readonly ws: WebSocket, readonly identity: ConnectionIdentity, private readonly options: ConnectionOptions) {
    this.bucket = new TokenBucket(options.maxMessagesPerSecond, options.maxMessagesPerSecond * 2)
    const { messagesReceived } = options.metrics
    this.received = {
      sync: messagesReceived.with({ type: 'sync' }),
      awareness: messagesReceived.with({ type: 'awareness' }),
      query_awareness: messagesReceived.with({ type: 'query_awareness' }),
      other: messagesReceived.with({ type: 'other' })
    }
    ws.on('message', (data, isBinary) => this.receive(data, isBinary))
    ws.on('error', (error: Error & { code?: string }) => {
      // `ws` has already closed the socket (1009 for an oversize frame, 1002 for a broken frame).
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.countClose(CloseCode.frameTooLarge)
      this.options.logger.debug('connection error', { ...this.identity, error })
      this.closing = true
    })
    ws.on('close', () => this.closed())
    this.armIdleTimer(options.idleTimeoutMs)
  }

  get isOpen(): boolean {
    return !this.closing && this.ws.readyState === WebSocket.OPEN
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener)
  }

  /** Enters the loaded room and handles what arrived meanwhile. */
  attach(room: Room): void {
    this.room = room
    const waiting = this.waiting
    this.waiting = []
    this.waitingBytes = 0
    for (const data of waiting) {
      if (!this.isOpen || !this.reading) break
      this.handle(data)
    }
  }

  send(message: Uint8Array): void {
    if (this.closing || this.ws.readyState !== WebSocket.OPEN) return
    if (this.ws.bufferedAmount > this.options.maxBufferedBytes) {
      this.close(CloseCode.slowConsumer, 'too many messages waiting to be sent; reconnect to resync')
      return
    }
    this.ws.send(message)
    this.options.metrics.messagesSent.inc()
    this.options.metrics.bytesSent.inc(message.byteLength)
  }

  /** Ignores anything the client sends from now on (shutdown: the last writes are being flushed). */
  stopReading(): void {
    this.reading = false
  }

  close(code: number, reason: string): void {
    if (this.closing) return
    this.closing = true
    this.countClose(code)
    this.options.logger.debug('closing connection', { ...this.identity, code, reason })
    this.ws.close(code, closeReason(reason))
    // A client that does not answer the close handshake is cut off.
    setTimeout(() => this.ws.terminate(), 5000).unref()
  }

  terminate(): void {
    this.closing = true
    this.ws.terminate()
  }

  private receive(data: RawData, isBinary: boolean): void {
    if (this.closing || !this.reading) return
    const bytes = toBuffer(data)
    this.options.metrics.bytesReceived.inc(bytes.byteLength)
    this.lastReceived = performance.now()
    if (!this.bucket.take()) {
      this.close(CloseCode.rateLimited, `over ${this.options.maxMessagesPerSecond} messages per second; slow down`)
      return
    }
    if (!isBinary) {
      this.close(CloseCode.malformed, 'malformed message: text frames are not part of the protocol')
      return
    }
    if (this.room !== undefined) {
      this.handle(bytes)
      return
    }
    this.waitingBytes += bytes.byteLength
    if (this.waitingBytes > this.options.maxBufferedBytes) {
      this.close(CloseCode.slowConsumer, 'too much sent before the room finished loading; reconnect')
      return
    }
    this.waiting.push(bytes)
  }

  private handle(data: Buffer): void {
    const room = this.room!
    let message: ClientMessage
    try {
      message = decodeClientMessage(data)
    } catch (error) {
      this.received.other.inc()
      this.close(CloseCode.malformed, `malformed message: ${(error as Error).message}`)
      return
    }
    this.received[messageKinds[message.type]].inc()
    try {
      room.handle(this, message)
    } catch (error) {
      if (error instanceof ProtocolError) {
        this.close(CloseCode.malformed, `malformed message: ${error.message}`)
      } else {
        this.options.metrics.errors.incWith({ kind: 'connection' })
        this.options.logger.error('handling a message failed', { ...this.identity, error })
        this.close(CloseCode.internalError, 'internal error; reconnect')
      }
    }
  }

  private armIdleTimer(delayMs: number): void {
    this.idleTimer = setTimeout(() => {
      const quietFor = performance.now() - this.lastReceived
      if (quietFor < this.options.idleTimeoutMs) {
        this.armIdleTimer(this.options.idleTimeoutMs - quietFor)
        return
      }
      if (this.reading) this.close(CloseCode.idle, `idle: nothing received for ${this.options.idleTimeoutMs / 1000} s`)
    }, Math.max(1, delayMs))
    this.idleTimer.unref()
  }

  private closed(): void {
    this.closing = true
    clearTimeout(this.idleTimer)
    this.waiting = []
    for (const listener of this.closeListeners.splice(0)) {
      try {
        listener()
      } catch (error) {
        this.options.logger.error('a close listener failed', { ...this.identity, error })
      }
    }
  }

  private countClose(code: number): void {
    const reason = refusalByCode[code]
    if (reason !== undefined) this.options.metrics.refusals.incWith({ reason })
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data
  if (Array.isArray(data)) return Buffer.concat(data)
  return Buffer.from(data)
}

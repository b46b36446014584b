import type { EventName } from '../../../shared/bridge/contract.ts'
import type { Logger } from '../../../shared/log.ts'
import { isAppFrame } from './appFrame.ts'
import type { BridgeHost, BridgeReply, BridgeServer } from './bridgeServer.ts'

/**
 * The bridge over Electron IPC, without Electron in it (main.ts wires it to ipcMain): one bridge
 * connection per page loaded in a webContents. A reload or a navigation starts a new page, so it ends
 * the old page's connection (its doc subscriptions and their leases); the next request makes a new one.
 * In-page (hash) navigation keeps it.
 */

export const requestChannel = 'commons:request'
export const eventChannel = 'commons:event'

/** What this needs of Electron's WebContents. */
export interface RendererContents {
  readonly id: number
  send(channel: string, ...args: unknown[]): void
  isDestroyed(): boolean
  on(event: 'destroyed' | 'did-navigate' | 'render-process-gone', listener: () => void): unknown
}

/** The frame that sent a request (event.senderFrame): its URL, and its parent (null for a top-level frame). */
export interface SenderFrame {
  readonly url: string
  readonly parent: unknown
}

const refused: BridgeReply = {
  ok: false,
  error: { code: 'forbidden', message: 'this page may not use the Commons bridge', hint: 'only the Commons window itself (app://commons/) can' }
}

export class IpcConnections {
  readonly #connections = new Map<number, BridgeServer>()
  readonly #watched = new Set<number>()

  constructor(
    private readonly bridgeHost: BridgeHost,
    private readonly log: Logger
  ) {}

  /** Answers a request from `contents`, if it came from the app's own top-level page. */
  handle(contents: RendererContents, frame: SenderFrame | null | undefined, name: unknown, input: unknown): Promise<BridgeReply> {
    if (!isAppFrame(frame)) {
      this.log.warn('refused a bridge request from a frame that is not the app', { url: frame?.url ?? null })
      return Promise.resolve(refused)
    }
    return this.#connectionOf(contents).handle(name, input)
  }

  close(): void {
    for (const connection of this.#connections.values()) connection.close()
    this.#connections.clear()
  }

  #connectionOf(contents: RendererContents): BridgeServer {
    const existing = this.#connections.get(contents.id)
    if (existing !== undefined && !existing.closed) return existing
    const connection = this.bridgeHost.connect((name: EventName, payload: unknown) => {
      if (!contents.isDestroyed()) contents.send(eventChannel, { name, payload })
    })
    this.#connections.set(contents.id, connection)
    if (!this.#watched.has(contents.id)) {
      this.#watched.add(contents.id)
      const end = () => {
        this.#connections.get(contents.id)?.close()
        this.#connections.delete(contents.id)
      }
      contents.on('did-navigate', end)
      contents.on('render-process-gone', end)
      contents.on('destroyed', () => {
        end()
        this.#watched.delete(contents.id)
      })
    }
    return connection
  }
}

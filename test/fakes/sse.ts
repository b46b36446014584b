import type http from 'node:http'
import { pause } from './http.ts'

/**
 * Writes a server-sent event stream and notices when the client goes away, so a scripted stream stops
 * writing (and waiting) as soon as the test aborts its request or closes the fake.
 */
export class SseWriter {
  readonly #response: http.ServerResponse
  readonly #stopped = new AbortController()

  constructor(response: http.ServerResponse, closing: AbortSignal, headers: Record<string, string> = {}) {
    this.#response = response
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      ...headers
    })
    response.flushHeaders()
    const stop = () => this.#stopped.abort()
    response.once('close', stop)
    closing.addEventListener('abort', stop, { once: true })
    // The server's closing signal outlives every stream: drop this stream's listener when it ends.
    response.once('close', () => closing.removeEventListener('abort', stop))
  }

  /** True once the client disconnected or the server is closing; writes are then ignored. */
  get stopped(): boolean {
    return this.#stopped.signal.aborted
  }

  /** A named event: `event: <name>` then `data: <json>`. */
  event(name: string, data: unknown): void {
    this.#write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`)
  }

  /** An unnamed event, as OpenAI-compatible servers send them; a string is written verbatim. */
  data(data: unknown): void {
    this.#write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`)
  }

  pause(ms: number): Promise<void> {
    return ms > 0 ? pause(ms, this.#stopped.signal) : Promise.resolve()
  }

  end(): void {
    if (!this.#response.writableEnded) this.#response.end()
  }

  #write(frame: string): void {
    if (!this.stopped) this.#response.write(frame)
  }
}

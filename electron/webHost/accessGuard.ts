import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/**
 * Who may use the web host. It listens on 127.0.0.1 only, and the bridge websocket also needs:
 *  - the per-launch token printed in the URL (any local process or page could otherwise drive the Host);
 *  - an Origin that is the web host's own (or the dev server's), so another site open in the browser
 *    cannot connect even if it learned the port;
 *  - a Host header naming the loopback address, so a DNS-rebound name cannot reach it either.
 */

export function newAccessToken(): string {
  return randomBytes(32).toString('base64url')
}

export type Verdict = { ok: true } | { ok: false; status: 400 | 401 | 403 | 404; reason: string }

export class AccessGuard {
  readonly #tokenHash: Buffer
  readonly #origins = new Set<string>()

  constructor(token: string) {
    this.#tokenHash = hash(token)
  }

  /** Lets pages of `origin` (http://host:port) open the bridge, e.g. the Vite dev server's. */
  allowOrigin(origin: string): void {
    this.#origins.add(new URL(origin).origin)
  }

  get origins(): string[] {
    return [...this.#origins]
  }

  /** Whether the Host header names one of the allowed origins' hosts (DNS rebinding). */
  checkHost(request: IncomingMessage): Verdict {
    const host = request.headers.host
    const allowed = host !== undefined && [...this.#origins].some((origin) => new URL(origin).host === host.toLowerCase())
    return allowed ? { ok: true } : { ok: false, status: 403, reason: `host ${JSON.stringify(host ?? '')} is not this web host` }
  }

  /** The checks of a websocket upgrade to `path`: path, Host, token, Origin. */
  checkUpgrade(request: IncomingMessage, path: string): Verdict {
    const url = new URL(request.url ?? '/', 'http://localhost')
    if (url.pathname !== path) return { ok: false, status: 404, reason: 'no websocket here' }
    const host = this.checkHost(request)
    if (!host.ok) return host
    const token = url.searchParams.get('token')
    if (token === null || token === '') return { ok: false, status: 401, reason: 'the access token is missing' }
    if (!timingSafeEqual(hash(token), this.#tokenHash)) return { ok: false, status: 401, reason: 'the access token is wrong' }
    const origin = request.headers.origin
    if (origin === undefined) return { ok: false, status: 403, reason: 'the Origin header is missing' }
    if (!this.#origins.has(origin)) return { ok: false, status: 403, reason: `origin ${JSON.stringify(origin)} may not use this web host` }
    return { ok: true }
  }
}

function hash(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

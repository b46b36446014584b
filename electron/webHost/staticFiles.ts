import { readFile, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import path from 'node:path'
import { rendererContentSecurityPolicy, rendererHeaders, resolveRendererFile } from '../host/rendererFiles.ts'

/**
 * Serves the built renderer (dist/renderer) to the browser: GET and HEAD only, nothing outside the
 * folder, and the HTML with a strict Content-Security-Policy (scripts only from this origin, the bridge
 * websocket only to this origin, no framing). The renderer keeps its place in the URL hash, so every
 * path is a file; a missing one is a 404.
 */

/** The CSP of the renderer's HTML: `origins` are this host's own http origins (their ws: carries the bridge). */
export function contentSecurityPolicy(origins: readonly string[]): string {
  return rendererContentSecurityPolicy(origins)
}

/** Headers every answer carries. The token travels in the page's URL, so no referrer ever leaves. */
export const commonHeaders = {
  ...rendererHeaders,
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY'
} as const

export async function serveStatic(request: IncomingMessage, response: ServerResponse, rendererDir: string, csp: string): Promise<void> {
  let requested: string
  try {
    requested = new URL(request.url ?? '/', 'http://localhost').pathname
  } catch {
    return answer(response, 400, 'bad path')
  }
  const target = resolveRendererFile(rendererDir, request.method ?? 'GET', requested)
  if (!target.ok) return answer(response, target.status, target.reason, target.status === 405 ? { Allow: 'GET, HEAD' } : {})
  const { file } = target
  let body: Buffer
  try {
    if (!(await stat(file)).isFile()) return answer(response, 404, 'not found')
    body = await readFile(file)
  } catch {
    if (requested === '/') {
      return answer(response, 404, `the renderer is not built (no ${path.join(rendererDir, 'index.html')}); run \`npm run build\`, or use \`npm run dev\``)
    }
    return answer(response, 404, 'not found')
  }
  const html = path.extname(file).toLowerCase() === '.html'
  response.writeHead(200, {
    ...commonHeaders,
    'Content-Type': target.contentType,
    'Content-Length': body.byteLength,
    'Cache-Control': html ? 'no-store' : 'no-cache',
    ...(html ? { 'Content-Security-Policy': csp } : {})
  })
  response.end(request.method === 'HEAD' ? undefined : body)
}

export function answer(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...commonHeaders, ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) })
  response.end(text)
}

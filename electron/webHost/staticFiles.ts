import { readFile, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import path from 'node:path'

/**
 * Serves the built renderer (dist/renderer) to the browser: GET and HEAD only, nothing outside the
 * folder, and the HTML with a strict Content-Security-Policy (scripts only from this origin, the bridge
 * websocket only to this origin, no framing). The renderer keeps its place in the URL hash, so every
 * path is a file; a missing one is a 404.
 */

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm'
}

/** The CSP of the renderer's HTML: `origins` are this host's own http origins (for the ws: bridge). */
export function contentSecurityPolicy(origins: readonly string[]): string {
  const sockets = origins.map((origin) => origin.replace(/^http/, 'ws'))
  return [
    "default-src 'none'",
    "script-src 'self'",
    // TipTap and Radix add <style> elements at run time; scripts stay strict.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${sockets.join(' ')}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'"
  ].join('; ')
}

/** Headers every answer carries. The token travels in the page's URL, so no referrer ever leaves. */
export const commonHeaders = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY'
} as const

export async function serveStatic(request: IncomingMessage, response: ServerResponse, rendererDir: string, csp: string): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return answer(response, 405, 'only GET and HEAD', { Allow: 'GET, HEAD' })
  }
  let requested: string
  try {
    requested = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname)
  } catch {
    return answer(response, 400, 'bad path')
  }
  const root = path.resolve(rendererDir)
  const file = path.resolve(root, '.' + (requested.endsWith('/') ? requested + 'index.html' : requested))
  if (file !== root && !file.startsWith(root + path.sep)) return answer(response, 404, 'not found')
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
  const extension = path.extname(file).toLowerCase()
  const html = extension === '.html'
  response.writeHead(200, {
    ...commonHeaders,
    'Content-Type': contentTypes[extension] ?? 'application/octet-stream',
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

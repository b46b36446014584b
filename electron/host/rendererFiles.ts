import path from 'node:path'

/**
 * Serving the built renderer (dist/renderer), the same way wherever it is served from: Electron's
 * `app://commons/` protocol (electron/shell/appProtocol.ts) and the web host (electron/webHost/). GET and
 * HEAD only, nothing outside the renderer's folder, a content type per file, and one Content-Security-
 * Policy. The renderer's HTML also carries a meta CSP (renderer/index.html); a page is held to both, so
 * this one may only narrow it (test/unit/shell-csp.test.ts checks).
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

export function contentTypeOf(file: string): string {
  return contentTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream'
}

export type RendererFile = { ok: true; file: string; contentType: string } | { ok: false; status: 400 | 404 | 405; reason: string }

/** The file a request for `pathname` names under `rendererDir`; a directory means its index.html. */
export function resolveRendererFile(rendererDir: string, method: string, pathname: string): RendererFile {
  if (method !== 'GET' && method !== 'HEAD') return { ok: false, status: 405, reason: 'only GET and HEAD' }
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return { ok: false, status: 400, reason: 'bad path' }
  }
  if (decoded.includes('\0')) return { ok: false, status: 400, reason: 'bad path' }
  const root = path.resolve(rendererDir)
  const file = path.resolve(root, '.' + (decoded.endsWith('/') ? `${decoded}index.html` : decoded))
  const relative = path.relative(root, file)
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return { ok: false, status: 404, reason: 'not found' }
  return { ok: true, file, contentType: contentTypeOf(file) }
}

export const rendererCspDirectives: ReadonlyArray<readonly [directive: string, sources: readonly string[]]> = [
  ['default-src', ["'none'"]],
  ['script-src', ["'self'"]],
  // TipTap and Radix add <style> elements at run time; scripts stay strict.
  ['style-src', ["'self'", "'unsafe-inline'"]],
  ['img-src', ["'self'", 'data:', 'blob:']],
  ['font-src', ["'self'"]],
  ['connect-src', ["'self'"]],
  ['worker-src', ["'self'"]],
  ['manifest-src', ["'self'"]],
  ['frame-src', ["'none'"]],
  ['media-src', ["'none'"]],
  ['object-src', ["'none'"]],
  ['base-uri', ["'none'"]],
  ['form-action', ["'none'"]],
  ['frame-ancestors', ["'none'"]]
]

/**
 * The renderer's CSP. `bridgeOrigins` are the http origins whose websocket carries the bridge (the web
 * host's own); in Electron the bridge is IPC and there are none.
 */
export function rendererContentSecurityPolicy(bridgeOrigins: readonly string[] = []): string {
  const sockets = bridgeOrigins.map((origin) => origin.replace(/^http/, 'ws'))
  return rendererCspDirectives
    .map(([directive, sources]) => `${directive} ${(directive === 'connect-src' ? [...sources, ...sockets] : sources).join(' ')}`)
    .join('; ')
}

/** Headers every answer carries. No referrer ever leaves (the web host's token travels in the page URL). */
export const rendererHeaders = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin'
} as const

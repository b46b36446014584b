import path from 'node:path'
import { appOrigin } from '../host/bridge/appFrame.ts'

/**
 * The `app://commons/` scheme the renderer is served from (never file://): which file a request names,
 * with nothing outside the built renderer reachable, and its content type. main.ts's protocol handler
 * reads the file and answers with appResponseHeaders (csp.ts).
 */

export const appScheme = 'app'
export const appHost = 'commons'
export const appRootUrl = `${appOrigin}/`

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

export type AppRequest = { ok: true; file: string; contentType: string } | { ok: false; status: 400 | 404 | 405; reason: string }

/** Maps a request on `app://commons/…` to a file under `rendererDir`. */
export function resolveAppRequest(url: string, method: string, rendererDir: string): AppRequest {
  if (method !== 'GET' && method !== 'HEAD') return { ok: false, status: 405, reason: 'only GET and HEAD' }
  let pathname: string
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== `${appScheme}:` || parsed.host !== appHost) return { ok: false, status: 404, reason: 'not found' }
    pathname = decodeURIComponent(parsed.pathname)
  } catch {
    return { ok: false, status: 400, reason: 'bad path' }
  }
  if (pathname.includes('\0')) return { ok: false, status: 400, reason: 'bad path' }
  const root = path.resolve(rendererDir)
  const file = path.resolve(root, '.' + (pathname.endsWith('/') ? `${pathname}index.html` : pathname))
  const relative = path.relative(root, file)
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return { ok: false, status: 404, reason: 'not found' }
  return { ok: true, file, contentType: contentTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream' }
}

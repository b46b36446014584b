import { appOrigin } from '../host/bridge/appFrame.ts'
import { resolveRendererFile, type RendererFile } from '../host/rendererFiles.ts'

/**
 * The `app://commons/` scheme the renderer is served from (never file://): which file a request names,
 * with nothing outside the built renderer reachable, and its content type. main.ts's protocol handler
 * reads the file and answers with appResponseHeaders (csp.ts).
 */

export const appScheme = 'app'
export const appHost = 'commons'
export const appRootUrl = `${appOrigin}/`

export type AppRequest = RendererFile

/** Maps a request on `app://commons/…` to a file under `rendererDir`. */
export function resolveAppRequest(url: string, method: string, rendererDir: string): AppRequest {
  let pathname: string
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== `${appScheme}:` || parsed.host !== appHost) return { ok: false, status: 404, reason: 'not found' }
    pathname = parsed.pathname
  } catch {
    return { ok: false, status: 400, reason: 'bad path' }
  }
  return resolveRendererFile(rendererDir, method, pathname)
}

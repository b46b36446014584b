import { existsSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { bridgeSocketPath } from '../../shared/bridge/wireFormat.ts'
import type { Logger } from '../../shared/log.ts'
import type { HostServices } from '../host/bridge/hostServices.ts'
import { startWebHost, type WebHost } from './webHost.ts'

/**
 * `npm run dev`: the renderer from Vite's dev server (hot reload), its bridge websocket proxied to a web
 * host started alongside on a free port. The page's origin is the dev server's, so the web host is told
 * to accept it; the token is the web host's. Vite serves the HTML itself, without the web host's CSP
 * header (index.html's own CSP meta still applies, loosened for React Refresh: devScriptPolicy).
 */

const rendererRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../renderer')

export interface DevServerOptions {
  dataDir: string
  /** Vite's port; 5173 by default (the next free one if taken); 0 picks any. */
  port?: number
  log?: Logger
  services?: HostServices
  /** The renderer's Vite config; renderer/vite.config.ts by default. */
  configFile?: string
}

export interface DevServer {
  url: string
  webHost: WebHost
  close(): Promise<void>
}

/**
 * Vite's dev server puts React Refresh's preamble in the page as an inline script, which index.html's
 * CSP (script-src 'self') blocks; in dev only, the page's policy allows inline scripts. The built
 * renderer keeps the strict policy.
 */
function devScriptPolicy() {
  return {
    name: 'commons-dev-script-policy',
    transformIndexHtml: {
      order: 'post' as const,
      handler: (html: string) => html.replace(/(http-equiv="Content-Security-Policy"[^>]*content="[^"]*script-src 'self')/i, "$1 'unsafe-inline'")
    }
  }
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const configFile = options.configFile ?? path.join(rendererRoot, 'vite.config.ts')
  if (!existsSync(configFile)) throw new Error(`no Vite config at ${configFile}`)
  const webHost = await startWebHost({
    dataDir: options.dataDir,
    port: 0,
    ...(options.log ? { log: options.log } : {}),
    ...(options.services ? { services: options.services } : {})
  })
  try {
    const { createServer } = await import('vite')
    const vite = await createServer({
      configFile,
      plugins: [devScriptPolicy()],
      server: {
        host: '127.0.0.1',
        port: options.port ?? 5173,
        open: false,
        proxy: { [bridgeSocketPath]: { target: webHost.origin, ws: true } }
      }
    })
    await vite.listen()
    const port = (vite.httpServer?.address() as AddressInfo | null)?.port
    if (port === undefined) throw new Error('the Vite dev server did not start listening')
    const origin = `http://127.0.0.1:${port}`
    webHost.allowOrigin(origin)
    webHost.allowOrigin(`http://localhost:${port}`)
    return {
      url: `${origin}/?token=${webHost.token}`,
      webHost,
      close: async () => {
        await vite.close()
        await webHost.close()
      }
    }
  } catch (error) {
    await webHost.close()
    throw error
  }
}

/**
 * The Electron entry: the only file (with preload.ts) that imports `electron`. It starts the Host (the
 * Electron-free core in electron/host/) on this device's data directory and shows the renderer in a
 * sandboxed window, and carries the bridge (shared/bridge/contract.ts) to it over IPC (serveBridge below).
 */
import { app, BrowserWindow, dialog, ipcMain, net, protocol, safeStorage, session, shell, utilityProcess } from 'electron'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { createLogger } from '../shared/log.ts'
import type { AgentTransport, AgentTransportFactory } from './host/agent/agentClient.ts'
import { createHostServices } from './host/bridge/hostServiceHandlers.ts'
import { BridgeHost } from './host/bridge/bridgeServer.ts'
import { IpcConnections, requestChannel } from './host/bridge/ipcConnections.ts'
import { resolveDataDirectory } from './host/dataDirectory.ts'
import { Host } from './host/host.ts'
import { noSecretProtection } from './host/settings/secretProtection.ts'
import type { SecretProtector } from './host/settings/modelSettingsTypes.ts'

const log = createLogger({ scope: 'main' })
const rendererDirectory = path.join(__dirname, '..', 'renderer')

// The renderer is served from this privileged scheme, never from file://.
protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }])

if (!app.requestSingleInstanceLock()) app.quit()

let host: Host | null = null
let bridge: IpcConnections | null = null

/**
 * The bridge over IPC (electron/host/bridge/): requests on `commons:request`, answered only for the app's
 * own top-level page, events to each window on `commons:event`. The preload turns these into `window.commons`.
 */
function serveBridge(opened: Host): void {
  const bridgeHost = new BridgeHost({ host: opened, runtime: 'electron', log, services: createHostServices(opened) })
  bridge = new IpcConnections(bridgeHost, log.child('ipc'))
  ipcMain.handle(requestChannel, (event, name: unknown, input: unknown) => bridge!.handle(event.sender, event.senderFrame, name, input))
}

/**
 * The agent process in the desktop app: an Electron utility process running the bundle that
 * electron/build.mjs makes (dist/electron/agent.cjs). The agent supervisor (electron/host/agent/) uses
 * it in place of a Node fork; it is handed to the Host once the Host takes an agent transport option.
 */
const createAgentTransport: AgentTransportFactory = (): AgentTransport => {
  const child = utilityProcess.fork(path.join(__dirname, 'agent.cjs'), [], { serviceName: 'Commons agent', stdio: 'inherit' })
  const exitListeners: Array<(code: number | null, signal: string | null) => void> = []
  let exited = false
  child.on('exit', (code) => {
    exited = true
    for (const listener of exitListeners) listener(code, null)
  })
  child.on('error', (type, location) => log.error('the agent process failed', { type, location }))
  return {
    // The supervisor sends nothing before the process says it is ready.
    send: (message) => {
      if (!exited) child.postMessage(message)
    },
    onMessage: (listener) => child.on('message', (message: unknown) => listener(message)),
    onExit: (listener) => exitListeners.push(listener),
    kill: () => {
      if (!exited) child.kill()
    }
  }
}

async function start(): Promise<void> {
  host = await Host.open({
    dataDir: resolveDataDirectory(process.env.COMMONS_DATA),
    source: 'ui',
    log,
    backgroundSync: true,
    runCoworkers: true,
    secretProtector: await safeStorageProtector(),
    agentTransport: createAgentTransport
  })
  serveBridge(host)
  protocol.handle('app', (request) => {
    const requested = decodeURIComponent(new URL(request.url).pathname)
    const file = path.normalize(path.join(rendererDirectory, requested === '/' ? 'index.html' : requested))
    if (!file.startsWith(rendererDirectory)) return new Response('not found', { status: 404 })
    return net.fetch(pathToFileURL(file).toString())
  })
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, grant) => grant(false))
  if (!existsSync(path.join(rendererDirectory, 'index.html'))) {
    dialog.showErrorBox('Commons', 'The renderer has not been built. Run `npm run build`, then `npm start`.')
    app.quit()
    return
  }
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'Commons',
    webPreferences: { preload: path.join(__dirname, 'preload.cjs'), contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true }
  })
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  window.webContents.on('will-navigate', (event) => event.preventDefault())
  await window.loadURL('app://commons/')
}

/**
 * Seals API keys at rest with Electron's safeStorage (the OS keychain), for the Host's model settings
 * (host/settings/modelSettingsStore.ts): `ModelSettingsStore.open({ dataDir, protector: await safeStorageProtector() })`.
 * Call it once the app is ready. On Linux, safeStorage falls back to `basic_text` when no keyring is
 * found; that is obfuscation, not encryption, and the settings screen shows the warning.
 */
async function safeStorageProtector(): Promise<SecretProtector> {
  if (!(await safeStorage.isAsyncEncryptionAvailable())) {
    return noSecretProtection('the OS keychain is not available, so a saved API key is kept unencrypted in a file only you can read')
  }
  const basicText = process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text'
  return {
    protection: 'keychain',
    warning: basicText
      ? 'no keyring was found (such as GNOME Keyring or KWallet), so the API key is stored with only basic obfuscation; install or unlock a keyring to protect it'
      : null,
    encrypt: async (plain) => (await safeStorage.encryptStringAsync(plain)).toString('base64'),
    decrypt: async (sealed) => (await safeStorage.decryptStringAsync(Buffer.from(sealed, 'base64'))).result
  }
}

app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus())
app.on('window-all-closed', () => app.quit())
app.on('will-quit', (event) => {
  if (host === null) return
  event.preventDefault()
  const closing = host
  host = null
  bridge?.close()
  closing
    .close()
    .catch((error: unknown) => log.error('closing the host failed', { error }))
    .finally(() => app.exit(0))
})

app
  .whenReady()
  .then(start)
  .catch((error: unknown) => {
    log.error('Commons could not start', { error })
    dialog.showErrorBox('Commons could not start', error instanceof Error ? error.message : String(error))
    app.exit(1)
  })

/**
 * The Electron entry: the only file (with preload.ts) that imports `electron`. It starts the Host (the
 * Electron-free core in electron/host/) on this device's data directory, shows the renderer in sandboxed
 * windows served from `app://commons/`, and carries the bridge (shared/bridge/contract.ts) to them over IPC.
 *
 * What it decides is in Electron-free modules under electron/shell/ (tested without Electron): the CSP and
 * the protocol's files, navigation, window and permission policy (security.ts), remembered window places
 * (windowState.ts), the menu (menu.ts), `commons://` links (deepLink.ts), app events to the renderer
 * (shared/bridge/appEvents.ts) and when a notification is shown natively (nativeNotifications.ts).
 * docs/electron-security.md maps all of it to Electron's security checklist.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, protocol, safeStorage, screen, session, shell, utilityProcess, type WebContents } from 'electron'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { createLogger } from '../shared/log.ts'
import type { AgentTransport, AgentTransportFactory } from './host/agent/agentClient.ts'
import { isAppFrame } from './host/bridge/appFrame.ts'
import { createHostServices } from './host/bridge/hostServiceHandlers.ts'
import { BridgeHost } from './host/bridge/bridgeServer.ts'
import { IpcConnections, requestChannel } from './host/bridge/ipcConnections.ts'
import { resolveDataDirectory } from './host/dataDirectory.ts'
import { Host } from './host/host.ts'
import { NotificationFeed } from './host/notifications/index.ts'
import { noSecretProtection } from './host/settings/secretProtection.ts'
import type { SecretProtector } from './host/settings/modelSettingsTypes.ts'
import { appEventChannel, assistantRoute, channelOfUrl, openAssistantChannel, openAssistantInput, type AppEvent } from '../shared/bridge/appEvents.ts'
import { appRootUrl, appScheme, resolveAppRequest } from './shell/appProtocol.ts'
import { appResponseHeaders } from './shell/csp.ts'
import { deepLinkFromArgv, deepLinkScheme, parseDeepLink, type DeepLink } from './shell/deepLink.ts'
import { buildMenuTemplate, type MenuCommand } from './shell/menu.ts'
import { nativeNotificationFor, NotificationLimiter, withHeldBack, type NotificationPayload } from './shell/nativeNotifications.ts'
import { downloadAllowed, navigationDecision, permissionAllowed, secureWebPreferences, webPreferencesProblems } from './shell/security.ts'
import { restoreWindow, windowKinds, windowStateFileName, WindowStateKeeper, type WindowKind } from './shell/windowState.ts'

const log = createLogger({ scope: 'main' })
const productName = 'Commons'
/** The same id as electron-builder.yml's appId (Windows needs it for notifications). */
const appId = 'app.commons.desktop'
const rendererDirectory = path.join(__dirname, '..', 'renderer')
const preloadPath = path.join(__dirname, 'preload.cjs')
const dataDir = resolveDataDirectory(process.env.COMMONS_DATA)

app.setName(productName)
// Chromium's own profile (localStorage, caches) lives beside the device's data, so each data directory
// (COMMONS_DATA) is its own app instance: two devices can run side by side, and one directory never has two.
app.setPath('userData', path.join(dataDir, 'electron'))
if (process.platform === 'win32') app.setAppUserModelId(appId)
// Every renderer is sandboxed, whatever a window asks for.
app.enableSandbox()

// The renderer is served from this privileged scheme, never from file://.
protocol.registerSchemesAsPrivileged([{ scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } }])

let host: Host | null = null
let bridge: IpcConnections | null = null
let feed: NotificationFeed | null = null
let windowStates: WindowStateKeeper | null = null
let mainWindow: BrowserWindow | null = null
let assistantWindow: BrowserWindow | null = null
/** App events waiting for the main window's page to load (the preload keeps them until the renderer listens). */
const pendingAppEvents: AppEvent[] = []
let mainPageLoaded = false
let started = false

const primaryInstance = app.requestSingleInstanceLock()
if (!primaryInstance) {
  // Another Commons has this data directory: it gets our arguments (a deep link) through 'second-instance'.
  app.quit()
} else {
  const launchLink = deepLinkFromArgv(process.argv)
  if (launchLink !== null) openDeepLink(launchLink)

  app.on('second-instance', (_event, argv) => {
    const link = deepLinkFromArgv(argv)
    if (link !== null) openDeepLink(link)
    else if (started) showMainWindow()
  })
  // macOS hands links over as open-url, possibly before the app is ready.
  app.on('open-url', (event, url) => {
    event.preventDefault()
    const link = parseDeepLink(url)
    if (link === null) log.warn('ignored a link that is not a Commons invite')
    else openDeepLink(link)
  })
  app.on('web-contents-created', (_event, contents) => hardenContents(contents))
  app.on('activate', () => {
    if (started && BrowserWindow.getAllWindows().length === 0) showMainWindow()
  })
  app.on('window-all-closed', () => app.quit())
  app.on('will-quit', (event) => {
    if (host === null) return
    event.preventDefault()
    const closing = host
    host = null
    feed?.close()
    bridge?.close()
    Promise.allSettled([windowStates?.flush(), closing.close()])
      .then((results) => {
        for (const result of results) if (result.status === 'rejected') log.error('closing the host failed', { error: result.reason })
      })
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
}

async function start(): Promise<void> {
  registerProtocolClient()
  applySessionPolicy()
  serveAppProtocol()
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate({ platform: process.platform, appName: productName, devTools: !app.isPackaged }, onMenuCommand)))

  host = await Host.open({
    dataDir,
    source: 'ui',
    log,
    backgroundSync: true,
    runCoworkers: true,
    secretProtector: await safeStorageProtector(),
    agentTransport: createAgentTransport
  })
  serveBridge(host)
  windowStates = await WindowStateKeeper.open(path.join(dataDir, windowStateFileName), { onError: (error) => log.warn('could not save the window places', { error }) })

  if (!existsSync(path.join(rendererDirectory, 'index.html'))) {
    dialog.showErrorBox('Commons', 'The renderer has not been built. Run `npm run build`, then `npm start`.')
    app.quit()
    return
  }
  started = true
  showMainWindow()
}

/**
 * The bridge over IPC (electron/host/bridge/): requests on `commons:request`, answered only for the app's
 * own top-level page, events to each window on `commons:event`. The preload turns these into `window.commons`.
 * Notifications from the Host's feed go to every window over the bridge, and natively from here.
 */
function serveBridge(opened: Host): void {
  const services = createHostServices(opened)
  const bridgeHost = new BridgeHost({ host: opened, runtime: 'electron', log, services })
  bridge = new IpcConnections(bridgeHost, log.child('ipc'))
  ipcMain.handle(requestChannel, (event, name: unknown, input: unknown) => bridge!.handle(event.sender, event.senderFrame, name, input))
  ipcMain.on(openAssistantChannel, (event, input: unknown) => {
    if (!isAppFrame(event.senderFrame)) return log.warn('refused an assistant window request from a frame that is not the app', { url: event.senderFrame?.url ?? null })
    const parsed = openAssistantInput.safeParse(input)
    if (parsed.success) openAssistant(parsed.data?.channelId ?? null, { switchContext: true })
  })
  services.onEvent?.((event) => {
    if (event.name === 'notification') showNativeNotification(event.payload)
  })
  feed = NotificationFeed.start({ sessions: opened, emit: services.emit, log })
}

// ---------------------------------------------------------------------------------------------------
// Security: the protocol, the session, every webContents

/** Serves dist/renderer on app://commons/, with the CSP and the other headers on every answer. */
function serveAppProtocol(): void {
  protocol.handle(appScheme, async (request) => {
    const resolved = resolveAppRequest(request.url, request.method, rendererDirectory)
    const plain = { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }
    if (!resolved.ok) return new Response(resolved.reason, { status: resolved.status, headers: plain })
    try {
      const body = await readFile(resolved.file)
      return new Response(request.method === 'HEAD' ? null : new Uint8Array(body.buffer, body.byteOffset, body.byteLength), { status: 200, headers: appResponseHeaders(resolved.contentType) })
    } catch {
      return new Response('not found', { status: 404, headers: plain })
    }
  })
}

/** Permissions: only what the app uses (clipboard writes from its own page); no devices; downloads only of what the app made. */
function applySessionPolicy(): void {
  const ses = session.defaultSession
  ses.setPermissionRequestHandler((_contents, permission, grant, details) => {
    const allowed = permissionAllowed(permission, { requestingUrl: details.requestingUrl, isMainFrame: details.isMainFrame })
    if (!allowed) log.info('denied a permission request', { permission })
    grant(allowed)
  })
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    permissionAllowed(permission, { requestingUrl: details.requestingUrl ?? requestingOrigin, isMainFrame: details.isMainFrame })
  )
  ses.setDevicePermissionHandler(() => false)
  ses.on('will-download', (event, item) => {
    if (!downloadAllowed(item.getURL())) {
      log.warn('cancelled a download the app did not start')
      event.preventDefault()
    }
  })
}

/** Every webContents (windows, anything a page might try to make): no webviews, no navigation away, no new windows. */
function hardenContents(contents: WebContents): void {
  contents.on('will-attach-webview', (event) => {
    event.preventDefault()
    log.warn('refused to attach a webview')
  })
  const leave = (url: string) => {
    const decision = navigationDecision(url)
    if (decision.openExternally !== null) void shell.openExternal(decision.openExternally)
  }
  contents.setWindowOpenHandler(({ url }) => {
    leave(url)
    return { action: 'deny' }
  })
  contents.on('will-navigate', (event) => {
    event.preventDefault()
    leave(event.url)
  })
  contents.on('will-redirect', (event) => event.preventDefault())
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) event.preventDefault()
  })
  contents.on('render-process-gone', (_event, details) => log.warn('a renderer process ended', { reason: details.reason, exitCode: details.exitCode }))
}

// ---------------------------------------------------------------------------------------------------
// Windows

function createWindow(kind: WindowKind, route: string): BrowserWindow {
  const defaults = windowKinds[kind]
  const restored = restoreWindow(windowStates?.saved(kind), screen.getAllDisplays(), screen.getPrimaryDisplay(), defaults)
  const webPreferences = secureWebPreferences(preloadPath)
  const problems = webPreferencesProblems(webPreferences)
  if (problems.length > 0) throw new Error(`refusing to open a window: ${problems.join(', ')}`)
  const window = new BrowserWindow({
    ...restored.bounds,
    minWidth: defaults.minWidth,
    minHeight: defaults.minHeight,
    show: false,
    title: kind === 'assistant' ? `Private assistant — ${productName}` : productName,
    webPreferences
  })
  windowStates?.track(kind, window)
  window.once('ready-to-show', () => {
    if (restored.maximized) window.maximize()
    if (restored.fullScreen) window.setFullScreen(true)
    window.show()
  })
  window.loadURL(appRootUrl + route).catch((error: unknown) => log.error('a window could not load', { kind, error }))
  return window
}

/** The main window, made if it is not there, brought to the front. */
function showMainWindow(): BrowserWindow {
  if (mainWindow === null || mainWindow.isDestroyed()) {
    const window = createWindow('main', '')
    mainWindow = window
    mainPageLoaded = false
    window.webContents.on('did-start-loading', () => (mainPageLoaded = false))
    window.webContents.on('did-finish-load', () => {
      mainPageLoaded = true
      for (const event of pendingAppEvents.splice(0)) window.webContents.send(appEventChannel, event)
    })
    window.on('closed', () => {
      if (mainWindow === window) mainWindow = null
    })
    return window
  }
  if (mainWindow.isMinimized()) mainWindow.restore()
  mainWindow.show()
  mainWindow.focus()
  return mainWindow
}

/** Tells the main window's renderer something (window.commons.onMenu), once the app is up and the page is loaded. */
function sendAppEvent(event: AppEvent): void {
  if (!started) {
    pendingAppEvents.push(event)
    return
  }
  const window = showMainWindow()
  if (mainPageLoaded) window.webContents.send(appEventChannel, event)
  else pendingAppEvents.push(event)
}

/**
 * The private assistant's own window (sandboxed like the main one), at `#/assistant`, or
 * `#/assistant/new/<channelId>` with the channel it was opened from. When it is open already it is brought
 * forward as it is; a renderer's explicit request for a channel (`switchContext`) starts a conversation there.
 */
function openAssistant(channelId: string | null, options: { switchContext: boolean }): void {
  if (!started) return
  if (assistantWindow !== null && !assistantWindow.isDestroyed()) {
    if (options.switchContext && channelId !== null) {
      // A hash change: the page (and its bridge connection) stays.
      assistantWindow.loadURL(appRootUrl + assistantRoute(channelId)).catch((error: unknown) => log.warn('the assistant window could not switch channel', { error }))
    }
    if (assistantWindow.isMinimized()) assistantWindow.restore()
    assistantWindow.show()
    assistantWindow.focus()
    return
  }
  const window = createWindow('assistant', assistantRoute(channelId))
  assistantWindow = window
  window.on('closed', () => {
    if (assistantWindow === window) assistantWindow = null
  })
}

function onMenuCommand(command: MenuCommand): void {
  switch (command) {
    case 'private-assistant':
      // With the context of the channel the main window shows.
      return openAssistant(mainWindow !== null && !mainWindow.isDestroyed() ? channelOfUrl(mainWindow.webContents.getURL()) : null, { switchContext: false })
    case 'show-data-folder':
      void shell.openPath(dataDir)
      return
    case 'join-workspace':
      return sendAppEvent({ command: 'join-workspace', invite: null })
    case 'new-workspace':
    case 'settings':
    case 'quick-switcher':
      return sendAppEvent({ command })
  }
}

// ---------------------------------------------------------------------------------------------------
// Deep links and notifications

function openDeepLink(link: DeepLink): void {
  sendAppEvent({ command: 'join-workspace', invite: link.invite })
}

/**
 * `commons://` opens Commons. A packaged app registers itself (electron-builder.yml declares the scheme
 * for the installers too); `npm start` only when COMMONS_REGISTER_PROTOCOL=1, since it would point the
 * system at this checkout's Electron.
 */
function registerProtocolClient(): void {
  try {
    if (app.isPackaged) {
      if (!app.isDefaultProtocolClient(deepLinkScheme)) app.setAsDefaultProtocolClient(deepLinkScheme)
    } else if (process.env.COMMONS_REGISTER_PROTOCOL === '1' && process.argv[1] !== undefined) {
      app.setAsDefaultProtocolClient(deepLinkScheme, process.execPath, [path.resolve(process.argv[1])])
    }
  } catch (error) {
    log.warn('could not register the commons:// links', { error })
  }
}

const notificationLimiter = new NotificationLimiter({ max: 4, windowMs: 10_000 })
/** Shown notifications are kept referenced until they close, or their click handler may be collected. */
const shownNotifications = new Set<Notification>()

function showNativeNotification(payload: NotificationPayload): void {
  const decided = nativeNotificationFor(payload, { mainWindowFocused: mainWindow?.isFocused() ?? false, supported: Notification.isSupported() })
  if (decided === null) return
  const { show, held } = notificationLimiter.take()
  if (!show) return
  const shown = withHeldBack(decided, held)
  const notification = new Notification({ title: shown.title, body: shown.body })
  shownNotifications.add(notification)
  const forget = () => shownNotifications.delete(notification)
  notification.on('click', () => {
    forget()
    sendAppEvent(shown.onClick)
  })
  notification.on('close', forget)
  notification.on('failed', forget)
  notification.show()
  if (shownNotifications.size > 20) shownNotifications.delete(shownNotifications.values().next().value!)
}

// ---------------------------------------------------------------------------------------------------
// The agent process and API keys

/**
 * The agent process in the desktop app: an Electron utility process running the bundle that
 * electron/build.mjs makes (dist/electron/agent.cjs). The agent supervisor (electron/host/agent/) uses
 * it in place of a Node fork.
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

/**
 * Seals API keys at rest with Electron's safeStorage (the OS keychain), for the Host's model settings
 * (host/settings/modelSettingsStore.ts), through its asynchronous API (isAsyncEncryptionAvailable,
 * encryptStringAsync, decryptStringAsync). Called once the app is ready. On Linux, safeStorage falls back
 * to `basic_text` when no keyring is found; that is obfuscation, not encryption, and the settings screen
 * shows the warning.
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
    decrypt: async (sealed) => {
      const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(Buffer.from(sealed, 'base64'))
      // The key was rotated; the store seals it afresh the next time it is saved.
      if (shouldReEncrypt) log.info('the keychain asks for the API key to be sealed again; save it once more in Settings to do so')
      return result
    }
  }
}

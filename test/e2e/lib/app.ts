/**
 * What scenarios are made of: Chromium, web hosts (a Host per device, serving the built renderer), sync
 * servers and the fake Messages API, each started on loopback for one scenario and stopped after it.
 */
import { mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import path from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { startWebHost, type WebHost } from '../../../electron/webHost/webHost.ts'
import { createLogger, silentLogger } from '../../../shared/log.ts'
import { startSyncServer, type SyncServer } from '../../../sync-server/server.ts'
import { startFakeMessagesApi, type FakeMessagesApi } from '../../fakes/messagesApi.ts'
import type { ScenarioContext } from './harness.ts'
import { repoRoot, screenshotsDir } from './paths.ts'

export const rendererDir = process.env.COMMONS_E2E_RENDERER_DIR ?? path.join(repoRoot, 'dist', 'renderer')

/** The one way browsers are started here: Debian's Chromium, headless, nothing reaching the network. */
export const chromiumLaunchOptions = {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
}

/** A browser for one device: Playwright gives each launch a fresh user-data directory. */
export async function launchBrowser(context: ScenarioContext): Promise<Browser> {
  const browser = await chromium.launch(chromiumLaunchOptions)
  context.defer(() => browser.close())
  return browser
}

export interface PageOptions {
  label: string
  colorScheme?: 'light' | 'dark'
  viewport?: { width: number; height: number }
}

/** A tab on `url` (a web host's address with its token), watched for uncaught errors. */
export async function openApp(context: ScenarioContext, browser: Browser, url: string, options: PageOptions): Promise<Page> {
  const browserContext: BrowserContext = await browser.newContext({
    viewport: options.viewport ?? { width: 1440, height: 900 },
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: 'reduce'
  })
  context.defer(() => browserContext.close())
  // Functions handed to page.evaluate are compiled by tsx, which names inner functions with a `__name` helper.
  await browserContext.addInitScript('globalThis.__name ??= (target) => target')
  const page = await browserContext.newPage()
  page.setDefaultTimeout(15_000)
  page.setDefaultNavigationTimeout(15_000)
  context.track(page, options.label)
  page.on('pageerror', (error) => context.pageErrors.push(`[${options.label}] ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') context.log(`[${options.label} console.${message.type()}] ${message.text()}`)
  })
  await page.goto(url)
  return page
}

/** A device: a Host on `dataDir` behind a web host, logging into the scenario's buffer. */
export async function startDevice(context: ScenarioContext, options: { label: string; dataDir?: string }): Promise<WebHost & { dataDir: string }> {
  const dataDir = options.dataDir ?? context.tmp(`device-${options.label}`)
  const log = createLogger({ scope: options.label, level: 'info', write: (line) => context.log(line) })
  const web = await startWebHost({ dataDir, port: 0, rendererDir, log })
  context.defer(() => web.close())
  return Object.assign(web, { dataDir })
}

export interface TestSyncServer {
  readonly url: string
  readonly port: number
  readonly running: boolean
  stop(): Promise<void>
  /** Starts it again on the same port and data. */
  start(): Promise<void>
}

export async function startSync(context: ScenarioContext): Promise<TestSyncServer> {
  const dataDir = context.tmp('sync')
  const port = await freePort()
  const log = createLogger({ scope: 'sync-server', level: 'warn', write: (line) => context.log(line) })
  let server: SyncServer | null = await startSyncServer({ dataDir, port, log })
  context.defer(() => server?.close())
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get running() {
      return server !== null
    },
    async stop() {
      const running = server
      server = null
      await running?.close()
    },
    async start() {
      if (server !== null) return
      server = await startSyncServer({ dataDir, port, log })
    }
  }
}

export const fakeApiKey = 'sk-ant-e2e-fake-key'

/**
 * The fake Messages API, and the environment the web hosts read their model from (each Host reads
 * ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL when it opens): start it before the devices.
 */
export async function startFakeModel(context: ScenarioContext): Promise<FakeMessagesApi> {
  const fake = await startFakeMessagesApi({ apiKey: fakeApiKey, minimumCacheableTokens: 256 })
  process.env['ANTHROPIC_API_KEY'] = fakeApiKey
  process.env['ANTHROPIC_BASE_URL'] = fake.url
  context.defer(() => fake.close())
  context.defer(() => {
    delete process.env['ANTHROPIC_API_KEY']
    delete process.env['ANTHROPIC_BASE_URL']
  })
  return fake
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/** Saves a view for people to look at: test/.artifacts/screenshots/e2e-NAME.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotsDir, { recursive: true })
  const file = path.join(screenshotsDir, `e2e-${name}.png`)
  // Let fonts settle and the caret stop blinking in the picture.
  await page.evaluate(() => document.fonts.ready.then(() => undefined))
  await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' })
  return file
}

export { silentLogger }

/** The same view in light and dark (the app follows the system scheme): e2e-NAME-light.png and -dark.png. */
export async function screenshotThemes(page: Page, name: string): Promise<void> {
  await page.emulateMedia({ colorScheme: 'light' })
  await screenshot(page, `${name}-light`)
  await page.emulateMedia({ colorScheme: 'dark' })
  await screenshot(page, `${name}-dark`)
  await page.emulateMedia({ colorScheme: 'light' })
}

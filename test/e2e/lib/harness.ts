/**
 * A minimal scenario harness for the browser tests (Playwright Test is not a dependency): scenarios
 * register with `scenario(name, fn)`, run one after another, each with its own temporary directories,
 * servers, browsers and cleanups (run in reverse, each bounded), a time limit, and on failure a
 * screenshot of every page it opened (test/.artifacts/e2e/) and the last log lines of its Hosts.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { repoRoot } from './paths.ts'

export interface ScenarioOptions {
  /** The whole scenario, setup included (default 60 s). */
  timeoutMs?: number
}

export interface ScenarioContext {
  readonly name: string
  /** Aborted when the scenario times out; long waits may pass it on. */
  readonly signal: AbortSignal
  /** A fresh temporary directory, removed after the scenario. */
  tmp(prefix: string): string
  /** Runs after the scenario, in reverse order of registration. */
  defer(cleanup: () => unknown): void
  /** Pages to screenshot when the scenario fails (helpers add every page they open). */
  track(page: Page, label: string): void
  /** Kept and printed only when the scenario fails. */
  log(line: string): void
  /** Errors raised in pages (uncaught exceptions): the scenario fails if any was raised. */
  pageErrors: string[]
}

interface Registered {
  name: string
  fn: (context: ScenarioContext) => Promise<void>
  options: ScenarioOptions
  file: string
}

const registered: Registered[] = []
let currentFile = ''

export function scenario(name: string, fn: (context: ScenarioContext) => Promise<void>, options: ScenarioOptions = {}): void {
  if (registered.some((entry) => entry.name === name)) throw new Error(`two scenarios are named ${JSON.stringify(name)}`)
  registered.push({ name, fn, options, file: currentFile })
}

export function setCurrentFile(file: string): void {
  currentFile = file
}

export function scenarios(): readonly Registered[] {
  return registered
}

export const artifactsDir = path.join(repoRoot, 'test', '.artifacts', 'e2e')

export interface ScenarioResult {
  name: string
  ok: boolean
  ms: number
  error?: string
}

const cleanupTimeoutMs = 20_000

export async function runScenario(entry: Registered): Promise<ScenarioResult> {
  const started = performance.now()
  const cleanups: Array<() => unknown> = []
  const pages: Array<{ page: Page; label: string }> = []
  const logLines: string[] = []
  const controller = new AbortController()
  const context: ScenarioContext = {
    name: entry.name,
    signal: controller.signal,
    tmp(prefix) {
      const dir = mkdtempSync(path.join(os.tmpdir(), `commons-e2e-${prefix}-`))
      cleanups.push(() => rmSync(dir, { recursive: true, force: true, maxRetries: 3 }))
      return dir
    },
    defer(cleanup) {
      cleanups.push(cleanup)
    },
    track(page, label) {
      pages.push({ page, label })
    },
    log(line) {
      logLines.push(line)
      if (logLines.length > 400) logLines.splice(0, logLines.length - 400)
    },
    pageErrors: []
  }

  const timeoutMs = entry.options.timeoutMs ?? 60_000
  let timer: ReturnType<typeof setTimeout> | undefined
  let error: unknown = null
  try {
    await Promise.race([
      entry.fn(context),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          controller.abort()
          reject(new Error(`timed out after ${timeoutMs / 1000} s`))
        }, timeoutMs)
      })
    ])
    if (context.pageErrors.length > 0) throw new Error(`the page raised ${context.pageErrors.length} uncaught error(s):\n  ${context.pageErrors.join('\n  ')}`)
  } catch (caught) {
    error = caught
  } finally {
    clearTimeout(timer)
  }

  if (error !== null) {
    mkdirSync(artifactsDir, { recursive: true })
    const slug = entry.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60)
    for (const [index, { page, label }] of pages.entries()) {
      if (page.isClosed()) continue
      const file = path.join(artifactsDir, `${slug}-${index + 1}-${label.replace(/[^a-z0-9]+/gi, '-')}.png`)
      await withTimeout(page.screenshot({ path: file, timeout: 5_000 }), 6_000).catch(() => {})
    }
  }

  for (const cleanup of cleanups.reverse()) {
    try {
      await withTimeout(Promise.resolve().then(cleanup), cleanupTimeoutMs)
    } catch (cleanupError) {
      if (error === null) error = new Error(`cleanup failed: ${describe(cleanupError)}`)
      else logLines.push(`cleanup failed: ${describe(cleanupError)}`)
    }
  }

  const ms = performance.now() - started
  if (error === null) return { name: entry.name, ok: true, ms }
  const tail = logLines.slice(-40)
  return { name: entry.name, ok: false, ms, error: describe(error) + (tail.length > 0 ? `\n  last log lines:\n    ${tail.join('\n    ')}` : '') }
}

export function describe(error: unknown): string {
  if (error instanceof Error) {
    const stack = (error.stack ?? '').split('\n').filter((line) => line.includes('/test/e2e/') && !line.includes('/lib/harness.ts'))
    return `${error.message}${stack.length > 0 ? `\n  ${stack.slice(0, 4).map((line) => line.trim()).join('\n  ')}` : ''}`
  }
  return String(error)
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`did not finish within ${ms / 1000} s`)), ms)
    })
  ])
}

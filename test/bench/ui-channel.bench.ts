/**
 * The channel view on a long history: a channel with 50,000 messages, opened in headless Chromium through
 * the web host. Measures (in the page) the time until the first rows of the message list are painted, on
 * a cold page load straight into the channel and when switching to it from another channel; the DOM
 * size; the JS heap; and long tasks and frame gaps while scrolling from the newest message to the first.
 * Prints numbers; asserts nothing.
 *
 *   npm run bench -- --only ui-channel [--quick] [--messages N] [--runs N] [--scroll-fraction F]
 */
import { heapMetrics, benchContext, ensureRenderer, generateBigWorkspace } from '../e2e/lib/benchKit.ts'
import { launchBrowser, openApp, startDevice } from '../e2e/lib/app.ts'
import { composer } from '../e2e/lib/ui.ts'
import { environment, formatMs, formatNumber, isSelected, log, median, numberFlag, parseBenchArgs, progress, table, warnIfBusy, writeArtifact } from './lib/bench-kit.ts'

const args = parseBenchArgs()
if (!isSelected(args, 'ui-channel')) {
  log(`ui-channel: no scenario matches --only ${args.only?.join(',')} (have: ui-channel)`)
  process.exit(0)
}
const messages = numberFlag(args, 'messages', 50_000)
const runs = numberFlag(args, 'runs', args.quick ? 2 : 3)
const scrollFraction = Math.min(1, numberFlag(args, 'scroll-fraction', args.quick ? 0.1 : 1))

declare global {
  interface Window {
    __bench?: { firstRowDom: number | null; firstRowPainted: number | null }
  }
}

const listSelector = '[role=list][aria-label="Messages in #history"] [role=article]'

/** Installed before the app runs: notes when the first row of #history is in the DOM, and a frame later painted. */
function watchFirstRow(selector: string): void {
  window.__bench = { firstRowDom: null, firstRowPainted: null }
  const state = window.__bench
  const observer = new MutationObserver(() => {
    if (state.firstRowDom !== null || document.querySelector(selector) === null) return
    state.firstRowDom = performance.now()
    observer.disconnect()
    // The second animation frame starts after the frame holding the row was painted.
    requestAnimationFrame(() => requestAnimationFrame(() => (state.firstRowPainted = performance.now())))
  })
  observer.observe(document, { childList: true, subtree: true })
}

ensureRenderer()
const context = benchContext('ui-channel')
try {
  const dataDir = context.tmp('ui-channel')
  progress(`generating a channel with ${messages.toLocaleString('en')} messages`)
  const generatedAt = performance.now()
  const workspace = await generateBigWorkspace(dataDir, { messages })
  const generateSeconds = (performance.now() - generatedAt) / 1000
  const device = await startDevice(context, { label: 'bench', dataDir })
  const browser = await launchBrowser(context)
  const historyHash = `#/c/${workspace.channelIds['history']}`
  warnIfBusy('ui-channel')

  const cold: Array<Record<string, number>> = []
  const switches: Array<Record<string, number>> = []
  let scroll: Record<string, number> | null = null
  for (let run = 1; run <= runs; run++) {
    progress(`run ${run} of ${runs}: cold load into #history`)
    const page = await openApp(context, browser, 'about:blank', { label: `run-${run}` })
    await page.addInitScript(watchFirstRow, listSelector)
    await page.goto(`${device.url}${historyHash}`)
    await page.locator(listSelector).last().waitFor({ state: 'visible', timeout: 120_000 })
    await page.waitForFunction(() => window.__bench?.firstRowPainted != null, undefined, { timeout: 60_000 })
    const load = await page.evaluate(() => {
      const paint = performance.getEntriesByType('paint')
      return {
        firstPaintMs: paint.find((entry) => entry.name === 'first-paint')?.startTime ?? NaN,
        firstContentfulPaintMs: paint.find((entry) => entry.name === 'first-contentful-paint')?.startTime ?? NaN,
        firstRowInDomMs: window.__bench!.firstRowDom!,
        firstRowPaintedMs: window.__bench!.firstRowPainted!,
        domElements: document.getElementsByTagName('*').length,
        rowsInDom: document.querySelectorAll('[role=list][aria-label="Messages in #history"] [role=listitem]').length
      }
    })
    await page.waitForTimeout(500)
    const heap = await heapMetrics(page)
    cold.push({ ...load, jsHeapUsedMiB: heap.jsHeapUsedMiB, cdpNodes: heap.nodes })

    // Switching: from #announcements to #history, clicked in the sidebar.
    progress(`run ${run}: switching from #announcements to #history`)
    await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: /^announcements/ }).click()
    await composer(page, 'announcements').waitFor()
    const switched = await page.evaluate((selector) => {
      return new Promise<{ firstRowInDomMs: number; firstRowPaintedMs: number }>((resolve) => {
        const start = performance.now()
        let domAt: number | null = null
        const observer = new MutationObserver(() => {
          if (domAt !== null || document.querySelector(selector) === null) return
          domAt = performance.now()
          observer.disconnect()
          requestAnimationFrame(() => requestAnimationFrame(() => resolve({ firstRowInDomMs: domAt! - start, firstRowPaintedMs: performance.now() - start })))
        })
        observer.observe(document.body, { childList: true, subtree: true })
        const target = [...document.querySelectorAll<HTMLAnchorElement>('nav a')].find((anchor) => anchor.getAttribute('aria-label')?.startsWith('history') || anchor.textContent?.trim() === 'history')
        target!.click()
      })
    }, listSelector)
    await page.locator(listSelector).last().waitFor({ state: 'visible' })
    switches.push(switched)

    if (run === 1) {
      progress(`scrolling through ${Math.round(scrollFraction * 100)}% of #history, newest to oldest`)
      scroll = await page.evaluate(async (fraction) => {
        const region = document.querySelector<HTMLElement>('[role=region][aria-label="Message history"]')!
        const longTasks: number[] = []
        const observer = new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) longTasks.push(entry.duration)
        })
        observer.observe({ type: 'longtask', buffered: false })
        const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve))
        const gaps: number[] = []
        let maxElements = 0
        const startHeight = region.scrollHeight
        const target = Math.max(0, region.scrollHeight * (1 - fraction))
        const step = region.clientHeight * 3
        const started = performance.now()
        let last = await frame()
        let frames = 0
        while (region.scrollTop > target + 1) {
          region.scrollTop = Math.max(target, region.scrollTop - step)
          const now = await frame()
          gaps.push(now - last)
          last = now
          if (++frames % 20 === 0) maxElements = Math.max(maxElements, document.getElementsByTagName('*').length)
          if (frames > 200_000) break
        }
        // Let the last rows render and any long task report.
        await frame()
        await frame()
        observer.disconnect()
        gaps.sort((a, b) => a - b)
        const at = (q: number) => gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))] ?? NaN
        return {
          frames,
          seconds: (performance.now() - started) / 1000,
          scrolledPx: startHeight - target,
          reachedTop: document.body.textContent?.includes('This is the start of #history') ? 1 : 0,
          longTasks: longTasks.length,
          longTaskTotalMs: longTasks.reduce((sum, value) => sum + value, 0),
          longTaskMaxMs: longTasks.length === 0 ? 0 : Math.max(...longTasks),
          frameGapP50Ms: at(0.5),
          frameGapP95Ms: at(0.95),
          frameGapMaxMs: gaps.at(-1) ?? NaN,
          maxDomElements: Math.max(maxElements, document.getElementsByTagName('*').length)
        }
      }, scrollFraction)
      const heap = await heapMetrics(page)
      scroll.jsHeapUsedAfterMiB = heap.jsHeapUsedMiB
    }
    await page.context().close()
  }

  const pick = (rows: Array<Record<string, number>>, key: string) => rows.map((row) => row[key]!)
  log(`ui-channel: #history holds ${messages.toLocaleString('en')} messages (generated in ${generateSeconds.toFixed(1)} s); ${runs} runs, median (min-max)`)
  const spread = (values: number[], format: (value: number) => string) => `${format(median(values))} (${format(Math.min(...values))}-${format(Math.max(...values))})`
  log(
    table(
      ['measure', 'value'],
      [
        ['cold load: first contentful paint, ms', spread(pick(cold, 'firstContentfulPaintMs'), formatMs)],
        ['cold load: first row in the DOM, ms', spread(pick(cold, 'firstRowInDomMs'), formatMs)],
        ['cold load: first row painted, ms', spread(pick(cold, 'firstRowPaintedMs'), formatMs)],
        ['switch from #announcements: first row painted, ms', spread(pick(switches, 'firstRowPaintedMs'), formatMs)],
        ['DOM elements after load', spread(pick(cold, 'domElements'), (value) => formatNumber(value, 0))],
        ['message rows in the DOM', spread(pick(cold, 'rowsInDom'), (value) => formatNumber(value, 0))],
        ['JS heap used after load, MiB', spread(pick(cold, 'jsHeapUsedMiB'), (value) => formatNumber(value, 1))]
      ]
    )
  )
  if (scroll !== null) {
    log('')
    log(`scroll: ${formatNumber(scroll.scrolledPx! / 1000, 0)}k px in ${scroll.frames} steps of 3 viewports (${scroll.seconds!.toFixed(1)} s)${scroll.reachedTop ? ', reached the first message' : ''}`)
    log(
      table(
        ['long tasks', 'total ms', 'max ms', 'frame gap p50', 'p95', 'max', 'max DOM elements', 'heap after, MiB'],
        [[String(scroll.longTasks), formatMs(scroll.longTaskTotalMs), formatMs(scroll.longTaskMaxMs), formatMs(scroll.frameGapP50Ms), formatMs(scroll.frameGapP95Ms), formatMs(scroll.frameGapMaxMs), formatNumber(scroll.maxDomElements, 0), formatNumber(scroll.jsHeapUsedAfterMiB, 1)]]
      )
    )
  }
  log(`\nwrote ${writeArtifact('ui-channel', { environment: environment(), messages, runs, scrollFraction, generateSeconds, cold, switches, scroll })}`)
} finally {
  await context.close()
}
process.exit(0)

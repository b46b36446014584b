/**
 * Renderer memory over a long session, compressed in time: one tab on the web host goes round and round
 * a scripted session (ask the coworker and watch its reply stream from the fake Messages API, post,
 * reply in a thread, switch channels, scroll a long channel) while the JS heap is sampled after a forced
 * collection (DevTools protocol). Prints the heap trend; asserts nothing.
 *
 *   npm run bench -- --only ui-memory [--quick] [--minutes N | --hour] [--samples N]
 */
import { launchBrowser, openApp, startDevice, startFakeModel } from '../e2e/lib/app.ts'
import { benchContext, collectGarbage, ensureRenderer, generateBigWorkspace, heapMetrics } from '../e2e/lib/benchKit.ts'
import { composer, mention, message, openChannel, post } from '../e2e/lib/ui.ts'
import { environment, formatNumber, isSelected, log, numberFlag, parseBenchArgs, progress, table, warnIfBusy, writeArtifact } from './lib/bench-kit.ts'

const args = parseBenchArgs()
if (!isSelected(args, 'ui-memory')) {
  log(`ui-memory: no scenario matches --only ${args.only?.join(',')} (have: ui-memory)`)
  process.exit(0)
}
const minutes = args.flags.has('hour') ? 60 : numberFlag(args, 'minutes', args.quick ? 0.75 : 3)
const samples = numberFlag(args, 'samples', args.quick ? 4 : 10)

ensureRenderer()
const context = benchContext('ui-memory')
try {
  const fake = await startFakeModel(context)
  const dataDir = context.tmp('ui-memory')
  progress('generating the workspace (#history: 5,000 messages)')
  await generateBigWorkspace(dataDir, { messages: 5_000 })
  const device = await startDevice(context, { label: 'bench', dataDir })
  const page = await openApp(context, await launchBrowser(context), device.url, { label: 'bench' })
  await composer(page, 'announcements').waitFor({ timeout: 60_000 })
  warnIfBusy('ui-memory')

  const reply = 'Here is the summary you asked for: three launches this quarter, two of them on time, and the third waiting on the payment provider. '.repeat(3)
  let cycle = 0
  /** One round of the session. */
  async function round(): Promise<void> {
    cycle++
    fake.script({ type: 'message', content: [{ type: 'text', text: `${reply}(round ${cycle})` }], chunkDelayMs: 15, textChunks: 12 })
    await mention(page, 'announcements', 'sc', 'Scout', `summarise round ${cycle}`)
    await message(page, 'announcements', `(round ${cycle})`).waitFor({ timeout: 60_000 })
    await post(page, 'announcements', `Thanks Scout, noted for round ${cycle}.`)

    await openChannel(page, 'random')
    await post(page, 'random', `Lunch plans for round ${cycle}? **Tacos** again.`, `Lunch plans for round ${cycle}? Tacos again.`)
    const first = message(page, 'random', `Lunch plans for round ${cycle}`)
    await first.hover()
    await first.getByRole('button', { name: 'Reply in thread' }).click()
    const thread = page.getByRole('complementary', { name: 'Thread' })
    await thread.getByRole('combobox', { name: 'Reply to thread' }).fill(`Yes, round ${cycle}.`)
    await thread.getByRole('combobox', { name: 'Reply to thread' }).press('Enter')
    await thread.getByRole('article').filter({ hasText: `Yes, round ${cycle}.` }).waitFor()
    await page.keyboard.press('Escape')

    await openChannel(page, 'history')
    await page.evaluate(async () => {
      const region = document.querySelector<HTMLElement>('[role=region][aria-label="Message history"]')!
      for (let step = 0; step < 30; step++) {
        region.scrollTop -= region.clientHeight * 2
        await new Promise((resolve) => requestAnimationFrame(resolve))
      }
      region.scrollTop = region.scrollHeight
    })
    // Every round ends where it started, so samples compare like with like.
    await openChannel(page, 'announcements')
  }

  const trend: Array<{ minute: number; rounds: number; heapMiB: number; nodes: number; listeners: number; hostRssMiB: number }> = []
  const sample = async (startedAt: number) => {
    await collectGarbage(page)
    const heap = await heapMetrics(page)
    trend.push({ minute: (performance.now() - startedAt) / 60_000, rounds: cycle, heapMiB: heap.jsHeapUsedMiB, nodes: heap.nodes, listeners: heap.listeners, hostRssMiB: process.memoryUsage().rss / 2 ** 20 })
    progress(`${trend.at(-1)!.minute.toFixed(1)} min, ${cycle} rounds: heap ${heap.jsHeapUsedMiB.toFixed(1)} MiB, ${heap.nodes} nodes`)
  }

  const startedAt = performance.now()
  const durationMs = minutes * 60_000
  await sample(startedAt)
  let nextSample = startedAt + durationMs / samples
  while (performance.now() - startedAt < durationMs) {
    await round()
    if (performance.now() >= nextSample) {
      await sample(startedAt)
      nextSample += durationMs / samples
    }
  }
  if (trend.at(-1)!.rounds !== cycle) await sample(startedAt)

  // Least-squares slope of the heap over the second half (after warm-up): per round of the session, and
  // per minute at this (compressed) pace.
  const tail = trend.slice(Math.floor(trend.length / 2))
  const slope = (x: (point: (typeof trend)[number]) => number) => {
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length
    const mx = mean(tail.map(x))
    const my = mean(tail.map((point) => point.heapMiB))
    const denominator = tail.reduce((sum, point) => sum + (x(point) - mx) ** 2, 0)
    return denominator === 0 ? NaN : tail.reduce((sum, point) => sum + (x(point) - mx) * (point.heapMiB - my), 0) / denominator
  }
  const perRoundKiB = slope((point) => point.rounds) * 1024
  const perMinuteMiB = slope((point) => point.minute)
  log(`ui-memory: ${minutes} min session, ${cycle} rounds (each: a streamed coworker reply, 3 posts, a thread reply, 3 channel switches, a scroll through #history)`)
  log(
    table(
      ['minute', 'rounds', 'JS heap used MiB', 'DOM nodes', 'listeners', 'host RSS MiB'],
      trend.map((point) => [point.minute.toFixed(1), String(point.rounds), formatNumber(point.heapMiB, 1), formatNumber(point.nodes, 0), formatNumber(point.listeners, 0), formatNumber(point.hostRssMiB, 0)])
    )
  )
  log(
    `heap trend over the second half: ${Number.isFinite(perRoundKiB) ? `${perRoundKiB.toFixed(1)} KiB per round, ${(perMinuteMiB * 60).toFixed(1)} MiB per hour at this pace (${(cycle / minutes).toFixed(0)} rounds a minute)` : '-'}; ` +
      `first ${formatNumber(trend[0]!.heapMiB, 1)} MiB, last ${formatNumber(trend.at(-1)!.heapMiB, 1)} MiB. Each round also adds about 10 messages to the workspace.`
  )
  log(`\nwrote ${writeArtifact('ui-memory', { environment: environment(), minutes, rounds: cycle, trend, slopeKiBPerRound: perRoundKiB, slopeMiBPerMinute: perMinuteMiB })}`)
} finally {
  await context.close()
}
process.exit(0)

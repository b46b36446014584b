/**
 * Typing in a long document while another device edits it: a document of 100 pages, open in headless
 * Chromium on one device (web host), and a second device (a Host in this process) that joined through a
 * sync server and inserts text into the document every few hundred milliseconds. Latency is measured in
 * the page, per keystroke: from the keydown event to the animation frame after the typed character is
 * in the editor's DOM. First without the other device (baseline), then with it. Asserts nothing.
 *
 *   npm run bench -- --only ui-typing [--quick] [--pages N] [--keys N] [--edit-every-ms N]
 */
import type { Page } from 'playwright-core'
import * as Y from 'yjs'
import { Host } from '../../electron/host/host.ts'
import { newId } from '../../shared/ids.ts'
import { silentLogger } from '../../shared/log.ts'
import { documentBody } from '../../shared/model/deliverableDoc.ts'
import { createChannel } from '../../shared/operations/channels.ts'
import { createDocument } from '../../shared/operations/deliverables.ts'
import { launchBrowser, openApp, startDevice, startSync } from '../e2e/lib/app.ts'
import { benchContext, ensureRenderer, heapMetrics } from '../e2e/lib/benchKit.ts'
import { distribution, environment, formatMs, formatNumber, isSelected, log, numberFlag, parseBenchArgs, progress, sleep, table, warnIfBusy, writeArtifact } from './lib/bench-kit.ts'

const args = parseBenchArgs()
if (!isSelected(args, 'ui-typing')) {
  log(`ui-typing: no scenario matches --only ${args.only?.join(',')} (have: ui-typing)`)
  process.exit(0)
}
const pages = numberFlag(args, 'pages', 100)
const keys = numberFlag(args, 'keys', args.quick ? 120 : 500)
const editEveryMs = numberFlag(args, 'edit-every-ms', 250)
const keyDelayMs = 60

declare global {
  interface Window {
    __typing?: { samples: number[]; pending: Array<{ at: number; key: string }> }
  }
}

/** About a page of prose: a heading and six paragraphs, some with marks and a list. */
function pageOfText(page: number): string {
  const paragraph = (index: number) =>
    `Paragraph ${index} of page ${page}. The launch plan covers the checkout, the press list and the beta email; each part has an owner, ` +
    `a date and a **definition of done**. We review the open questions every morning and record decisions in memory, so a coworker ` +
    `can summarise them for anyone who was away. Numbers come from the tracker, not from recollection, and _every_ change is visible.`
  return [`## Page ${page}: launch notes`, paragraph(1), paragraph(2), '- a decision to record\n- an owner to confirm\n- a date to check', paragraph(3), paragraph(4), paragraph(5), paragraph(6)].join('\n\n')
}

/** In the page: per keystroke in the editor, keydown → the frame after its character reaches the DOM. */
function installTypingProbe(): void {
  const editor = document.querySelector<HTMLElement>('.ProseMirror')!
  const state = { samples: [] as number[], pending: [] as Array<{ at: number; key: string }> }
  window.__typing = state
  editor.addEventListener('keydown', (event) => {
    if (event.key.length === 1) state.pending.push({ at: event.timeStamp, key: event.key })
  }, true)
  new MutationObserver(() => {
    const next = state.pending[0]
    if (next === undefined) return
    const selection = document.getSelection()
    const node = selection?.anchorNode
    const text = node?.nodeType === Node.TEXT_NODE ? (node.textContent ?? '') : ''
    const offset = selection?.anchorOffset ?? 0
    // A remote edit elsewhere also mutates the editor: count only the character typed at the caret.
    if (text.charAt(offset - 1) !== next.key) return
    state.pending.shift()
    requestAnimationFrame(() => state.samples.push(performance.now() - next.at))
  }).observe(editor, { characterData: true, childList: true, subtree: true })
}

async function typeInMiddle(page: Page, count: number): Promise<number[]> {
  await page.evaluate(() => {
    window.__typing!.samples = []
    window.__typing!.pending = []
  })
  const text = 'Typing a note in the middle of a long document while a teammate edits it elsewhere. '
  let typed = 0
  while (typed < count) {
    const chunk = text.slice(0, Math.min(text.length, count - typed))
    await page.keyboard.type(chunk, { delay: keyDelayMs })
    typed += chunk.length
  }
  await sleep(300)
  return page.evaluate(() => window.__typing!.samples.slice())
}

ensureRenderer()
const context = benchContext('ui-typing')
try {
  const sync = await startSync(context)
  const adaDir = context.tmp('ui-typing-ada')
  const graceDir = context.tmp('ui-typing-grace')

  progress(`writing a ${pages}-page document`)
  const markdown = Array.from({ length: pages }, (_, index) => pageOfText(index + 1)).join('\n\n')
  const seed = await Host.open({ dataDir: adaDir, source: 'test', log: silentLogger })
  const session = await seed.createWorkspace({ name: 'Bench', userName: 'Ada Lovelace', serverUrl: sync.url })
  const general = createChannel(session.root, { name: 'general' }, session.context)
  const deliverableId = newId('dl')
  await session.withDeliverable(deliverableId, async (docs) => {
    createDocument(docs, { deliverableId, title: 'Launch handbook', channelId: general.id, markdown }, session.context)
    await session.waitForSync(60_000)
  })
  const invite = await seed.createInvite(session.id, { maxUses: 1, expiresInHours: 1 })
  await seed.close()

  const device = await startDevice(context, { label: 'ada', dataDir: adaDir })
  const page = await openApp(context, await launchBrowser(context), `${device.url}#/deliverables/${deliverableId}`, { label: 'ada' })
  const editor = page.getByRole('textbox', { name: 'Launch handbook, document body' })
  await editor.waitFor({ timeout: 120_000 })
  await page.locator('.ProseMirror h2', { hasText: `Page ${pages}:` }).waitFor({ state: 'attached', timeout: 120_000 })
  const size = await page.evaluate(() => ({ elements: document.querySelector('.ProseMirror')!.getElementsByTagName('*').length, characters: document.querySelector('.ProseMirror')!.textContent!.length }))
  warnIfBusy('ui-typing')

  // The caret at the end of a paragraph in the middle of the document.
  await page.evaluate(installTypingProbe)
  const middle = page.locator('.ProseMirror h2', { hasText: `Page ${Math.ceil(pages / 2)}:` }).locator('xpath=following-sibling::p[1]')
  await middle.scrollIntoViewIfNeeded()
  await middle.click()
  await page.keyboard.press('End')

  progress(`typing ${keys} characters alone`)
  const alone = await typeInMiddle(page, keys)

  // The second device joins and edits the document on a timer.
  progress('the second device joins through the sync server')
  const grace = await Host.open({ dataDir: graceDir, source: 'test', log: silentLogger })
  context.defer(() => grace.close())
  const graceSession = await grace.joinWorkspace({ invite, userName: 'Grace Hopper' })
  const lease = await graceSession.leaseDeliverable(deliverableId)
  context.defer(() => lease.release())
  const body = documentBody(lease.doc)
  const deadline = Date.now() + 60_000
  while (body.length < pages && Date.now() < deadline) await sleep(100)
  let edits = 0
  let stopEditing = false
  const editing = (async () => {
    while (!stopEditing) {
      lease.doc.transact(() => {
        // A few words at the start of a random paragraph, as a teammate would add them.
        const element = body.get(Math.floor(Math.random() * body.length))
        if (element instanceof Y.XmlElement && element.nodeName === 'paragraph') {
          const text = element.get(0)
          if (text instanceof Y.XmlText) text.insert(0, `Grace ${++edits}: `)
        }
      }, graceSession.context.origin)
      await sleep(editEveryMs)
    }
  })()
  await sleep(1_000)

  progress(`typing ${keys} characters while the other device edits every ${editEveryMs} ms`)
  const together = await typeInMiddle(page, keys)
  stopEditing = true
  await editing
  await sleep(1_000)
  const seenEdits = await page.evaluate(() => (document.querySelector('.ProseMirror')!.textContent!.match(/Grace \d+: /g) ?? []).length)
  const heap = await heapMetrics(page)

  const row = (name: string, samples: number[]) => {
    const stats = distribution(samples)
    return [name, String(stats.count), formatMs(stats.p50), formatMs(stats.p90), formatMs(stats.p99), formatMs(stats.max)]
  }
  log(`ui-typing: a ${pages}-page document (${formatNumber(size.characters / 1000, 0)}k characters, ${formatNumber(size.elements, 0)} elements in the editor), a key every ${keyDelayMs} ms`)
  log(table(['keydown to painted, ms', 'keys', 'p50', 'p90', 'p99', 'max'], [row('typing alone', alone), row(`other device editing every ${editEveryMs} ms`, together)]))
  log(`the other device made ${edits} edits; ${seenEdits} had reached this page; JS heap ${formatNumber(heap.jsHeapUsedMiB, 1)} MiB`)
  log(`\nwrote ${writeArtifact('ui-typing', { environment: environment(), pages, keys, keyDelayMs, editEveryMs, size, alone: distribution(alone), together: distribution(together), edits, seenEdits, heapMiB: heap.jsHeapUsedMiB })}`)
} finally {
  await context.close()
}
process.exit(0)

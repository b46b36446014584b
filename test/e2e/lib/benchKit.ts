/**
 * What the UI benchmarks (test/bench/ui-*.bench.ts) share with the browser tests: the same devices,
 * servers and Chromium, held by a context that is not a scenario (no time limit, cleanups on close),
 * a generator for a channel with a long history, and the renderer's heap through CDP.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Page } from 'playwright-core'
import * as Y from 'yjs'
import { Host } from '../../../electron/host/host.ts'
import { DocStore } from '../../../electron/host/store/index.ts'
import { channelDocName } from '../../../shared/docNames.ts'
import { newId } from '../../../shared/ids.ts'
import { silentLogger } from '../../../shared/log.ts'
import { channelCollections } from '../../../shared/model/channelDoc.ts'
import type { MessageRecord } from '../../../shared/model/types.ts'
import { addCoworkerToChannel, createChannel, joinChannel } from '../../../shared/operations/channels.ts'
import { operationContext } from '../../../shared/operations/context.ts'
import { createCoworker } from '../../../shared/operations/coworkers.ts'
import { addPerson } from '../../../shared/operations/members.ts'
import { postMessage } from '../../../shared/operations/messages.ts'
import { rendererDir } from './app.ts'
import type { ScenarioContext } from './harness.ts'
import { repoRoot } from './paths.ts'

export interface BenchContext extends ScenarioContext {
  close(): Promise<void>
}

/** Resources for one benchmark run; `close()` releases them in reverse. Page errors are printed, not fatal. */
export function benchContext(name: string): BenchContext {
  // Benches reach no real model: only the fake Messages API (startFakeModel) sets these.
  delete process.env['ANTHROPIC_API_KEY']
  delete process.env['ANTHROPIC_BASE_URL']
  const cleanups: Array<() => unknown> = []
  const pageErrors: string[] = []
  return {
    name,
    signal: new AbortController().signal,
    tmp(prefix) {
      const dir = mkdtempSync(path.join(os.tmpdir(), `commons-bench-${prefix}-`))
      cleanups.push(() => rmSync(dir, { recursive: true, force: true, maxRetries: 3 }))
      return dir
    },
    defer(cleanup) {
      cleanups.push(cleanup)
    },
    track() {},
    log(line) {
      if (line.includes('"level":"error"') || line.includes('console.error')) process.stderr.write(`  ${line}\n`)
    },
    pageErrors,
    async close() {
      for (const cleanup of cleanups.splice(0).reverse()) {
        try {
          await cleanup()
        } catch (error) {
          process.stderr.write(`  cleanup failed: ${error instanceof Error ? error.message : String(error)}\n`)
        }
      }
      if (pageErrors.length > 0) process.stderr.write(`  the page raised: ${pageErrors.join('; ')}\n`)
    }
  }
}

/** Builds dist/renderer when it is missing (benches may run before anything built it). */
export function ensureRenderer(): void {
  if (existsSync(path.join(rendererDir, 'index.html'))) return
  process.stderr.write('  .. building the renderer (dist/renderer is missing)\n')
  execFileSync(process.execPath, [path.join(repoRoot, 'electron', 'build.mjs'), '--renderer'], { cwd: repoRoot, stdio: 'inherit' })
}

export interface BigWorkspace {
  workspaceId: string
  memberId: string
  /** channel name → id */
  channelIds: Record<string, string>
  coworkerId: string
}

/**
 * A workspace whose #history holds `messages` messages (written as they would arrive: runs of appends
 * from several devices and authors, a thread reply now and then), plus a small #announcements, a
 * #random with a few messages, and the coworker Scout. Written before any web host opens `dataDir`.
 */
export async function generateBigWorkspace(dataDir: string, options: { messages: number; serverUrl?: string }): Promise<BigWorkspace> {
  const host = await Host.open({ dataDir, source: 'test', log: silentLogger })
  let result: BigWorkspace
  let authors: string[]
  try {
    const session = await host.createWorkspace({ name: 'Bench', userName: 'Ada Lovelace', ...(options.serverUrl !== undefined ? { serverUrl: options.serverUrl } : {}) })
    const root = session.root
    const people = ['Grace Hopper', 'Alan Turing', 'Katherine Johnson'].map((name) => {
      const memberId = newId('mem')
      addPerson(root, { memberId, name }, session.context)
      return memberId
    })
    const channelIds: Record<string, string> = {}
    for (const name of ['announcements', 'history', 'random']) {
      channelIds[name] = createChannel(root, { name }, session.context).id
      for (const person of people) joinChannel(root, { channelId: channelIds[name]! }, operationContext(person, 'test'))
    }
    // A budget that lasts an hour-long compressed session (hundreds of tasks a day); the default daily
    // spend would end Scout's tasks with the budget notice partway through.
    const scout = createCoworker(
      root,
      { name: 'Scout', purpose: 'Research and short reports for the team', toolset: ['read_channel', 'search_workspace'], budgets: { maxSpendPerDayUsd: 10_000 } },
      session.context
    )
    for (const name of ['announcements', 'random']) addCoworkerToChannel(root, { channelId: channelIds[name]!, coworkerId: scout.id }, session.context)
    for (const [index, text] of ['Welcome to the bench workspace.', 'The history channel has a long past.', 'Ask @scout for a summary any time.'].entries()) {
      await session.withChannel(channelIds['announcements']!, (docs) =>
        postMessage(docs, { channelId: channelIds['announcements']!, text }, operationContext(session.memberId, 'test', { now: () => Date.now() - (3 - index) * 60_000 }))
      )
    }
    result = { workspaceId: session.id, memberId: session.memberId, channelIds, coworkerId: scout.id }
    authors = [session.memberId, ...people]
  } finally {
    await host.close()
  }

  const store = await DocStore.open({ directory: dataDir, log: silentLogger })
  try {
    const devices = Array.from({ length: 4 }, () => new Y.Doc())
    const doc = new Y.Doc()
    let clock = Date.now() - options.messages * 45_000
    let threadRoot: string | null = null
    for (let written = 0; written < options.messages; ) {
      const device = devices[Math.floor(written / 250) % devices.length]!
      Y.applyUpdate(device, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(device)))
      const batch: MessageRecord[] = []
      for (let index = 0; index < 250 && written < options.messages; index++, written++) {
        const isReply = threadRoot !== null && written % 9 === 0
        const id = newId('msg')
        batch.push({
          id,
          authorId: authors[(written * 7 + Math.floor(written / 3)) % authors.length]!,
          text: sentence(written),
          mentions: [],
          createdAt: (clock += 45_000),
          threadId: isReply ? threadRoot : null,
          deliverableIds: [],
          taskId: null,
          sharedFromAssistant: false
        })
        if (!isReply && written % 40 === 0) threadRoot = id
      }
      channelCollections(device).messages.push(batch)
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(device, Y.encodeStateVector(doc)))
    }
    await store.writeUpdates(channelDocName(result.workspaceId, result.channelIds['history']!), [Y.encodeStateAsUpdate(doc)])
    for (const device of devices) device.destroy()
    doc.destroy()
  } finally {
    await store.close()
  }
  return result
}

const phrases = [
  'Shipped the new onboarding flow to the beta group',
  'Can someone review the **pricing page** copy before Friday?',
  'The payment provider confirmed the certification date',
  'Notes from the customer call are in the drive, see `notes/2026-11.md`',
  'Reminder: the checklist review moved to 11',
  'I reran the export and the numbers match now',
  'Draft of the launch email is ready for comments',
  'Found the flaky test: a timer that assumed a fast machine'
]

/** A realistic message: a sentence or two, some Markdown, a longer one now and then. */
function sentence(index: number): string {
  const first = phrases[index % phrases.length]!
  if (index % 11 === 0) return `${first}.\n\n- one thing to check\n- another to decide\n\nThanks, message ${index}.`
  if (index % 5 === 0) return `${first}. ${phrases[(index * 3) % phrases.length]!}, and the follow-up is tracked in the board (message ${index}).`
  return `${first} (message ${index}).`
}

/** The renderer's JS heap and DOM size, from the DevTools protocol. */
export async function heapMetrics(page: Page): Promise<{ jsHeapUsedMiB: number; jsHeapTotalMiB: number; nodes: number; listeners: number }> {
  const session = await page.context().newCDPSession(page)
  try {
    await session.send('Performance.enable')
    const { metrics } = await session.send('Performance.getMetrics')
    const value = (name: string) => metrics.find((metric) => metric.name === name)?.value ?? NaN
    return { jsHeapUsedMiB: value('JSHeapUsedSize') / 2 ** 20, jsHeapTotalMiB: value('JSHeapTotalSize') / 2 ** 20, nodes: value('Nodes'), listeners: value('JSEventListeners') }
  } finally {
    await session.detach()
  }
}

/** Asks the renderer to collect garbage (through the DevTools protocol) so heap numbers compare. */
export async function collectGarbage(page: Page): Promise<void> {
  const session = await page.context().newCDPSession(page)
  try {
    await session.send('HeapProfiler.collectGarbage')
  } finally {
    await session.detach()
  }
}

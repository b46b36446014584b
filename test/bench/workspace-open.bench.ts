/**
 * Opening a workspace with 1,000,000 messages over 50 channels: how long until the first channel is
 * readable, and how much memory the process holds then. The data is generated once into a temporary
 * data directory (a realistic history: many devices' appends, some replies); the measurement runs in a
 * fresh process so nothing is warm. Prints numbers; asserts nothing.
 *
 *   node --import tsx/esm test/bench/workspace-open.bench.ts [--quick]
 */
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as Y from 'yjs'
import { Host } from '../../electron/host/host.ts'
import { DocStore } from '../../electron/host/store/index.ts'
import { channelDocName } from '../../shared/docNames.ts'
import { newId } from '../../shared/ids.ts'
import { silentLogger } from '../../shared/log.ts'
import { channelCollections } from '../../shared/model/channelDoc.ts'
import type { MessageRecord } from '../../shared/model/types.ts'
import { createChannel, listChannels } from '../../shared/operations/channels.ts'
import { readMessages } from '../../shared/operations/messages.ts'

const thisFile = fileURLToPath(import.meta.url)
const repositoryRoot = path.resolve(path.dirname(thisFile), '../..')

async function generate(dataDir: string, totalMessages: number, channelCount: number): Promise<{ workspaceId: string; seconds: number }> {
  const started = performance.now()
  const host = await Host.open({ dataDir, source: 'test', log: silentLogger })
  const session = await host.createWorkspace({ name: 'Big', userName: 'Ada' })
  const channelIds = Array.from({ length: channelCount }, (_, index) => createChannel(session.root, { name: `channel-${String(index).padStart(2, '0')}` }, session.context).id)
  const workspaceId = session.id
  const authorId = session.memberId
  await host.close()

  // Each channel's history is written the way it would arrive: appends in runs from several devices.
  const store = await DocStore.open({ directory: dataDir, log: silentLogger })
  const perChannel = Math.floor(totalMessages / channelCount)
  let clock = Date.UTC(2023, 0, 1)
  for (const channelId of channelIds) {
    const devices = Array.from({ length: 4 }, () => new Y.Doc())
    const doc = new Y.Doc()
    const updates: Uint8Array[] = []
    let threadRoot: string | null = null
    for (let written = 0; written < perChannel; ) {
      const device = devices[Math.floor(written / 250) % devices.length]!
      Y.applyUpdate(device, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(device)))
      const batch: MessageRecord[] = []
      for (let index = 0; index < 250 && written < perChannel; index++, written++) {
        const isReply = threadRoot !== null && written % 7 === 0
        const id = newId('msg')
        batch.push({
          id,
          authorId,
          text: `Message ${written} in this channel: a realistic sentence or two about the work at hand, with a link now and then.`,
          mentions: [],
          createdAt: (clock += 30_000),
          threadId: isReply ? threadRoot : null,
          deliverableIds: [],
          taskId: null,
          sharedFromAssistant: false
        })
        if (!isReply && written % 50 === 0) threadRoot = id
      }
      channelCollections(device).messages.push(batch)
      const update = Y.encodeStateAsUpdate(device, Y.encodeStateVector(doc))
      Y.applyUpdate(doc, update)
      updates.push(update)
    }
    await store.writeUpdates(channelDocName(workspaceId, channelId), [Y.encodeStateAsUpdate(doc)])
    for (const device of devices) device.destroy()
    doc.destroy()
  }
  await store.close()
  return { workspaceId, seconds: (performance.now() - started) / 1000 }
}

/** Runs in a fresh process: open the Host and the workspace, then read the first channel. */
async function measure(dataDir: string): Promise<void> {
  const baseline = process.memoryUsage()
  const started = performance.now()
  const host = await Host.open({ dataDir, source: 'test', log: silentLogger })
  const [summary] = host.listWorkspaces()
  const session = await host.openWorkspace(summary!.id)
  const rootOpenedMs = performance.now() - started
  const first = listChannels(session.root)[0]!
  const messages = await session.withChannel(first.id, (docs) => readMessages(docs.channel, { limit: 50 }))
  const readableMs = performance.now() - started
  globalThis.gc?.()
  const memory = process.memoryUsage()
  const result = {
    rootOpenedMs,
    firstChannelReadableMs: readableMs,
    messagesRead: messages.length,
    openDocs: session.openDocNames.length,
    rssMiB: memory.rss / 2 ** 20,
    heapUsedMiB: memory.heapUsed / 2 ** 20,
    baselineRssMiB: baseline.rss / 2 ** 20
  }
  await host.close()
  process.stdout.write(JSON.stringify(result) + '\n')
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  if (args[0] === '--measure') return measure(args[1]!)
  const quick = args.includes('--quick')
  const totalMessages = quick ? 100_000 : 1_000_000
  const channelCount = 50
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'commons-bench-open-'))
  try {
    console.log(`workspace open: generating ${totalMessages.toLocaleString('en')} messages over ${channelCount} channels…`)
    const generated = await generate(dataDir, totalMessages, channelCount)
    console.log(`  generated in ${generated.seconds.toFixed(1)} s`)
    const runs: Array<Record<string, number>> = []
    for (let run = 0; run < 3; run++) {
      const output = await new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx/esm', thisFile, '--measure', dataDir], { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'inherit'] })
        let text = ''
        child.stdout.on('data', (chunk) => (text += chunk))
        child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`measurement exited ${code}`))))
      })
      runs.push(JSON.parse(output.trim().split('\n').at(-1)!) as Record<string, number>)
    }
    const median = (key: string) => runs.map((run) => run[key]!).sort((a, b) => a - b)[1]!
    console.log(`  first channel readable: ${median('firstChannelReadableMs').toFixed(0)} ms (root doc open: ${median('rootOpenedMs').toFixed(0)} ms), median of 3 cold processes`)
    console.log(`  docs open then: ${runs[0]!.openDocs} (the root and the one channel)`)
    console.log(`  process memory then: ${median('rssMiB').toFixed(0)} MiB RSS, ${median('heapUsedMiB').toFixed(0)} MiB heap (a bare process: ${median('baselineRssMiB').toFixed(0)} MiB RSS)`)
    const artifacts = path.join(repositoryRoot, 'test/.artifacts/bench')
    await mkdir(artifacts, { recursive: true })
    await writeFile(path.join(artifacts, `workspace-open-${Date.now()}.json`), JSON.stringify({ totalMessages, channelCount, generatedSeconds: generated.seconds, runs }, null, 2))
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
}

await main()

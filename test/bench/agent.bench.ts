/**
 * Coworker benchmarks (print numbers, assert nothing):
 *  1. added latency from the model's first byte to the first token a second device sees, through the
 *     real task runner, agent process, sync server and a second Host;
 *  2. context assembly time and size for a thread in a channel with 100,000 messages;
 *  3. input tokens billed over a 20-turn task with and without the caching layout, from the fake
 *     Messages API's cache accounting.
 *
 *   node --import tsx/esm test/bench/agent.bench.ts [--quick]
 */
import Anthropic from '@anthropic-ai/sdk'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as Y from 'yjs'
import { createProvider, estimateCostUsd, type ConversationMessage, type TokenUsage } from '../../electron/agent/providers/index.ts'
import { Host } from '../../electron/host/host.ts'
import { assembleTaskContext } from '../../electron/host/tasks/contextAssembly.ts'
import { newId } from '../../shared/ids.ts'
import { silentLogger } from '../../shared/log.ts'
import { channelCollections } from '../../shared/model/channelDoc.ts'
import { readLiveReply } from '../../shared/model/trail.ts'
import type { MessageRecord, TaskRecord } from '../../shared/model/types.ts'
import { addCoworkerToChannel, createChannel, joinChannel } from '../../shared/operations/channels.ts'
import { createCoworker, getCoworker } from '../../shared/operations/coworkers.ts'
import { postMessage } from '../../shared/operations/messages.ts'
import { getTask, tasksForMessage } from '../../shared/operations/tasks.ts'
import { startSyncServer } from '../../sync-server/server.ts'
import { startFakeMessagesApi, type ScriptedTurn } from '../fakes/messagesApi.ts'

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const quick = process.argv.includes('--quick')
const results: Record<string, unknown> = {}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

async function firstTokenLatency(): Promise<void> {
  const tasks = quick ? 8 : 30
  const fake = await startFakeMessagesApi({ apiKey: 'sk-bench' })
  process.env.ANTHROPIC_API_KEY = 'sk-bench'
  process.env.ANTHROPIC_BASE_URL = fake.url
  const temporary = await mkdtemp(path.join(os.tmpdir(), 'commons-bench-agent-'))
  const server = await startSyncServer({ dataDir: path.join(temporary, 'server'), port: 0, log: silentLogger })
  const runner = await Host.open({ dataDir: path.join(temporary, 'a'), source: 'test', log: silentLogger })
  const observer = await Host.open({ dataDir: path.join(temporary, 'b'), source: 'test', log: silentLogger })
  try {
    const sessionA = await runner.createWorkspace({ name: 'Bench', userName: 'Ada', serverUrl: server.url })
    const channel = createChannel(sessionA.root, { name: 'general' }, sessionA.context)
    const scout = createCoworker(sessionA.root, { name: 'Scout', purpose: 'Answers quickly', toolset: [] }, sessionA.context)
    addCoworkerToChannel(sessionA.root, { channelId: channel.id, coworkerId: scout.id }, sessionA.context)
    await sessionA.waitForSync()
    const sessionB = await observer.joinWorkspace({ invite: await runner.createInvite(sessionA.id), userName: 'Grace' })
    joinChannel(sessionB.root, { channelId: channel.id }, sessionB.context)
    const channelB = (await sessionB.leaseChannel(channel.id)).doc
    await sessionB.waitForSync()
    await runner.startCoworkers(sessionA)

    const latencies: number[] = []
    for (let index = 0; index < tasks; index++) {
      let firstByteAt = 0
      const turn = (): ScriptedTurn => {
        firstByteAt = performance.now()
        return { type: 'message', content: [{ type: 'text', text: `Answer ${index}: all good here.` }], textChunks: 4 }
      }
      fake.script(turn)
      const seen = new Promise<number>((resolve) => {
        const check = () => {
          for (const [taskId] of channelCollections(channelB).liveText) {
            const live = readLiveReply(channelB, taskId)
            if (live !== null && live.text.length > 0) {
              channelCollections(channelB).liveText.unobserveDeep(check)
              resolve(performance.now())
              return
            }
          }
        }
        channelCollections(channelB).liveText.observeDeep(check)
      })
      const asked = await sessionA.withChannel(channel.id, (docs) => postMessage(docs, { channelId: channel.id, text: `@scout question ${index}` }, sessionA.context))
      const seenAt = await seen
      latencies.push(seenAt - firstByteAt)
      const [task] = tasksForMessage(sessionA.root, asked.id)
      await until(() => ['succeeded', 'failed', 'stopped'].includes(getTask(sessionA.root, (task as TaskRecord).id).status))
    }
    results.firstTokenLatencyMs = { tasks, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) }
    console.log(`model's first byte → first token on a second device: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms over ${tasks} tasks`)
    console.log('  (agent process → Host → live Y.Text → sync server → second Host, on loopback)')
  } finally {
    await runner.close()
    await observer.close()
    await server.close()
    await fake.close()
    await rm(temporary, { recursive: true, force: true })
  }
}

async function contextAssembly(): Promise<void> {
  const total = quick ? 20_000 : 100_000
  const root = new Y.Doc()
  const channelDoc = new Y.Doc()
  const host = await Host.open({ dataDir: await mkdtemp(path.join(os.tmpdir(), 'commons-bench-context-')), source: 'test', log: silentLogger })
  try {
    const session = await host.createWorkspace({ name: 'Bench', userName: 'Ada' })
    Y.applyUpdate(root, Y.encodeStateAsUpdate(session.root))
    const context = { ...session.context, deviceId: 'dev_bench' }
    const channel = createChannel(root, { name: 'general' }, context)
    const scout = createCoworker(root, { name: 'Scout', purpose: 'Summarises threads', toolset: ['read_channel'] }, context)
    addCoworkerToChannel(root, { channelId: channel.id, coworkerId: scout.id }, context)
    const records: MessageRecord[] = []
    let threadRoot = ''
    for (let index = 0; index < total; index++) {
      const inThread = index > total / 2 && index < total / 2 + 4_000 && index % 20 === 0
      const id = newId('msg')
      if (index === Math.floor(total / 2)) threadRoot = id
      records.push({
        id,
        authorId: session.memberId,
        text: `Message ${index}: a sentence about the work, long enough to be realistic in a busy channel.`,
        mentions: [],
        createdAt: Date.UTC(2025, 0, 1) + index * 60_000,
        threadId: inThread ? threadRoot : null,
        deliverableIds: [],
        taskId: null,
        sharedFromAssistant: false
      })
    }
    channelCollections(channelDoc).messages.push(records)
    const request = postMessage({ root, channel: channelDoc }, { channelId: channel.id, text: '@scout summarise this thread', replyTo: threadRoot }, context)
    const task = tasksForMessage(root, request.id)[0]!
    const coworker = getCoworker(root, scout.id)
    const times: number[] = []
    let assembled = assembleTaskContext({ root, channel: channelDoc, task, coworker })
    for (let run = 0; run < 20; run++) {
      const started = performance.now()
      assembled = assembleTaskContext({ root, channel: channelDoc, task, coworker })
      times.push(performance.now() - started)
    }
    const size = assembled.system.length + assembled.firstMessage.length
    results.contextAssembly = { messages: total, medianMs: percentile(times, 50), p99Ms: percentile(times, 99), tokens: assembled.tokens, characters: size, summary: assembled.summary }
    console.log(`context for a thread in a channel of ${total.toLocaleString('en')} messages: median ${percentile(times, 50).toFixed(2)} ms, ~${assembled.tokens} tokens (${size.toLocaleString('en')} characters): ${assembled.summary}`)
  } finally {
    await host.close()
  }
}

async function cacheShare(): Promise<void> {
  const turns = 20
  const model = 'claude-sonnet-5-5'
  const fake = await startFakeMessagesApi({ apiKey: 'sk-bench' })
  try {
    const run = async (withLayout: boolean) => {
      const fakeBefore = { ...fake.cacheStats }
      fake.script(
        ...Array.from({ length: turns - 1 }, (_, index): ScriptedTurn => ({
          type: 'message',
          content: [{ type: 'text', text: `Step ${index + 1}.` }, { type: 'tool_use', id: `toolu_${withLayout}_${index}`, name: 'read_note', input: { id: index } }]
        })),
        { type: 'message', content: [{ type: 'text', text: 'Done.' }] }
      )
      // Without the layout: the same requests with every cache_control marker taken out before they are sent.
      const createClient = withLayout
        ? undefined
        : (options: ConstructorParameters<typeof Anthropic>[0]) => {
            const client = new Anthropic(options)
            const stream = client.messages.stream.bind(client.messages)
            client.messages.stream = ((params: Record<string, unknown>, requestOptions?: unknown) => stream(JSON.parse(JSON.stringify(params, (key, value) => (key === 'cache_control' ? undefined : value))), requestOptions as never)) as typeof client.messages.stream
            return client
          }
      const provider = createProvider({ kind: 'anthropic', apiKey: 'sk-bench', baseURL: fake.url }, { log: silentLogger, ...(createClient ? { createClient } : {}) })
      const system = `You are Scout, a coworker. ${'Follow the workspace rules carefully. '.repeat(120)}`
      const tools = [{ name: 'read_note', description: `Reads a note. ${'Details about notes. '.repeat(60)}`, inputSchema: { type: 'object', properties: { id: { type: 'number' } } } }]
      const messages: ConversationMessage[] = [{ role: 'user', content: [{ type: 'text', text: 'Check every note in the handbook.' }] }]
      const totals: TokenUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }
      let cost = 0
      for (let turn = 0; turn < turns; turn++) {
        const result = await provider.streamTurn({ model, system, tools, messages, maxOutputTokens: 1024 })
        for (const key of Object.keys(totals) as Array<keyof TokenUsage>) totals[key] += result.usage[key]
        cost += estimateCostUsd(model, result.usage)
        const call = result.content.find((block) => block.type === 'tool_use')
        if (call === undefined) break
        messages.push({ role: 'assistant', content: result.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: `Note ${turn}: ${'Policy text. '.repeat(40)}` }] })
      }
      const input = totals.inputTokens + totals.cacheReadTokens + totals.cacheWriteTokens
      return { input, ...totals, cacheShare: totals.cacheReadTokens / input, costUsd: cost, fakeReads: fake.cacheStats.reads - fakeBefore.reads }
    }
    const withLayout = await run(true)
    const without = await run(false)
    results.caching = { turns, withLayout, without }
    console.log(`20-turn task: ${withLayout.input.toLocaleString('en')} input tokens either way;`)
    console.log(`  with the caching layout: ${(withLayout.cacheShare * 100).toFixed(1)}% read from cache, ~$${withLayout.costUsd.toFixed(4)}`)
    console.log(`  without it:              ${(without.cacheShare * 100).toFixed(1)}% read from cache, ~$${without.costUsd.toFixed(4)}`)
  } finally {
    await fake.close()
  }
}

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

console.log('coworker benchmarks' + (quick ? ' (quick)' : ''))
await firstTokenLatency()
await contextAssembly()
await cacheShare()
const artifacts = path.join(repositoryRoot, 'test/.artifacts/bench')
await mkdir(artifacts, { recursive: true })
await writeFile(path.join(artifacts, `agent-${Date.now()}.json`), JSON.stringify(results, null, 2))
process.exit(0)

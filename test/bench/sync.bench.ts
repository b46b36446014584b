/**
 * Sync server benchmarks: commons-sync ("ours", sync-server/) against the plain y-websocket server
 * ("reference", @y/websocket-server 0.1.1), on loopback, in one run.
 *
 * Scenarios (select with --only NAME; prefixes like `latency` work):
 *   interop       a real y-websocket WebsocketProvider and the lightweight bench client edit one doc
 *                 together (checks the bench client speaks the protocol; fails the run if not)
 *   latency-10    10 connections in 5 rooms,      aggregate 350 updates/s, every connection writes
 *   latency-100   100 connections in 50 rooms,    aggregate 350 updates/s
 *   latency-1500  1,500 connections in 500 rooms, aggregate 350 updates/s
 *   fanout-1500   one writer, 1,500 observers in one room (10 updates/s; --fanout-rate)
 *   memory        server memory per loaded idle doc (a 200-message channel doc) and per idle connection
 *
 * Latency is from the writer's send to each other client of the room having applied the update (a
 * message pushed to the channel doc's `messages` array, carrying its sequence number and send time):
 * writers and observers live in this process, so one clock measures both ends. The server runs in a
 * child process of its own (2-core machines: one core each). Each scenario starts a fresh server.
 *
 * Flags: --quick (short smoke run), --only NAME[,NAME], --server ours|reference|both, --seconds N (measure
 * time per latency scenario), --rate N (aggregate updates/s), --fanout-rate N, --repeat N (runs per
 * latency scenario and server, alternating; the comparison takes medians), --profile (CPU-profile
 * the server during each measurement; .cpuprofile files go to test/.artifacts/bench/), --data-root DIR
 * (where commons-sync keeps its data; the OS temp dir by default, /dev/shm takes the disk out).
 *
 * Prints tables and writes test/.artifacts/bench/sync-<timestamp>.json. Asserts no timings.
 */

import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import {
  artifactsDir,
  distribution,
  environment,
  median,
  formatMs,
  formatNumber,
  formatRatio,
  isSelected,
  log,
  mapLimit,
  numberFlag,
  parseBenchArgs,
  progress,
  repoRoot,
  sleep,
  table,
  warnIfBusy,
  writeArtifact,
  type Distribution
} from './lib/bench-kit.ts'
import { startServerProcess, type MemoryUsage, type ProfileSummary, type ServerKind, type ServerProcess, type ServerUsage } from './lib/server-process.ts'
import { benchId, setUpAccess, type SyncAccess } from './lib/sync-access.ts'
import { LightClient } from './lib/sync-client.ts'

// ---------------------------------------------------------------------------------------------------
// Configuration

const args = parseBenchArgs()
const quick = args.quick
const serverFlag = args.flags.get('server') ?? 'both'
if (!['ours', 'reference', 'both'].includes(serverFlag)) throw new Error(`--server must be ours, reference or both, got ${serverFlag}`)
const profile = args.flags.has('profile')
/** Where servers keep their data (default: the OS temp dir). `--data-root /dev/shm` takes the disk's fsync cost out. */
const dataRoot = args.flags.get('data-root') ?? tmpdir()

const config = {
  quick,
  warmupMs: quick ? 1000 : 2000,
  measureMs: numberFlag(args, 'seconds', quick ? 3 : 10) * 1000,
  /** Aggregate updates per second in the latency scenarios. */
  rate: numberFlag(args, 'rate', 350),
  /** Updates per second of the single writer in fanout-1500. */
  fanoutRate: numberFlag(args, 'fanout-rate', 10),
  /** How long to wait for the last deliveries after the last send. */
  drainMs: 5000,
  memoryDocs: quick ? 100 : 500,
  memoryConnections: quick ? 300 : 1500,
  messagesPerDoc: 200,
  /** Runs of each latency scenario per server, alternating servers (ref, ours, ours, ref, ...); the comparison takes medians. */
  repeat: Math.round(numberFlag(args, 'repeat', 1)),
  /** Connections opened at once while setting up a scenario. */
  connectConcurrency: 50
}

/** commons-sync limits for the run: defaults, except what the bench itself would trip (printed in the report). */
function ourLimits(maxPerConnectionRate: number): Record<string, number> {
  return {
    // The memory scenario measures loaded docs with no connection: keep them loaded.
    evictAfterSeconds: 3600,
    // Bench clients do not renew their awareness every 15 s as y-websocket does.
    idleTimeoutSeconds: 600,
    // Raised only when a writer must send faster than the default 200 messages/s allows.
    ...(maxPerConnectionRate > 150 ? { maxMessagesPerSecond: Math.ceil(maxPerConnectionRate * 2) } : {})
  }
}

interface LatencySpec {
  name: string
  connections: number
  rooms: number
  /** 'all': every connection writes in turn; 'one': connection 0 writes, the others observe. */
  writers: 'all' | 'one'
  rate: number
}

const latencySpecs: LatencySpec[] = [
  { name: 'latency-10', connections: 10, rooms: 5, writers: 'all', rate: config.rate },
  { name: 'latency-100', connections: 100, rooms: 50, writers: 'all', rate: config.rate },
  { name: 'latency-1500', connections: 1500, rooms: 500, writers: 'all', rate: config.rate },
  { name: 'fanout-1500', connections: 1501, rooms: 1, writers: 'one', rate: config.fanoutRate }
]

/** Published figures (other hardware, other clients: context, not a target). */
const published: Record<string, string> = {
  'latency-10': 'y-redis successor: p99 4.4 ms (single writes)',
  'latency-100': 'y-redis successor: p99 4.4 ms (single writes)',
  'latency-1500': 'Hocuspocus: p99 3.2 ms (1,500 clients, 500 rooms, 350 updates/s)',
  'fanout-1500': 'y-redis successor: p99 44 ms (1 writer -> 1,500 observers)'
}

const yjsRuleOfThumbKbPerDoc = 100

const kinds: ServerKind[] = serverFlag === 'both' ? ['reference', 'ours'] : [serverFlag as ServerKind]

// ---------------------------------------------------------------------------------------------------
// Results

interface LatencyResult {
  scenario: string
  server: ServerKind
  /** 1-based run of this scenario on this server (--repeat). */
  round: number
  connections: number
  rooms: number
  observersPerUpdate: number
  targetRate: number
  achievedRate: number
  measureSeconds: number
  sent: number
  expectedDeliveries: number
  delivered: number
  lost: number
  latencyMs: Distribution
  /** Per update: when its last observer applied it (fan-out). */
  lastObserverMs: Distribution
  serverUsage: ServerUsage | undefined
  generator: { cpuPercent: number; loopDelayP99Ms: number; loopDelayMaxMs: number; cpuMicrosPerDelivery: number }
  setupSeconds: number
  /** commons-sync only: durable writes (LevelDB batches with sync) during the measurement, from /metrics. */
  persistence?: { writesPerSecond: number; meanWriteMs: number }
  /** 1-minute load average at the end of the measurement (this run's two processes count ~2 when saturated). */
  loadAverage: number
  profile?: ProfileSummary & { file: string }
}

interface MemoryResult {
  server: ServerKind
  docs: number
  docUpdateBytes: number
  connections: number
  baseline: MemoryUsage
  afterDocs: MemoryUsage
  afterConnections: MemoryUsage
  perDocKb: { heapUsed: number; rss: number; external: number }
  perConnectionKb: { heapUsed: number; rss: number; external: number }
  docsLoaded: number
  connectionsSeen: number
}

interface InteropResult {
  server: ServerKind
  ok: boolean
  checks: Record<string, boolean>
  error?: string
}

const results = {
  bench: 'sync',
  startedAt: new Date().toISOString(),
  environment: { ...environment(), fileDescriptors: 0 },
  config: { ...config, servers: kinds, ourLimits: ourLimits(0), profile, dataRoot },
  interop: [] as InteropResult[],
  latency: [] as LatencyResult[],
  memory: [] as MemoryResult[],
  loadGeneratorYDocKb: undefined as number | undefined,
  skipped: [] as Array<{ scenario: string; server?: ServerKind; reason: string }>,
  failures: [] as Array<{ scenario: string; server: ServerKind; error: string }>
}

// ---------------------------------------------------------------------------------------------------
// Content: a typical channel doc (shared/model/channelDoc.ts), and a message like postMessage writes

function rng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

const words = 'the we a to is for on launch plan review draft ship today tomorrow friday customer data pipeline deck numbers figures notes meeting thanks agreed looks good can you check the latest version before we send it'.split(' ')

function sentence(random: () => number, minWords: number, maxWords: number): string {
  const count = minWords + Math.floor(random() * (maxWords - minWords + 1))
  const out: string[] = []
  for (let index = 0; index < count; index++) out.push(words[Math.floor(random() * words.length)]!)
  const text = out.join(' ')
  return text[0]!.toUpperCase() + text.slice(1) + '.'
}

function messageRecord(random: () => number, authorId: string, createdAt: number, threadId: string | null) {
  return {
    id: benchId('msg'),
    authorId,
    text: sentence(random, 4, 40),
    mentions: [] as unknown[],
    createdAt,
    threadId,
    deliverableIds: [] as string[],
    taskId: null,
    sharedFromAssistant: false
  }
}

/** One encoded update holding a channel doc with `count` messages by three authors (one device each), a few edits and deletions. */
function buildChannelDocUpdate(count: number): Uint8Array {
  const random = rng(42)
  const devices = [new Y.Doc(), new Y.Doc(), new Y.Doc()]
  for (const from of devices) {
    from.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'relay') return
      for (const to of devices) if (to !== from) Y.applyUpdate(to, update, 'relay')
    })
  }
  const authors = devices.map(() => benchId('mem'))
  const ids: string[] = []
  let now = Date.UTC(2026, 0, 5, 9)
  for (let index = 0; index < count; index++) {
    const author = Math.floor(random() * devices.length)
    now += Math.floor(random() * 600_000)
    const threadId = ids.length > 10 && random() < 0.2 ? ids[Math.floor(random() * ids.length)]! : null
    const record = messageRecord(random, authors[author]!, now, threadId)
    ids.push(record.id)
    devices[author]!.getArray('messages').push([record])
    if (random() < 0.05) {
      devices[author]!.getMap('edits').set(record.id, { text: sentence(random, 4, 30), mentions: [], deliverableIds: [], editedAt: now + 60_000 })
    }
    if (random() < 0.02) devices[author]!.getMap('deletions').set(record.id, { deletedAt: now + 120_000, deletedBy: authors[author]! })
  }
  return Y.encodeStateAsUpdate(devices[0]!)
}

// ---------------------------------------------------------------------------------------------------
// Environment checks

function fileDescriptorLimit(): number {
  try {
    // Node raises its soft limit to the hard limit at startup; a child shell inherits what Node has.
    return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()) || Number.POSITIVE_INFINITY
  } catch {
    return Number.POSITIVE_INFINITY
  }
}

// ---------------------------------------------------------------------------------------------------
// Scenarios

async function withServer<T>(kind: ServerKind, limits: Record<string, number>, work: (server: ServerProcess) => Promise<T>): Promise<T> {
  const server = await startServerProcess(kind, kind === 'ours' ? limits : {}, dataRoot)
  try {
    return await work(server)
  } finally {
    await server.stop()
  }
}

async function closeAll(clients: LightClient[]): Promise<void> {
  await mapLimit(clients, 200, (client) => client.close())
}

async function connectClients(
  access: SyncAccess,
  rooms: string[],
  count: number,
  options: { applyRemote: boolean; awareness: boolean; initialStateVector?: Uint8Array }
): Promise<LightClient[]> {
  return mapLimit(Array.from({ length: count }, (_, index) => index), config.connectConcurrency, async (index) => {
    const client = await LightClient.connect({
      url: access.socketUrl(rooms[index % rooms.length]!, access.tokens[index % access.tokens.length]!),
      applyRemote: options.applyRemote,
      awarenessState: options.awareness ? {} : null,
      initialStateVector: options.initialStateVector
    })
    await client.synced()
    return client
  })
}

async function runInterop(kind: ServerKind): Promise<InteropResult> {
  const checks: Record<string, boolean> = {}
  return withServer(kind, ourLimits(0), async (server) => {
    const access = await setUpAccess(server, 2)
    const room = `${access.workspaceId}/channel/${benchId('ch')}`
    const light = await LightClient.connect({ url: access.socketUrl(room, access.tokens[0]!), awarenessState: { user: { name: 'light' } } })
    const doc = new Y.Doc()
    const provider = new WebsocketProvider(access.socketBase, room, doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      params: { token: access.tokens[0]! },
      maxBackoffTime: 500
    })
    try {
      await light.synced(10_000)
      checks.lightSynced = true
      await until(() => provider.synced, 10_000, 'the provider did not sync')
      checks.providerSynced = true

      const fromLight = messageRecord(rng(1), 'mem_light', Date.now(), null)
      light.doc.getArray('messages').push([fromLight])
      await until(() => doc.getArray<{ id: string }>('messages').toArray().some((message) => message.id === fromLight.id), 10_000, 'the provider never saw the light client\'s message')
      checks.lightToProvider = true

      const fromProvider = messageRecord(rng(2), 'mem_provider', Date.now(), null)
      doc.getArray('messages').push([fromProvider])
      await until(() => light.doc.getArray<{ id: string }>('messages').toArray().some((message) => message.id === fromProvider.id), 10_000, 'the light client never saw the provider\'s message')
      checks.providerToLight = true

      await until(() => provider.awareness.getStates().has(light.doc.clientID), 10_000, 'the provider never saw the light client\'s awareness')
      checks.awarenessLightToProvider = true
      const before = light.awarenessReceived
      provider.awareness.setLocalStateField('user', { name: 'provider' })
      await until(() => light.awarenessReceived > before, 10_000, 'the light client never got the provider\'s awareness')
      checks.awarenessProviderToLight = true

      await light.barrier(10_000)
      checks.barrier = true
      // A late joiner gets both messages in its first sync.
      const late = await LightClient.connect({ url: access.socketUrl(room, access.tokens[0]!) })
      await late.synced(10_000)
      const ids = late.doc.getArray<{ id: string }>('messages').toArray().map((message) => message.id)
      checks.lateJoinerGetsHistory = ids.includes(fromLight.id) && ids.includes(fromProvider.id)
      await late.close()
      return { server: kind, ok: Object.values(checks).every(Boolean), checks }
    } catch (error) {
      return { server: kind, ok: false, checks, error: (error as Error).message }
    } finally {
      provider.destroy()
      await light.close()
    }
  })
}

async function until(condition: () => boolean, timeoutMs: number, message: string): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(message)
    await sleep(5)
  }
}

async function runLatency(kind: ServerKind, spec: LatencySpec, round: number): Promise<LatencyResult> {
  const writersCount = spec.writers === 'all' ? spec.connections : 1
  return withServer(kind, ourLimits(spec.rate / writersCount), async (server) => {
    const setupStarted = performance.now()
    const access = await setUpAccess(server, spec.connections)
    const rooms = Array.from({ length: spec.rooms }, () => `${access.workspaceId}/channel/${benchId('ch')}`)
    progress(`${spec.name} ${kind}: connecting ${spec.connections} clients to ${spec.rooms} room(s)`)
    const clients = await connectClients(access, rooms, spec.connections, { applyRemote: true, awareness: false })
    const roomSize = new Array<number>(spec.rooms).fill(0)
    clients.forEach((_, index) => roomSize[index % spec.rooms]!++)
    const setupSeconds = (performance.now() - setupStarted) / 1000

    const writers = spec.writers === 'all' ? clients : [clients[0]!]
    const warmupSends = Math.round((spec.rate * config.warmupMs) / 1000)
    const measuredSends = Math.max(1, Math.round((spec.rate * config.measureMs) / 1000))
    const totalSends = warmupSends + measuredSends
    let expected = 0
    for (let seq = warmupSends; seq < totalSends; seq++) expected += roomSize[(seq % writers.length) % spec.rooms]! - 1

    const samples = new Float64Array(expected)
    let sampleCount = 0
    const sentAtBySeq = new Float64Array(totalSends)
    const lastDeliveryBySeq = new Float64Array(totalSends)

    for (const client of clients) {
      client.doc.getArray<{ bench?: { seq: number; sentAt: number } }>('messages').observe((event) => {
        if (event.transaction.origin !== client) return
        const now = performance.now()
        for (const delta of event.changes.delta) {
          if (delta.insert === undefined) continue
          for (const record of delta.insert as Array<{ bench?: { seq: number; sentAt: number } }>) {
            const bench = record.bench
            if (bench === undefined || bench.seq < warmupSends) continue
            if (sampleCount < samples.length) samples[sampleCount++] = now - bench.sentAt
            if (now > lastDeliveryBySeq[bench.seq]!) lastDeliveryBySeq[bench.seq] = now
          }
        }
      })
    }

    const random = rng(7)
    const texts = Array.from({ length: 64 }, () => sentence(random, 4, 30))
    const loopDelay = monitorEventLoopDelay({ resolution: 1 })
    let cpuAtStart = process.cpuUsage()
    let measureStartedAt = 0
    let measureEndedAt = 0
    let serverUsageStart: Promise<unknown> | undefined
    let persistStart: Promise<PersistCounters | undefined> | undefined
    let persistEnd: Promise<PersistCounters | undefined> | undefined
    let serverUsage: Promise<ServerUsage> | undefined
    const profileFile = join(artifactsDir, `sync-${spec.name}-${kind}-${Date.now()}.cpuprofile`)

    const sendOne = (seq: number) => {
      const writer = writers[seq % writers.length]!
      const sentAt = performance.now()
      sentAtBySeq[seq] = sentAt
      writer.doc.getArray('messages').push([
        {
          id: benchId('msg'),
          authorId: 'mem_bench',
          text: texts[seq % texts.length]!,
          mentions: [],
          createdAt: Date.now(),
          threadId: null,
          deliverableIds: [],
          taskId: null,
          sharedFromAssistant: false,
          bench: { seq, sentAt }
        }
      ])
    }

    progress(`${spec.name} ${kind}: ${(config.warmupMs / 1000).toFixed(0)} s warm-up, ${(config.measureMs / 1000).toFixed(0)} s measured at ${spec.rate} updates/s`)
    await new Promise<void>((resolve) => {
      const started = performance.now()
      let sent = 0
      const tick = () => {
        const due = Math.min(totalSends, Math.floor(((performance.now() - started) * spec.rate) / 1000) + 1)
        while (sent < due) {
          if (sent === warmupSends) {
            measureStartedAt = performance.now()
            serverUsageStart = server.usage()
            persistStart = scrapePersistence(server)
            if (profile) server.profileStart().catch((error: unknown) => progress(`profiling failed: ${String(error)}`))
            loopDelay.reset()
            loopDelay.enable()
            cpuAtStart = process.cpuUsage()
          }
          sendOne(sent++)
        }
        if (sent < totalSends) {
          setTimeout(tick, 1)
          return
        }
        measureEndedAt = performance.now()
        loopDelay.disable()
        serverUsage = serverUsageStart!.then(() => server.usage())
        persistEnd = scrapePersistence(server)
        resolve()
      }
      tick()
    })
    const cpu = process.cpuUsage(cpuAtStart)
    const usage = await serverUsage!
    let profiled: LatencyResult['profile']
    if (profile) profiled = { ...(await server.profileStop(profileFile)), file: profileFile.slice(repoRoot.length + 1) }
    // Let the last deliveries arrive.
    const drainUntil = performance.now() + config.drainMs
    while (sampleCount < expected && performance.now() < drainUntil) await sleep(10)

    const measureMs = measureEndedAt - measureStartedAt
    const [persistBefore, persistAfter] = await Promise.all([persistStart, persistEnd])
    const persistence =
      persistBefore && persistAfter && persistAfter.count > persistBefore.count
        ? {
            writesPerSecond: ((persistAfter.count - persistBefore.count) * 1000) / measureMs,
            meanWriteMs: ((persistAfter.sumSeconds - persistBefore.sumSeconds) * 1000) / (persistAfter.count - persistBefore.count)
          }
        : undefined
    const lastObserver: number[] = []
    for (let seq = warmupSends; seq < totalSends; seq++) if (lastDeliveryBySeq[seq]! > 0) lastObserver.push(lastDeliveryBySeq[seq]! - sentAtBySeq[seq]!)
    progress(`${spec.name} ${kind}: closing`)
    await closeAll(clients)
    return {
      scenario: spec.name,
      server: kind,
      round,
      connections: spec.connections,
      rooms: spec.rooms,
      observersPerUpdate: expected / measuredSends,
      targetRate: spec.rate,
      achievedRate: measureMs > 0 ? ((measuredSends - 1) * 1000) / measureMs : NaN,
      measureSeconds: measureMs / 1000,
      sent: measuredSends,
      expectedDeliveries: expected,
      delivered: sampleCount,
      lost: expected - sampleCount,
      latencyMs: distribution(samples.subarray(0, sampleCount)),
      lastObserverMs: distribution(lastObserver),
      serverUsage: usage,
      generator: {
        cpuPercent: measureMs > 0 ? ((cpu.user + cpu.system) / 1000 / measureMs) * 100 : NaN,
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
        loopDelayMaxMs: loopDelay.max / 1e6,
        cpuMicrosPerDelivery: sampleCount > 0 ? (cpu.user + cpu.system) / sampleCount : NaN
      },
      setupSeconds,
      persistence,
      loadAverage: loadavg()[0]!,
      profile: profiled
    }
  })
}

interface PersistCounters {
  count: number
  sumSeconds: number
}

/** commons-sync's durable-write histogram from /metrics (undefined for the reference server). */
async function scrapePersistence(server: ServerProcess): Promise<PersistCounters | undefined> {
  if (server.kind !== 'ours') return undefined
  try {
    const text = await (await fetch(`${server.url}/metrics`)).text()
    const read = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN)
    const count = read('commons_sync_persistence_write_seconds_count')
    const sumSeconds = read('commons_sync_persistence_write_seconds_sum')
    return Number.isFinite(count) && Number.isFinite(sumSeconds) ? { count, sumSeconds } : undefined
  } catch {
    return undefined
  }
}

function kb(bytes: number): number {
  return bytes / 1024
}

async function runMemory(kind: ServerKind, content: Uint8Array): Promise<MemoryResult> {
  return withServer(kind, ourLimits(0), async (server) => {
    const access = await setUpAccess(server, config.memoryConnections)
    const rooms = Array.from({ length: config.memoryDocs }, () => `${access.workspaceId}/channel/${benchId('ch')}`)
    const baseline = await server.memory()

    progress(`memory ${kind}: loading ${config.memoryDocs} docs of ${config.messagesPerDoc} messages (${(content.byteLength / 1024).toFixed(1)} kB each)`)
    await mapLimit(rooms, 16, async (room, index) => {
      const doc = new Y.Doc()
      Y.applyUpdate(doc, content)
      const client = await LightClient.connect({ url: access.socketUrl(room, access.tokens[index % access.tokens.length]!), doc })
      await client.synced()
      // Answered once the server has handled (and commons-sync stored) the doc we sent.
      await client.barrier()
      await client.close()
      doc.destroy()
    })
    const quiet = performance.now() + 10_000
    for (;;) {
      const stats = await server.stats()
      if (stats.connections === 0 || performance.now() > quiet) break
      await sleep(50)
    }
    const afterDocs = await server.memory()
    const docsLoaded = (await server.stats()).docsLoaded

    // Devices that already hold the doc (they announce its state vector, so the server sends a small
    // diff), each with an awareness state, as y-websocket's provider has.
    progress(`memory ${kind}: opening ${config.memoryConnections} idle connections over those docs`)
    const contentStateVector = Y.encodeStateVectorFromUpdate(content)
    const clients = await connectClients(access, rooms, config.memoryConnections, { applyRemote: false, awareness: true, initialStateVector: contentStateVector })
    await sleep(500)
    const afterConnections = await server.memory()
    const connectionsSeen = (await server.stats()).connections
    await closeAll(clients)

    const per = (after: MemoryUsage, before: MemoryUsage, count: number) => ({
      heapUsed: kb(after.heapUsed - before.heapUsed) / count,
      rss: kb(after.rss - before.rss) / count,
      external: kb(after.external - before.external) / count
    })
    return {
      server: kind,
      docs: config.memoryDocs,
      docUpdateBytes: content.byteLength,
      connections: config.memoryConnections,
      baseline,
      afterDocs,
      afterConnections,
      perDocKb: per(afterDocs, baseline, config.memoryDocs),
      perConnectionKb: per(afterConnections, afterDocs, config.memoryConnections),
      docsLoaded,
      connectionsSeen
    }
  })
}

/** What one such doc costs in a plain Node process (this one): the Yjs part of the server's cost. */
async function measureYDocHere(content: Uint8Array, count: number): Promise<number | undefined> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) return undefined
  const settle = async () => {
    for (let round = 0; round < 4; round++) {
      gc()
      await sleep(20)
    }
  }
  await settle()
  const before = process.memoryUsage().heapUsed
  const docs: Y.Doc[] = []
  for (let index = 0; index < count; index++) {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, content)
    docs.push(doc)
  }
  await settle()
  const after = process.memoryUsage().heapUsed
  const perDoc = kb(after - before) / count
  for (const doc of docs) doc.destroy()
  docs.length = 0
  return perDoc
}

// ---------------------------------------------------------------------------------------------------
// Run

/**
 * Runs one scenario on one server. A scenario that overruns `timeoutMs` ends the whole run (after the
 * report of what finished): its sockets and server would otherwise skew whatever ran next.
 */
async function attempt<T>(scenario: string, kind: ServerKind, timeoutMs: number, work: () => Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined
  const overrun = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ScenarioTimeout(`did not finish within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs)
  })
  try {
    return await Promise.race([work(), overrun])
  } catch (error) {
    if (error instanceof ScenarioTimeout) {
      results.failures.push({ scenario, server: kind, error: error.message })
      log(`!! ${scenario} on ${kind} ${error.message}; stopping the run`)
      report()
      process.exit(1)
    }
    const message = error instanceof Error ? error.message : String(error)
    results.failures.push({ scenario, server: kind, error: message })
    log(`!! ${scenario} on ${kind} failed: ${message}`)
    return undefined
  } finally {
    clearTimeout(timer)
  }
}

class ScenarioTimeout extends Error {}

const selectedLatency = latencySpecs.filter((spec) => isSelected(args, spec.name))
const runInteropScenario = isSelected(args, 'interop')
const runMemoryScenario = isSelected(args, 'memory')
if (selectedLatency.length === 0 && !runInteropScenario && !runMemoryScenario) {
  log(`sync: no scenario matches --only ${args.only?.join(',')} (have: interop, ${latencySpecs.map((spec) => spec.name).join(', ')}, memory)`)
  process.exit(0)
}

const fdLimit = fileDescriptorLimit()
results.environment.fileDescriptors = fdLimit
const mostConnections = Math.max(runMemoryScenario ? config.memoryConnections : 0, ...selectedLatency.map((spec) => spec.connections))
// Each process holds one descriptor per socket (the load generator its clients, the server their peers), plus files.
const fdNeeded = mostConnections + 200
log(`sync bench${quick ? ' (--quick)' : ''}: servers ${kinds.join(' and ')}; ${config.warmupMs / 1000} s warm-up + ${config.measureMs / 1000} s measured per latency scenario`)
log(`commons-sync data under ${dataRoot}; its limits: ${JSON.stringify(ourLimits(0))} (defaults otherwise)`)
log(`file descriptors per process: ${fdLimit} (the largest scenario needs about ${fdNeeded} in each of the two processes)`)
if (fdLimit < fdNeeded) {
  log(`!! ulimit -n is ${fdLimit}: too low for ${mostConnections} connections. Scenarios that need more are skipped.`)
  log(`!! Raise it before running: \`ulimit -n 4096\` (the hard limit, \`ulimit -Hn\`, bounds it; see /etc/security/limits.conf).`)
}
const fits = (connections: number) => connections + 200 <= fdLimit

if (kinds.includes('ours') && !existsSync(join(repoRoot, 'sync-server', 'server.ts'))) {
  log('!! sync-server/server.ts does not exist yet: running the reference server only.')
  kinds.splice(kinds.indexOf('ours'), 1)
  results.skipped.push({ scenario: '*', server: 'ours', reason: 'sync-server/server.ts missing' })
}
warnIfBusy('before the run')
log('')

const runStarted = performance.now()
if (profile) mkdirSync(artifactsDir, { recursive: true })
if (runInteropScenario) {
  for (const kind of kinds) {
    progress(`interop ${kind}: WebsocketProvider <-> bench client`)
    const result = await attempt('interop', kind, 60_000, () => runInterop(kind))
    if (result !== undefined) results.interop.push(result)
  }
}

for (const spec of selectedLatency) {
  if (!fits(spec.connections)) {
    results.skipped.push({ scenario: spec.name, reason: `ulimit -n ${fdLimit} < ${spec.connections + 200}` })
    continue
  }
  for (let round = 1; round <= config.repeat; round++) {
    // Alternate the order, so a burst of load from elsewhere does not always land on the same server.
    for (const kind of round % 2 === 1 ? kinds : [...kinds].reverse()) {
      const result = await attempt(spec.name, kind, 120_000 + config.warmupMs + config.measureMs + config.drainMs, () => runLatency(kind, spec, round))
      if (result !== undefined) {
        results.latency.push(result)
        progress(`${spec.name} ${kind}: p50 ${formatMs(result.latencyMs.p50)} ms, p99 ${formatMs(result.latencyMs.p99)} ms (${result.delivered}/${result.expectedDeliveries} delivered)`)
      }
    }
  }
}

if (runMemoryScenario) {
  const content = buildChannelDocUpdate(config.messagesPerDoc)
  results.loadGeneratorYDocKb = await measureYDocHere(content, 200)
  if (!fits(config.memoryConnections)) {
    results.skipped.push({ scenario: 'memory', reason: `ulimit -n ${fdLimit} < ${config.memoryConnections + 200}` })
  } else {
    for (const kind of kinds) {
      const result = await attempt('memory', kind, 240_000, () => runMemory(kind, content))
      if (result !== undefined) results.memory.push(result)
    }
  }
}

report()
process.exit(results.failures.length > 0 || results.interop.some((result) => !result.ok) ? 1 : 0)

// ---------------------------------------------------------------------------------------------------
// Report

function report(): void {
  log('')
  if (results.interop.length > 0) {
    log('Interop: real y-websocket WebsocketProvider (ws, disableBc) <-> lightweight bench client')
    for (const result of results.interop) {
      const checks = Object.entries(result.checks).map(([name, ok]) => `${name} ${ok ? 'ok' : 'FAILED'}`).join(', ')
      log(`  ${result.server.padEnd(9)} ${result.ok ? 'ok' : 'FAILED'}  (${checks}${result.error ? `; ${result.error}` : ''})`)
    }
    log('')
  }

  if (results.latency.length > 0) {
    log('Propagation latency, ms (writer send -> each other client in the room applied it; loopback)')
    log(
      table(
        ['scenario', 'server', ...(config.repeat > 1 ? ['run'] : []), 'conns', 'rooms', 'obs/upd', 'upd/s', 'delivered', 'lost', 'p50', 'p90', 'p99', 'p99.9', 'max', 'last-obs p99', 'srv CPU%', 'main/other', 'srv ms/upd', 'srv loop p99', 'gen CPU%', 'gen loop p99', 'load'],
        results.latency.map((result) => [
          result.scenario,
          result.server,
          ...(config.repeat > 1 ? [String(result.round)] : []),
          String(result.connections),
          String(result.rooms),
          formatNumber(result.observersPerUpdate, 0),
          formatNumber(result.achievedRate, 0),
          String(result.delivered),
          String(result.lost),
          formatMs(result.latencyMs.p50),
          formatMs(result.latencyMs.p90),
          formatMs(result.latencyMs.p99),
          formatMs(result.latencyMs.p999),
          formatMs(result.latencyMs.max),
          result.observersPerUpdate > 2 ? formatMs(result.lastObserverMs.p99) : '-',
          result.serverUsage ? formatNumber(((result.serverUsage.cpuUserMs + result.serverUsage.cpuSystemMs) / result.serverUsage.wallMs) * 100, 0) : '-',
          result.serverUsage?.mainThreadCpuMs !== undefined && result.serverUsage.otherThreadsCpuMs !== undefined
          ? `${formatNumber((result.serverUsage.mainThreadCpuMs / result.serverUsage.wallMs) * 100, 0)}/${formatNumber((result.serverUsage.otherThreadsCpuMs / result.serverUsage.wallMs) * 100, 0)}`
          : '-',
        result.serverUsage ? formatMs((result.serverUsage.cpuUserMs + result.serverUsage.cpuSystemMs) / result.sent) : '-',
          result.serverUsage ? formatMs(result.serverUsage.loopDelayP99Ms) : '-',
          formatNumber(result.generator.cpuPercent, 0),
          formatMs(result.generator.loopDelayP99Ms),
          formatNumber(result.loadAverage, 1)
        ])
      )
    )
    log('  srv/gen CPU% = CPU time of the server / load-generator process over the measured window (100% = one core);')
  log('  main/other = server CPU% on its event loop thread / on all other threads (libuv pool: LevelDB writes and fsyncs; GC helpers);')
    log('  srv ms/upd = server CPU time per update sent (its fan-out included); loop p99 = event loop delay p99 in that process;')
    log('  load = 1-minute load average at the end (this run accounts for up to ~2). A busy generator delays both servers alike.')
    for (const result of results.latency) {
      if (result.observersPerUpdate < 100) continue
      const serialMs = (result.generator.cpuMicrosPerDelivery * result.observersPerUpdate) / 1000
      log(`  ${result.scenario} ${result.server}: the load generator spends ~${formatNumber(result.generator.cpuMicrosPerDelivery, 0)} µs of CPU per delivery (receive + Y.applyUpdate), ~${formatMs(serialMs)} ms per update for all observers in one process: the floor of its last-observer latency.`)
    }
    for (const result of results.latency) {
      if (result.persistence === undefined) continue
      log(`  ${result.scenario} ours: ${formatNumber(result.persistence.writesPerSecond, 0)} durable LevelDB writes/s (one fsync'd batch each), ${formatMs(result.persistence.meanWriteMs)} ms mean`)
    }
    log('')

    const scenarios = [...new Set(results.latency.map((result) => result.scenario))]
    log(`ours / reference (lower is better for ours)${config.repeat > 1 ? `, medians of ${config.repeat} runs each` : ''}, and published figures`)
    const cpu = (result: LatencyResult) => (result.serverUsage ? (result.serverUsage.cpuUserMs + result.serverUsage.cpuSystemMs) / result.serverUsage.wallMs : NaN)
    const medianOf = (scenario: string, server: ServerKind, pick: (result: LatencyResult) => number) => {
      const values = results.latency.filter((result) => result.scenario === scenario && result.server === server).map(pick)
      return values.length > 0 ? median(values) : undefined
    }
    log(
      table(
        ['scenario', 'p50 ours', 'p50 ref', 'p50 ratio', 'p99 ours', 'p99 ref', 'p99 ratio', 'srv CPU ratio', 'published (other hardware)'],
        scenarios.map((scenario) => {
          const p50 = (server: ServerKind) => medianOf(scenario, server, (result) => result.latencyMs.p50)
          const p99 = (server: ServerKind) => medianOf(scenario, server, (result) => result.latencyMs.p99)
          const load = (server: ServerKind) => medianOf(scenario, server, cpu)
          return [
            scenario,
            formatMs(p50('ours')),
            formatMs(p50('reference')),
            formatRatio(p50('ours'), p50('reference')),
            formatMs(p99('ours')),
            formatMs(p99('reference')),
            formatRatio(p99('ours'), p99('reference')),
            formatRatio(load('ours'), load('reference')),
            published[scenario] ?? ''
          ]
        })
      )
    )
    log('  p99 swings with load from other processes (see the load column); p50 and CPU ratios are the steadier comparison. --repeat N helps.')
    log('')
  }

  for (const result of results.latency) {
    if (result.profile === undefined) continue
    log(`Server CPU profile, ${result.scenario} on ${result.server}: top self time over ${formatMs(result.profile.totalMs)} ms sampled (${result.profile.file})`)
    log(
      table(
        ['self ms', 'share', 'function'],
        result.profile.top.slice(0, 15).map((entry) => [formatMs(entry.selfMs), `${(entry.share * 100).toFixed(1)}%`, entry.name])
      )
    )
    log('')
  }

  if (results.memory.length > 0) {
    const first = results.memory[0]!
    log(`Server memory: ${first.docs} loaded idle docs (channel doc, ${config.messagesPerDoc} messages, ${(first.docUpdateBytes / 1024).toFixed(1)} kB encoded), then ${first.connections} idle connections over them`)
    log(
      table(
        ['server', 'baseline heap MB', 'baseline RSS MB', 'kB/doc heap', 'kB/doc RSS', 'kB/doc external', 'kB/conn heap', 'kB/conn RSS', 'kB/conn external', 'docs loaded', 'conns seen'],
        results.memory.map((result) => [
          result.server,
          formatNumber(result.baseline.heapUsed / 1024 / 1024, 1),
          formatNumber(result.baseline.rss / 1024 / 1024, 1),
          formatNumber(result.perDocKb.heapUsed),
          formatNumber(result.perDocKb.rss),
          formatNumber(result.perDocKb.external),
          formatNumber(result.perConnectionKb.heapUsed),
          formatNumber(result.perConnectionKb.rss),
          formatNumber(result.perConnectionKb.external),
          String(result.docsLoaded),
          String(result.connectionsSeen)
        ])
      )
    )
    const ours = results.memory.find((result) => result.server === 'ours')
    const reference = results.memory.find((result) => result.server === 'reference')
    if (ours && reference) {
      log(`  ours / reference: per doc heap ${formatRatio(ours.perDocKb.heapUsed, reference.perDocKb.heapUsed)}, RSS ${formatRatio(ours.perDocKb.rss, reference.perDocKb.rss)}; per connection heap ${formatRatio(ours.perConnectionKb.heapUsed, reference.perConnectionKb.heapUsed)}, RSS ${formatRatio(ours.perConnectionKb.rss, reference.perConnectionKb.rss)}`)
    }
    log(`  Yjs rule of thumb: ~${yjsRuleOfThumbKbPerDoc} kB per loaded doc. The same doc as a bare Y.Doc in this process: ${formatNumber(results.loadGeneratorYDocKb)} kB heap.`)
    log('  RSS deltas include allocator and LevelDB caches and are noisier than heap; "external" counts Buffers (socket and Yjs byte arrays).')
    log('')
  }

  for (const skipped of results.skipped) log(`skipped ${skipped.scenario}${skipped.server ? ` (${skipped.server})` : ''}: ${skipped.reason}`)
  for (const failure of results.failures) log(`FAILED ${failure.scenario} on ${failure.server}: ${failure.error}`)
  const artifact = writeArtifact('sync', { ...results, finishedAt: new Date().toISOString(), seconds: (performance.now() - runStarted) / 1000 })
  log(`results: ${artifact}   (${((performance.now() - runStarted) / 1000).toFixed(0)} s)`)
}

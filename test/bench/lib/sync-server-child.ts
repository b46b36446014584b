/**
 * The sync server under test, in a process of its own (forked by server-process.ts, run with tsx and
 * --expose-gc): `ours` is commons-sync (sync-server/server.ts), `reference` is the plain y-websocket
 * server (@y/websocket-server's setupWSConnection on a `ws` WebSocketServer, docs in memory).
 *
 *   argv: <ours|reference> <dataDir> <limits as JSON>
 *
 * Talks to its parent over IPC: it sends `{ type: 'ready', url }` (or `{ type: 'failed', error }`), then
 * answers requests `{ id, cmd }` with `{ id, ok, value | error }`:
 *
 *   mem            process.memoryUsage() after full garbage collections
 *   usage          CPU time (all threads, and main vs the others), event loop utilization and delay
 *                  since the last `usage`
 *   stats          docs loaded and connections open
 *   profile-start  starts the V8 CPU profiler
 *   profile-stop   stops it, writes the .cpuprofile to `path`, answers the top functions by self time
 *   close          closes the server gracefully and exits
 *
 * The process exits when its parent goes away (IPC disconnect).
 */

import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { Session } from 'node:inspector/promises'
import type { AddressInfo } from 'node:net'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { WebSocketServer } from 'ws'

type Kind = 'ours' | 'reference'

interface Running {
  url: string
  stats(): Promise<{ docsLoaded: number; connections: number }>
  close(): Promise<void>
}

const [kindArg, dataDir, limitsJson] = process.argv.slice(2)
const kind = kindArg as Kind
if (kind !== 'ours' && kind !== 'reference') throw new Error(`usage: sync-server-child.ts <ours|reference> <dataDir> <limits>`)
if (process.send === undefined) throw new Error('sync-server-child.ts runs as a forked child (it needs an IPC channel)')
const send = (message: unknown) => process.send!(message)

async function startOurs(): Promise<Running> {
  // Imported here so a half-written server fails this child with a message, not the parent.
  const { startSyncServer } = await import('../../../sync-server/server.ts')
  const server = await startSyncServer({ dataDir: dataDir!, port: 0, host: '127.0.0.1', limits: JSON.parse(limitsJson ?? '{}') })
  return {
    url: server.url,
    stats: async () => {
      const health = (await (await fetch(`${server.url}/healthz`)).json()) as { docsLoaded: number; connections: number }
      return { docsLoaded: health.docsLoaded, connections: health.connections }
    },
    close: () => server.close()
  }
}

async function startReference(): Promise<Running> {
  const { setupWSConnection, docs } = await import('@y/websocket-server/utils')
  const wss = new WebSocketServer({ noServer: true })
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/plain' })
    response.end('okay')
  })
  server.on('upgrade', (request, socket, head) => {
    wss.handleUpgrade(request, socket, head, (ws) => setupWSConnection(ws, request))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    stats: async () => ({ docsLoaded: docs.size, connections: wss.clients.size }),
    close: async () => {
      for (const client of wss.clients) client.terminate()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error('run with --expose-gc')
  // A few rounds with turns of the event loop between them, so weak refs and finalizers settle.
  for (let round = 0; round < 4; round++) {
    gc()
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
  hitCount?: number
}

/** Self time per function (name + file:line), highest first. */
function topFunctions(profile: { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[] }, limit: number) {
  const byNode = new Map<number, ProfileNode>(profile.nodes.map((node) => [node.id, node]))
  const selfMicros = new Map<number, number>()
  const samples = profile.samples ?? []
  const deltas = profile.timeDeltas ?? []
  for (let index = 0; index < samples.length; index++) {
    const id = samples[index]!
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (deltas[index + 1] ?? deltas[index] ?? 0))
  }
  let total = 0
  const byFunction = new Map<string, number>()
  for (const [id, micros] of selfMicros) {
    const frame = byNode.get(id)!.callFrame
    const file = frame.url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '~/').replace(/^.*\/(sync-server|test)\//, '$1/')
    const key = `${frame.functionName || '(anonymous)'} ${file ? `${file}:${frame.lineNumber + 1}:${frame.columnNumber + 1}` : ''}`.trim()
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros)
    total += micros
  }
  return {
    totalMs: total / 1000,
    top: [...byFunction.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, micros]) => ({ name, selfMs: micros / 1000, share: total > 0 ? micros / total : 0 }))
  }
}

let running: Running
try {
  running = kind === 'ours' ? await startOurs() : await startReference()
} catch (error) {
  send({ type: 'failed', error: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) })
  process.exit(1)
}

const delay = monitorEventLoopDelay({ resolution: 1 })
delay.enable()
/**
 * CPU ms of the main (event loop) thread and of all other threads together (libuv's pool, where
 * LevelDB reads, writes and fsyncs run, V8's GC helpers, LevelDB's compaction thread), from
 * /proc/self/task (Linux; undefined elsewhere). Clock ticks: 10 ms resolution.
 */
function threadCpu(): { mainMs: number; otherMs: number } | undefined {
  try {
    const tick = 10
    let mainMs = 0
    let otherMs = 0
    for (const tid of readdirSync('/proc/self/task')) {
      let stat: string
      try {
        stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
      } catch {
        continue // the thread ended meanwhile
      }
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const ms = (Number(fields[11]) + Number(fields[12])) * tick
      if (Number(tid) === process.pid) mainMs += ms
      else otherMs += ms
    }
    return { mainMs, otherMs }
  } catch {
    return undefined
  }
}

let lastThreads = threadCpu()
let lastCpu = process.cpuUsage()
let lastElu = performance.eventLoopUtilization()
let lastAt = performance.now()
let session: Session | undefined

async function handle(cmd: string, args: Record<string, unknown>): Promise<unknown> {
  switch (cmd) {
    case 'mem': {
      await collectGarbage()
      return process.memoryUsage()
    }
    case 'usage': {
      const cpu = process.cpuUsage(lastCpu)
      const elu = performance.eventLoopUtilization(lastElu)
      const now = performance.now()
      const threads = threadCpu()
      const value = {
        mainThreadCpuMs: threads && lastThreads ? threads.mainMs - lastThreads.mainMs : undefined,
        otherThreadsCpuMs: threads && lastThreads ? threads.otherMs - lastThreads.otherMs : undefined,
        wallMs: now - lastAt,
        cpuUserMs: cpu.user / 1000,
        cpuSystemMs: cpu.system / 1000,
        eventLoopUtilization: elu.utilization,
        loopDelayP50Ms: delay.percentile(50) / 1e6,
        loopDelayP99Ms: delay.percentile(99) / 1e6,
        loopDelayMaxMs: delay.max / 1e6
      }
      lastCpu = process.cpuUsage()
      lastThreads = threads
      lastElu = performance.eventLoopUtilization()
      lastAt = now
      delay.reset()
      return value
    }
    case 'stats':
      return running.stats()
    case 'profile-start': {
      session = new Session()
      session.connect()
      await session.post('Profiler.enable')
      await session.post('Profiler.setSamplingInterval', { interval: 100 })
      await session.post('Profiler.start')
      return null
    }
    case 'profile-stop': {
      if (session === undefined) throw new Error('no profile running')
      const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[] } }
      session.disconnect()
      session = undefined
      if (typeof args.path === 'string') writeFileSync(args.path, JSON.stringify(profile))
      return topFunctions(profile, typeof args.top === 'number' ? args.top : 25)
    }
    case 'close': {
      await running.close()
      setImmediate(() => process.exit(0))
      return null
    }
    default:
      throw new Error(`unknown command ${cmd}`)
  }
}

process.on('message', (message: { id: number; cmd: string; args?: Record<string, unknown> }) => {
  handle(message.cmd, message.args ?? {}).then(
    (value) => send({ id: message.id, ok: true, value }),
    (error: unknown) => send({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) })
  )
})
process.on('disconnect', () => process.exit(0))
send({ type: 'ready', url: running.url, pid: process.pid })

/**
 * Starts a sync server under test in a child process (sync-server-child.ts) and talks to it over IPC,
 * so the server and the load generator each have a core of their own.
 */

import { fork, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export type ServerKind = 'ours' | 'reference'

export interface MemoryUsage {
  rss: number
  heapTotal: number
  heapUsed: number
  external: number
  arrayBuffers: number
}

export interface ServerUsage {
  wallMs: number
  cpuUserMs: number
  cpuSystemMs: number
  /** Linux only: CPU of the event loop thread, and of every other thread (libuv pool, GC helpers, LevelDB). */
  mainThreadCpuMs?: number
  otherThreadsCpuMs?: number
  eventLoopUtilization: number
  loopDelayP50Ms: number
  loopDelayP99Ms: number
  loopDelayMaxMs: number
}

export interface ProfileSummary {
  totalMs: number
  top: Array<{ name: string; selfMs: number; share: number }>
}

export interface ServerProcess {
  readonly kind: ServerKind
  /** http://127.0.0.1:PORT */
  readonly url: string
  readonly pid: number
  readonly dataDir: string
  memory(): Promise<MemoryUsage>
  usage(): Promise<ServerUsage>
  stats(): Promise<{ docsLoaded: number; connections: number }>
  profileStart(): Promise<void>
  profileStop(path: string): Promise<ProfileSummary>
  /** Graceful close, then the process is gone (killed if it does not exit in time); removes the data dir. */
  stop(): Promise<void>
}

const childPath = new URL('./sync-server-child.ts', import.meta.url).pathname
const tsxLoader = import.meta.resolve('tsx/esm')

/** Servers still running: killed, and their data dirs removed, if this process exits without stopping them. */
const live = new Map<ChildProcess, string>()
process.on('exit', () => {
  for (const [child, dataDir] of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
  }
})

/** `dataRoot`: where the server's data dir is made (default the OS temp dir; e.g. /dev/shm to take the disk out). */
export async function startServerProcess(kind: ServerKind, limits: Record<string, number> = {}, dataRoot: string = tmpdir()): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(dataRoot, `commons-bench-${kind}-`))
  const child: ChildProcess = fork(childPath, [kind, dataDir, JSON.stringify(limits)], {
    execArgv: ['--import', tsxLoader, '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, COMMONS_LOG_LEVEL: process.env.COMMONS_LOG_LEVEL ?? 'warn' }
  })
  live.set(child, dataDir)
  let nextId = 1
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>()
  let exited = false
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true
    for (const { reject } of pending.values()) reject(new Error(`the ${kind} server process exited`))
    pending.clear()
    resolve()
  }))

  const ready = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the ${kind} server did not start within 60 s`)), 60_000)
    child.on('message', (message: { type?: string; id?: number; ok?: boolean; value?: unknown; error?: string; url?: string; pid?: number }) => {
      if (message.type === 'ready') {
        clearTimeout(timer)
        resolve({ url: message.url!, pid: message.pid! })
      } else if (message.type === 'failed') {
        clearTimeout(timer)
        reject(new Error(`the ${kind} server failed to start: ${message.error}`))
      } else if (message.id !== undefined) {
        const waiter = pending.get(message.id)
        pending.delete(message.id)
        if (message.ok) waiter?.resolve(message.value)
        else waiter?.reject(new Error(message.error))
      }
    })
    void exitedPromise.then(() => {
      clearTimeout(timer)
      reject(new Error(`the ${kind} server process exited before it was ready`))
    })
  }).catch((error: unknown) => {
    if (!exited) child.kill('SIGKILL')
    live.delete(child)
    rmSync(dataDir, { recursive: true, force: true })
    throw error
  })

  const request = <T>(cmd: string, args?: Record<string, unknown>): Promise<T> => {
    if (exited) return Promise.reject(new Error(`the ${kind} server process has exited`))
    const id = nextId++
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
      child.send({ id, cmd, args })
    })
  }

  let stopping: Promise<void> | undefined
  const stop = async () => {
    if (!exited) {
      await Promise.race([request('close').catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 15_000))])
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exitedPromise
      clearTimeout(killTimer)
    }
    live.delete(child)
    rmSync(dataDir, { recursive: true, force: true })
  }

  return {
    kind,
    url: ready.url,
    pid: ready.pid,
    dataDir,
    memory: () => request<MemoryUsage>('mem'),
    usage: () => request<ServerUsage>('usage'),
    stats: () => request('stats'),
    profileStart: () => request('profile-start'),
    profileStop: (path) => request<ProfileSummary>('profile-stop', { path, top: 25 }),
    stop: () => (stopping ??= stop())
  }
}

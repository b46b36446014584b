/**
 * Helpers for the sync server's tests (test/integration/sync-server*.test.ts); not used by the server.
 * Servers run on free loopback ports with temp data directories; clients are y-websocket providers
 * (with `disableBc`, so two providers in one process really go through the server) or raw sockets.
 */

import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { newId } from '../../../shared/ids.ts'
import { createLogger, type Logger } from '../../../shared/log.ts'
import { startSyncServer, type SyncServer, type SyncServerLimits } from '../../../sync-server/server.ts'

export const binPath = join(dirname(fileURLToPath(import.meta.url)), '../../../sync-server/bin.mjs')

/** A logger that keeps its lines, for tests that look at what was logged (and print nothing). */
export function memoryLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = []
  return { logger: createLogger({ scope: 'sync-server', level: 'debug', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }), lines }
}

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'commons-sync-test-'))
}

/** Everything made by a test, undone in afterEach with `cleanup()`. */
export class Harness {
  private readonly cleanups: Array<() => Promise<void> | void> = []

  defer(cleanup: () => Promise<void> | void): void {
    this.cleanups.push(cleanup)
  }

  async cleanup(): Promise<void> {
    for (const cleanup of this.cleanups.splice(0).reverse()) {
      try {
        await cleanup()
      } catch {
        // keep cleaning up
      }
    }
  }

  async dataDir(): Promise<string> {
    const dir = await tempDir()
    this.defer(() => rm(dir, { recursive: true, force: true }))
    return dir
  }

  async server(options: { dataDir?: string; limits?: Partial<SyncServerLimits>; registrationSecret?: string; logger?: Logger } = {}): Promise<TestServer> {
    const dataDir = options.dataDir ?? (await this.dataDir())
    const server = await startSyncServer({
      dataDir,
      port: 0,
      limits: options.limits,
      registrationSecret: options.registrationSecret,
      log: options.logger ?? memoryLogger().logger
    })
    this.defer(() => server.close())
    return new TestServer(server, dataDir, this)
  }

  provider(serverUrl: string, room: string, token: string, doc = new Y.Doc(), options: { connect?: boolean } = {}): WebsocketProvider {
    const provider = new WebsocketProvider(syncUrl(serverUrl), room, doc, {
      params: { token },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      connect: options.connect ?? true,
      maxBackoffTime: 300
    })
    this.defer(() => {
      provider.destroy()
      doc.destroy()
    })
    return provider
  }

  /** A websocket that records what it receives and how it closed. */
  async rawClient(serverUrl: string, room: string, token: string): Promise<RawClient> {
    const client = new RawClient(new WebSocket(`${syncUrl(serverUrl)}/${room}?token=${encodeURIComponent(token)}`))
    this.defer(() => client.ws.terminate())
    await client.opened
    return client
  }

  /** Runs `node sync-server/bin.mjs serve ...` and waits for its "listening" line. */
  async spawnServer(dataDir: string, args: string[] = [], port = 0): Promise<ServerProcess> {
    const child = spawn(process.execPath, [binPath, 'serve', '--port', String(port), '--data', dataDir, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, COMMONS_LOG_LEVEL: 'warn' }
    })
    const proc = new ServerProcess(child)
    this.defer(() => proc.kill('SIGKILL'))
    await proc.listening
    return proc
  }
}

export function syncUrl(serverUrl: string): string {
  return serverUrl.replace(/^http/, 'ws') + '/v1/sync'
}

export interface Registration {
  workspaceId: string
  token: string
  tokenId: string
}

export class TestServer {
  constructor(readonly server: SyncServer, readonly dataDir: string, private readonly harness: Harness) {}

  get url(): string {
    return this.server.url
  }

  async register(workspaceId = newId('ws'), secret?: string): Promise<Registration> {
    const response = await api(this.url, 'POST', '/v1/workspaces', { body: { workspaceId, name: 'Acme', ownerName: 'Ann' }, token: secret })
    if (response.status !== 201) throw new Error(`register: ${response.status} ${JSON.stringify(response.body)}`)
    return response.body as Registration
  }

  async invite(workspaceId: string, ownerToken: string, body: object = {}): Promise<string> {
    const response = await api(this.url, 'POST', `/v1/workspaces/${workspaceId}/invites`, { body, token: ownerToken })
    if (response.status !== 201) throw new Error(`invite: ${response.status} ${JSON.stringify(response.body)}`)
    return (response.body as { code: string }).code
  }

  async join(workspaceId: string, code: string, name = 'Bo'): Promise<Registration> {
    const response = await api(this.url, 'POST', `/v1/workspaces/${workspaceId}/join`, { body: { code, name } })
    if (response.status !== 201) throw new Error(`join: ${response.status} ${JSON.stringify(response.body)}`)
    return response.body as Registration
  }

  provider(room: string, token: string, doc?: Y.Doc): WebsocketProvider {
    return this.harness.provider(this.url, room, token, doc)
  }

  rawClient(room: string, token: string): Promise<RawClient> {
    return this.harness.rawClient(this.url, room, token)
  }
}

export async function api(
  serverUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string | undefined; raw?: Uint8Array; headers?: Record<string, string> } = {}
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
  let body: BodyInit | undefined
  if (options.raw !== undefined) body = options.raw as unknown as BodyInit
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(options.body)
  }
  const response = await fetch(serverUrl + path, { method, headers, body })
  const text = await response.text()
  let parsed: unknown = text
  try {
    parsed = text === '' ? undefined : JSON.parse(text)
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed, headers: response.headers }
}

/** The HTTP status (and JSON body) a websocket upgrade gets: 101 when it is accepted. */
export function upgradeStatus(url: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    ws.on('open', () => {
      ws.terminate()
      resolve({ status: 101, body: undefined })
    })
    ws.on('unexpected-response', (_req, res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
      res.on('end', () => {
        ws.terminate()
        let body: unknown = text
        try {
          body = JSON.parse(text)
        } catch {
          // keep text
        }
        resolve({ status: res.statusCode ?? 0, body })
      })
    })
    ws.on('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error)
    })
  })
}

export class RawClient {
  readonly messages: Uint8Array[] = []
  readonly opened: Promise<void>
  readonly closed: Promise<{ code: number; reason: string }>

  constructor(readonly ws: WebSocket) {
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })))
    ws.on('message', (data: Buffer) => this.messages.push(new Uint8Array(data)))
    ws.on('error', () => {})
  }

  send(bytes: Uint8Array | number[]): void {
    this.ws.send(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes))
  }
}

export class ServerProcess {
  readonly listening: Promise<void>
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  url = ''
  port = 0
  stdout = ''
  stderr = ''

  constructor(readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
    this.listening = new Promise((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        this.stdout += chunk.toString('utf8')
        const match = /listening on (http:\/\/\S+)/.exec(this.stdout)
        if (match !== null && this.url === '') {
          this.url = match[1]!
          this.port = Number(new URL(this.url).port)
          resolve()
        }
      })
      child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')))
      void this.exited.then(({ code }) => reject(new Error(`server exited (${code}) before listening: ${this.stderr}`)))
    })
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal)
  }
}

/** Runs `commons-sync <args>` to completion. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [binPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

/** Polls `condition` until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await condition()) return
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

export function whenSynced(provider: WebsocketProvider): Promise<void> {
  if (provider.synced) return Promise.resolve()
  return new Promise((resolve) => {
    const onSync = (synced: boolean) => {
      if (!synced) return
      provider.off('sync', onSync)
      resolve()
    }
    provider.on('sync', onSync)
  })
}

export function roomOf(workspaceId: string, kind = 'channel'): string {
  return `${workspaceId}/${kind}/${newId('ch')}`
}

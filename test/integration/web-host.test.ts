import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import type { HostServices } from '../../electron/host/bridge/hostServices.ts'
import { startWebHost, type WebHost } from '../../electron/webHost/webHost.ts'
import { DocReplica } from '../../renderer/bridge/docReplica.ts'
import { SocketBridge, type SocketLike } from '../../renderer/bridge/socketBridge.ts'
import { BridgeRequestError } from '../../shared/bridge/bridgeRequestError.ts'
import { encodeFrame } from '../../shared/bridge/wireFormat.ts'
import { silentLogger } from '../../shared/log.ts'
import { createChannel, findChannelByName } from '../../shared/operations/channels.ts'
import { operationContext } from '../../shared/operations/context.ts'
import { getFile } from '../../shared/operations/files.ts'

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'commons-web-host-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  return dir
}

async function start(options: { services?: HostServices } = {}): Promise<WebHost> {
  const rendererDir = await tempDir()
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>Commons</title><script type="module" src="./assets/app.js"></script>')
  await mkdir(path.join(rendererDir, 'assets'))
  await writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log("hi")')
  const webHost = await startWebHost({ dataDir: await tempDir(), port: 0, rendererDir, log: silentLogger, ...options })
  cleanups.push(() => webHost.close())
  return webHost
}

const socketUrl = (webHost: WebHost, token = webHost.token) => `ws://127.0.0.1:${webHost.port}/bridge?token=${encodeURIComponent(token)}`

/** A tab: the renderer's websocket client over Node's `ws`, sending the Origin a browser would. */
function tab(webHost: WebHost, sockets: WebSocket[] = []): SocketBridge {
  const bridge = new SocketBridge({
    url: socketUrl(webHost),
    minBackoffMs: 20,
    maxBackoffMs: 100,
    onProblem: (problem) => {
      throw new Error(problem)
    },
    createSocket: (url) => {
      const socket = new WebSocket(url, { origin: webHost.origin })
      sockets.push(socket)
      return socket as unknown as SocketLike
    }
  })
  cleanups.push(() => bridge.close())
  return bridge
}

function replica(bridge: SocketBridge, workspaceId: string, docName: string): DocReplica {
  const made = new DocReplica(bridge, { workspaceId, docName, onError: () => {} })
  cleanups.push(() => made.destroy())
  return made
}

/** How the server answers a websocket upgrade: 101, or the refusal's status. */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers })
    socket.on('open', () => {
      socket.close()
      resolve(101)
    })
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0)
      socket.terminate()
    })
    socket.on('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error)
    })
  })
}

/** A GET with a Host header of our choosing (fetch will not set one). */
function statusWithHost(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path: '/', headers: { host } }, (response) => {
      response.resume()
      resolve(response.statusCode ?? 0)
    })
    request.on('error', reject)
    request.end()
  })
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5))
}

describe('the web host', () => {
  it('serves the renderer on loopback with a strict CSP, and only to its own Host name', async () => {
    const webHost = await start()
    expect(webHost.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{40,}$/)

    const page = await fetch(webHost.url)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toContain('text/html')
    const csp = page.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain(`ws://127.0.0.1:${webHost.port}`)
    expect(page.headers.get('referrer-policy')).toBe('no-referrer')
    expect(await page.text()).toContain('<title>Commons</title>')

    const script = await fetch(`${webHost.origin}/assets/app.js`)
    expect(script.headers.get('content-type')).toContain('text/javascript')
    expect(script.headers.get('content-security-policy')).toBeNull()
    expect((await fetch(`${webHost.origin}/assets/missing.js`)).status).toBe(404)
    expect((await fetch(`${webHost.origin}/%2e%2e/%2e%2e/etc/passwd`)).status).toBe(404)
    expect((await fetch(webHost.origin, { method: 'POST' })).status).toBe(405)
    expect(await statusWithHost(webHost.port, 'rebound.example')).toBe(403)
    expect(await statusWithHost(webHost.port, `localhost:${webHost.port}`)).toBe(200)
  })

  it('refuses the bridge without the token (401) or from another origin (403)', async () => {
    const webHost = await start()
    const own = { origin: webHost.origin }
    expect(await upgradeStatus(`ws://127.0.0.1:${webHost.port}/bridge`, own)).toBe(401)
    expect(await upgradeStatus(socketUrl(webHost, 'wrong'), own)).toBe(401)
    expect(await upgradeStatus(socketUrl(webHost), { origin: 'http://evil.example' })).toBe(403)
    expect(await upgradeStatus(socketUrl(webHost))).toBe(403)
    expect(await upgradeStatus(socketUrl(webHost), { ...own, host: 'rebound.example' })).toBe(403)
    expect(await upgradeStatus(`ws://127.0.0.1:${webHost.port}/elsewhere?token=${webHost.token}`, own)).toBe(404)
    expect(await upgradeStatus(socketUrl(webHost), own)).toBe(101)
    expect(await upgradeStatus(socketUrl(webHost), { origin: `http://localhost:${webHost.port}` })).toBe(101)
    webHost.allowOrigin('http://127.0.0.1:5173')
    expect(await upgradeStatus(socketUrl(webHost), { origin: 'http://127.0.0.1:5173' })).toBe(101)
  })

  it('carries requests, file bytes and binary doc messages over the websocket', async () => {
    const webHost = await start()
    const bridge = tab(webHost)
    const info = await bridge.request('app.info', {})
    expect(info).toMatchObject({ runtime: 'web', deviceId: webHost.host.deviceId })

    const opened = await bridge.request('workspaces.create', { name: 'Acme', userName: 'Ada' })
    const root = replica(bridge, opened.workspaceId, opened.rootDocName)
    await root.synced

    createChannel(root.doc, { name: 'design' }, operationContext(opened.memberId, 'ui'))
    const session = await webHost.host.openWorkspace(opened.workspaceId)
    await until(() => findChannelByName(session.root, 'design') !== undefined)

    const bytes = new Uint8Array(70_000).map((_, index) => index % 251)
    const { fileId } = await bridge.request('files.add', { workspaceId: opened.workspaceId, name: 'data.bin', bytes })
    expect(getFile(session.root, fileId).size).toBe(bytes.byteLength)
    const read = await bridge.request('files.read', { workspaceId: opened.workspaceId, fileId })
    expect(read.bytes).toBeInstanceOf(Uint8Array)
    expect(Buffer.from(read.bytes).equals(Buffer.from(bytes))).toBe(true)
    // The file's metadata reached the replica too.
    await until(() => root.doc.getMap('files').has(fileId))

    const refused = await bridge.request('workspaces.open', { workspaceId: 'nope' }).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(BridgeRequestError)
    expect(refused).toMatchObject({ code: 'invalid-input' })
  })

  it('shows two tabs each other’s changes and presence', async () => {
    const webHost = await start()
    const first = tab(webHost)
    const second = tab(webHost)
    const opened = await first.request('workspaces.create', { name: 'Acme', userName: 'Ada' })
    const a = replica(first, opened.workspaceId, opened.rootDocName)
    const b = replica(second, opened.workspaceId, opened.rootDocName)
    await Promise.all([a.synced, b.synced])

    createChannel(a.doc, { name: 'from-a' }, operationContext(opened.memberId, 'ui'))
    await until(() => findChannelByName(b.doc, 'from-a') !== undefined)
    createChannel(b.doc, { name: 'from-b' }, operationContext(opened.memberId, 'ui'))
    await until(() => findChannelByName(a.doc, 'from-b') !== undefined)

    a.awareness.setLocalStateField('typing', { channelId: 'ch_x', name: 'Ada' })
    await until(() => b.awareness.getStates().get(a.doc.clientID)?.typing !== undefined)
    a.awareness.setLocalStateField('typing', null)
    await until(() => b.awareness.getStates().get(a.doc.clientID)?.typing === null)

    // A tab that closes takes its presence with it.
    first.close()
    await until(() => !b.awareness.getStates().has(a.doc.clientID))
  })

  it('fails waiting requests clearly when the socket drops, then reconnects and resyncs', async () => {
    const never: HostServices = { 'assistant.send': () => new Promise(() => {}) }
    const webHost = await start({ services: never })
    const sockets: WebSocket[] = []
    const bridge = tab(webHost, sockets)
    const states: string[] = []
    bridge.onConnection((state) => states.push(state))
    const opened = await bridge.request('workspaces.create', { name: 'Acme', userName: 'Ada' })
    const root = replica(bridge, opened.workspaceId, opened.rootDocName)
    await root.synced

    const waiting = bridge.request('assistant.send', { sessionId: 'ses_1', text: 'hi' }).catch((error: unknown) => error)
    sockets.at(-1)!.terminate()
    const failure = await waiting
    expect(failure).toBeInstanceOf(BridgeRequestError)
    expect(failure).toMatchObject({ code: 'connection' })
    expect((failure as Error).message).toContain('before it answered assistant.send')

    // Changes made while disconnected reach the Host once the tab is back.
    createChannel(root.doc, { name: 'offline' }, operationContext(opened.memberId, 'ui'))
    const session = await webHost.host.openWorkspace(opened.workspaceId)
    await until(() => findChannelByName(session.root, 'offline') !== undefined)
    expect(states).toEqual(['open', 'closed', 'open'])
    createChannel(session.root, { name: 'from-host' }, session.context)
    await until(() => findChannelByName(root.doc, 'from-host') !== undefined)
  })

  it('closes a connection that sends a malformed frame', async () => {
    const webHost = await start()
    const socket = new WebSocket(socketUrl(webHost), { origin: webHost.origin })
    await new Promise((resolve) => socket.once('open', resolve))
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)))
    socket.send(encodeFrame({ id: 'not a number', name: 'app.info', input: {} }))
    expect(await closed).toBe(1007)
  })
})

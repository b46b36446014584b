import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { BridgeHost } from '../../electron/host/bridge/bridgeServer.ts'
import { eventChannel, IpcConnections, requestChannel, type RendererContents, type SenderFrame } from '../../electron/host/bridge/ipcConnections.ts'
import { Host } from '../../electron/host/host.ts'
import { connectBridge } from '../../renderer/bridge/connectBridge.ts'
import { DocReplica } from '../../renderer/bridge/docReplica.ts'
import { BridgeRequestError } from '../../shared/bridge/bridgeRequestError.ts'
import type { Bridge } from '../../shared/bridge/contract.ts'
import { channelDocName } from '../../shared/docNames.ts'
import { silentLogger } from '../../shared/log.ts'
import { createChannel, findChannelByName } from '../../shared/operations/channels.ts'
import { operationContext } from '../../shared/operations/context.ts'

// The preload and main.ts's IPC handling, end to end, with a stand-in for Electron: invoke and send
// structured-clone their arguments as IPC does, and the preload's `window.commons` lands in `exposed`.
const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  rendererListeners: new Map<string, Array<(event: unknown, ...args: unknown[]) => void>>(),
  invoke: null as null | ((channel: string, ...args: unknown[]) => Promise<unknown>)
}))

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => electron.exposed.set(key, value) },
  ipcRenderer: {
    invoke: (channel: string, ...args: unknown[]) => electron.invoke!(channel, ...args),
    on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => {
      electron.rendererListeners.set(channel, [...(electron.rendererListeners.get(channel) ?? []), listener])
    }
  }
}))

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  delete (globalThis as { commons?: unknown }).commons
})

class FakeContents implements RendererContents {
  readonly id = 7
  readonly #listeners = new Map<string, Array<() => void>>()
  destroyed = false
  send(channel: string, ...args: unknown[]): void {
    const copies = structuredClone(args)
    queueMicrotask(() => {
      for (const listener of electron.rendererListeners.get(channel) ?? []) listener({}, ...copies)
    })
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  on(event: string, listener: () => void): this {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener])
    return this
  }
  emit(event: string): void {
    for (const listener of this.#listeners.get(event) ?? []) listener()
  }
}

async function setUp() {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'commons-bridge-ipc-'))
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }))
  const host = await Host.open({ dataDir, source: 'ui', log: silentLogger, closeUnusedDocsAfterMs: 0 })
  const bridgeHost = new BridgeHost({ host, runtime: 'electron', log: silentLogger })
  const connections = new IpcConnections(bridgeHost, silentLogger)
  cleanups.push(async () => {
    connections.close()
    bridgeHost.close()
    await host.close()
  })
  const contents = new FakeContents()
  const frame: { current: SenderFrame } = { current: { url: 'app://commons/', parent: null } }
  electron.invoke = async (channel, ...args) => {
    expect(channel).toBe(requestChannel)
    const [name, input] = structuredClone(args)
    return structuredClone(await connections.handle(contents, frame.current, name, input))
  }
  await import('../../electron/preload.ts')
  ;(globalThis as { commons?: unknown }).commons = electron.exposed.get('commons')
  return { host, contents, frame, bridge: connectBridge() }
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5))
}

describe('the bridge over Electron IPC', () => {
  it('exposes window.commons, syncs a replica through it, and turns refusals into BridgeRequestErrors', async () => {
    const { host, contents, frame, bridge } = await setUp()
    expect(electron.rendererListeners.has(eventChannel)).toBe(true)
    expect((electron.exposed.get('commons') as { runtime: string }).runtime).toBe('electron')
    expect(Object.isFrozen(electron.exposed.get('commons'))).toBe(true)

    const info = await bridge.request('app.info', {})
    expect(info.runtime).toBe('electron')
    const opened = await bridge.request('workspaces.create', { name: 'Acme', userName: 'Ada' })
    const session = await host.openWorkspace(opened.workspaceId)
    const channel = createChannel(session.root, { name: 'general' }, session.context)

    const root = new DocReplica(bridge, { workspaceId: opened.workspaceId, docName: opened.rootDocName, onError: () => {} })
    const messages = new DocReplica(bridge, { workspaceId: opened.workspaceId, docName: channelDocName(opened.workspaceId, channel.id), onError: () => {} })
    cleanups.push(() => root.destroy(), () => messages.destroy())
    await Promise.all([root.synced, messages.synced])
    createChannel(root.doc, { name: 'design' }, operationContext(opened.memberId, 'ui'))
    await until(() => findChannelByName(session.root, 'design') !== undefined)

    const refused = await bridge.request('workspaces.open', { workspaceId: 'bad' }).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(BridgeRequestError)
    expect(refused).toMatchObject({ code: 'invalid-input' })

    // A reload is a new page: the old page's subscriptions end and their docs are let go.
    const channelDoc = channelDocName(opened.workspaceId, channel.id)
    expect(session.openDocNames).toContain(channelDoc)
    contents.emit('did-navigate')
    await until(() => !session.openDocNames.includes(channelDoc))

    // Only the app's own top-level page may use the bridge.
    frame.current = { url: 'https://evil.example/', parent: null }
    expect(await bridge.request('app.info', {}).catch((error: unknown) => error)).toMatchObject({ code: 'forbidden' })
    frame.current = { url: 'app://commons/', parent: {} }
    expect(await bridge.request('app.info', {}).catch((error: unknown) => error)).toMatchObject({ code: 'forbidden' })
    frame.current = { url: 'app://commons/#/c/x', parent: null }
    expect((await bridge.request('app.info', {})).runtime).toBe('electron')
  })

  it('passes events through the preload only when they match the contract', async () => {
    const { bridge } = await setUp()
    const seen: unknown[] = []
    ;(bridge as Bridge).on('sync.status', (payload) => seen.push(payload))
    const deliver = (frame: unknown) => {
      for (const listener of electron.rendererListeners.get(eventChannel) ?? []) listener({}, frame)
    }
    deliver({ name: 'sync.status', payload: { workspaceId: 'nope', status: 'synced', detail: null } })
    deliver({ name: 'not.an.event', payload: {} })
    const good = { workspaceId: 'ws_aaaaaaaaaaaaaaaaaaaa', status: 'synced', detail: null }
    deliver({ name: 'sync.status', payload: good })
    expect(seen).toEqual([good])
  })
})

import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { BridgeHost } from '../../electron/host/bridge/bridgeServer.ts'
import { connectLocalBridge, type LocalBridge } from '../../electron/host/bridge/localBridge.ts'
import type { HostServices, ServiceEvent } from '../../electron/host/bridge/hostServices.ts'
import { Host } from '../../electron/host/host.ts'
import { DocReplica } from '../../renderer/bridge/docReplica.ts'
import { BridgeRequestError } from '../../shared/bridge/bridgeRequestError.ts'
import { messageSync } from '../../shared/bridge/docMessages.ts'
import { channelDocName } from '../../shared/docNames.ts'
import { newId } from '../../shared/ids.ts'
import { silentLogger } from '../../shared/log.ts'
import { createChannel, findChannelByName, listChannels } from '../../shared/operations/channels.ts'
import { operationContext } from '../../shared/operations/context.ts'
import { postMessage, readMessages } from '../../shared/operations/messages.ts'
import { readWorkspaceMeta } from '../../shared/operations/workspace.ts'
import { startSyncServer } from '../../sync-server/server.ts'

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'commons-bridge-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  return dir
}

async function openHost(dataDir: string, options: { services?: HostServices } = {}) {
  const host = await Host.open({
    dataDir,
    source: 'ui',
    log: silentLogger,
    closeUnusedDocsAfterMs: 0
  })
  const bridgeHost = new BridgeHost({
    host,
    runtime: 'web',
    log: silentLogger,
    ...(options.services ? { services: options.services } : {})
  })
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    bridgeHost.close()
    await host.close()
  }
  cleanups.push(close)
  return { host, bridgeHost, close }
}

function connect(bridgeHost: BridgeHost): LocalBridge {
  const bridge = connectLocalBridge(bridgeHost)
  cleanups.push(() => bridge.close())
  return bridge
}

function replica(bridge: LocalBridge, workspaceId: string, docName: string): DocReplica {
  const made = new DocReplica(bridge, { workspaceId, docName, onError: () => {} })
  cleanups.push(() => made.destroy())
  return made
}

/** Waits until `check` holds, looking again every few milliseconds (the test's own timeout bounds it). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5))
}

async function refusal(promise: Promise<unknown>): Promise<BridgeRequestError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(BridgeRequestError)
    return error as BridgeRequestError
  }
  throw new Error('expected the request to be refused')
}

describe('the bridge server', () => {
  it('creates a workspace, syncs the root doc both ways, and the renderer’s changes persist', async () => {
    const dataDir = await tempDir()
    const first = await openHost(dataDir)
    const bridge = connect(first.bridgeHost)

    const info = await bridge.request('app.info', {})
    expect(info).toMatchObject({ deviceId: first.host.deviceId, runtime: 'web' })
    expect(typeof info.version).toBe('string')

    const opened = await bridge.request('workspaces.create', { name: 'Acme', userName: 'Ada' })
    expect(opened).toMatchObject({ name: 'Acme', hasServer: false, syncStatus: 'offline', rootDocName: `${opened.workspaceId}/root` })
    expect(await bridge.request('workspaces.list', {})).toEqual([{ id: opened.workspaceId, name: 'Acme', memberId: opened.memberId, server: null }])

    const root = replica(bridge, opened.workspaceId, opened.rootDocName)
    await root.synced
    expect(readWorkspaceMeta(root.doc).name).toBe('Acme')

    // The renderer changes its replica with a shared operation; the Host's doc gets it.
    const session = await first.host.openWorkspace(opened.workspaceId)
    createChannel(root.doc, { name: 'design' }, operationContext(opened.memberId, 'ui'))
    await until(() => findChannelByName(session.root, 'design') !== undefined)

    // A change made in the Host reaches the replica.
    createChannel(session.root, { name: 'launch' }, session.context)
    await until(() => findChannelByName(root.doc, 'launch') !== undefined)

    // The renderer's change was stored: a new Host on the same directory has it.
    await session.flush()
    await first.close()
    const second = await openHost(dataDir)
    const reopened = await second.host.openWorkspace(opened.workspaceId)
    expect(listChannels(reopened.root).map((channel) => channel.name).sort()).toEqual(['design', 'launch'])
  })

  it('leases a channel doc while it is subscribed and releases it on unsubscribe and on disconnect', async () => {
    const { host, bridgeHost } = await openHost(await tempDir())
    const bridge = connect(bridgeHost)
    const opened = await bridge.request('workspaces.create', { name: 'Acme', userName: 'Ada' })
    const session = await host.openWorkspace(opened.workspaceId)
    const channel = createChannel(session.root, { name: 'general' }, session.context)
    const docName = channelDocName(opened.workspaceId, channel.id)

    const root = replica(bridge, opened.workspaceId, opened.rootDocName)
    const messages = replica(bridge, opened.workspaceId, docName)
    await Promise.all([root.synced, messages.synced])
    expect(session.openDocNames).toContain(docName)

    postMessage({ root: root.doc, channel: messages.doc }, { channelId: channel.id, text: 'hello from the renderer' }, operationContext(opened.memberId, 'ui'))
    const hostText = await session.withChannel(channel.id, async ({ channel: doc }) => {
      await until(() => readMessages(doc).length === 1)
      return readMessages(doc)[0]?.text
    })
    expect(hostText).toBe('hello from the renderer')

    messages.destroy()
    await until(() => !session.openDocNames.includes(docName))

    // A second connection's subscription ends when it goes away.
    const other = connectLocalBridge(bridgeHost)
    const { subscriptionId } = await other.request('doc.subscribe', { workspaceId: opened.workspaceId, docName })
    expect(subscriptionId).toMatch(/^sub-/)
    expect(session.openDocNames).toContain(docName)
    other.close()
    await until(() => !session.openDocNames.includes(docName))
  })

  it('refuses bad inputs naming the field, unknown requests, and docs of other workspaces', async () => {
    const { bridgeHost } = await openHost(await tempDir())
    const bridge = connect(bridgeHost)
    const opened = await bridge.request('workspaces.create', { name: 'Acme', userName: 'Ada' })

    const badName = await refusal(bridge.request('workspaces.create', { name: 5, userName: 'Ada' } as never))
    expect(badName.code).toBe('invalid-input')
    expect(badName.message).toMatch(/^workspaces\.create: name: /)

    const badId = await refusal(bridge.request('workspaces.open', { workspaceId: 'nope' }))
    expect(badId.code).toBe('invalid-input')
    expect(badId.message).toContain('workspaceId')

    const badBytes = await refusal(bridge.request('doc.send', { subscriptionId: 'x', message: 'not bytes' } as never))
    expect(badBytes.message).toContain('message')

    const unknown = await refusal(bridge.request('files.delete' as never, {} as never))
    expect(unknown).toMatchObject({ code: 'invalid-input' })
    expect(unknown.message).toContain('unknown request "files.delete"')

    const otherWorkspace = await refusal(bridge.request('doc.subscribe', { workspaceId: opened.workspaceId, docName: `${newId('ws')}/root` }))
    expect(otherWorkspace.code).toBe('invalid-input')
    expect(otherWorkspace.message).toContain('docName')

    const notADoc = await refusal(bridge.request('doc.subscribe', { workspaceId: opened.workspaceId, docName: `${opened.workspaceId}/secrets` }))
    expect(notADoc.message).toContain('docName')

    const missingChannel = await refusal(bridge.request('doc.subscribe', { workspaceId: opened.workspaceId, docName: channelDocName(opened.workspaceId, newId('ch')) }))
    expect(missingChannel.code).toBe('not-found')

    const notHere = await refusal(bridge.request('workspaces.open', { workspaceId: newId('ws') }))
    expect(notHere.code).toBe('not-found')

    const { subscriptionId } = await bridge.request('doc.subscribe', { workspaceId: opened.workspaceId, docName: opened.rootDocName })
    const garbage = await refusal(bridge.request('doc.send', { subscriptionId, message: new Uint8Array([messageSync, 2, 200, 1, 2]) }))
    expect(garbage.code).toBe('invalid-input')
    expect(garbage.message).toMatch(/^doc\.send: message: /)
    const unknownType = await refusal(bridge.request('doc.send', { subscriptionId, message: new Uint8Array([9]) }))
    expect(unknownType.message).toContain('unknown doc message type 9')
    const gone = await refusal(bridge.request('doc.send', { subscriptionId: 'sub-gone', message: new Uint8Array([messageSync, 0, 0]) }))
    expect(gone.code).toBe('not-found')
  })

  it('answers service requests through HostServices, stripping what the contract does not name', async () => {
    const none = await openHost(await tempDir())
    const refused = await refusal(connect(none.bridgeHost).request('settings.get', {}))
    expect(refused).toMatchObject({ code: 'config', message: 'settings.get is not available yet' })

    const listeners = new Set<(event: ServiceEvent) => void>()
    const services: HostServices = {
      'workflows.runNow': async ({ workflowId }) => ({ taskId: `task for ${workflowId}`, secret: 'do not send' }) as never,
      'assistant.send': async ({ sessionId }) => {
        for (const listener of listeners) listener({ name: 'assistant.text', payload: { sessionId, text: 'Hel' } })
        return { ok: true }
      },
      onEvent: (listener) => {
        listeners.add(listener)
        return () => listeners.delete(listener)
      }
    }
    const { bridgeHost } = await openHost(await tempDir(), { services })
    const bridge = connect(bridgeHost)
    const output = await bridge.request('workflows.runNow', { workspaceId: newId('ws'), workflowId: 'wf_1' })
    expect(output).toEqual({ taskId: 'task for wf_1' })

    const texts: string[] = []
    bridge.on('assistant.text', ({ text }) => texts.push(text))
    await bridge.request('assistant.send', { sessionId: 'ses_1', text: 'hi' })
    await until(() => texts.length === 1)
    expect(texts).toEqual(['Hel'])

    const bad = await refusal(bridge.request('workflows.runNow', { workspaceId: newId('ws') } as never))
    expect(bad.message).toContain('workflowId')
  })

  it('shares presence between the subscribers of a doc and passes it to other devices through the sync server', async () => {
    const serverDir = await tempDir()
    const server = await startSyncServer({ dataDir: serverDir, port: 0, log: silentLogger })
    cleanups.push(() => server.close())

    const a = await openHost(await tempDir())
    const windowA = connect(a.bridgeHost)
    const tabA = connect(a.bridgeHost)
    const statuses: string[] = []
    windowA.on('sync.status', ({ status }) => statuses.push(status))
    const opened = await windowA.request('workspaces.create', { name: 'Acme', userName: 'Ada', serverUrl: server.url })
    expect(opened.hasServer).toBe(true)
    // The answer carries the status when it was opened; events carry every change after.
    await until(() => (statuses.at(-1) ?? opened.syncStatus) === 'synced')
    const invite = await windowA.request('workspaces.invite', { workspaceId: opened.workspaceId })

    const b = await openHost(await tempDir())
    const windowB = connect(b.bridgeHost)
    const joined = await windowB.request('workspaces.join', { invite: invite.invite, userName: 'Grace' })
    expect(joined.workspaceId).toBe(opened.workspaceId)

    const rootA = replica(windowA, opened.workspaceId, opened.rootDocName)
    const rootA2 = replica(tabA, opened.workspaceId, opened.rootDocName)
    const rootB = replica(windowB, joined.workspaceId, joined.rootDocName)
    await Promise.all([rootA.synced, rootA2.synced, rootB.synced])

    const userOf = (state: Record<string, unknown> | undefined) => (state?.user as { name?: string } | undefined)?.name
    const names = (replicaOf: DocReplica) => [...replicaOf.awareness.getStates().values()].map(userOf).filter((name) => name !== undefined).sort()

    rootA.awareness.setLocalStateField('user', { name: 'Ada' })
    rootB.awareness.setLocalStateField('user', { name: 'Grace' })
    // Another window on the same device, and the other device through the server.
    await until(() => names(rootA2).join() === 'Ada,Grace')
    await until(() => names(rootB).join() === 'Ada,Grace')
    await until(() => names(rootA).join() === 'Ada,Grace')

    // A change in one device's replica reaches the other device's replica.
    createChannel(rootA.doc, { name: 'design' }, operationContext(opened.memberId, 'ui'))
    await until(() => findChannelByName(rootB.doc, 'design') !== undefined)

    // Leaving takes the presence away everywhere.
    rootA.destroy()
    await until(() => names(rootB).join() === 'Grace')
    await until(() => names(rootA2).join() === 'Grace')
  })
})

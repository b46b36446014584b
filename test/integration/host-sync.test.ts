import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { downloadBlob, hasBlob, sha256Hex, uploadBlob } from '../../electron/host/sync/blobClient.ts'
import { SyncServerError } from '../../electron/host/sync/httpError.ts'
import { createInvite, joinWithInvite, listTokens, registerWorkspace, revokeToken } from '../../electron/host/sync/serverApi.ts'
import { SyncAccessDeniedError, SyncTimeoutError, WorkspaceSync, type SyncStatus } from '../../electron/host/sync/workspaceSync.ts'
import { newId } from '../../shared/ids.ts'
import { startSyncServer, type SyncServer } from '../../sync-server/server.ts'

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'commons-host-sync-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  return dir
}

async function startServer(dataDir: string, port = 0): Promise<SyncServer> {
  const server = await startSyncServer({ dataDir, port })
  cleanups.push(() => server.close())
  return server
}

async function workspaceOn(server: SyncServer) {
  const workspaceId = newId('ws')
  const owner = await registerWorkspace(server.url, { workspaceId, name: 'Design', ownerName: 'Ada' })
  return { workspaceId, token: owner.token, tokenId: owner.tokenId }
}

function makeSync(serverUrl: string, token: string, workspaceId: string): WorkspaceSync {
  const sync = new WorkspaceSync({ serverUrl, token, workspaceId, maxBackoffMs: 300 })
  cleanups.push(() => sync.destroy())
  return sync
}

/** Records every status the sync reports, and lets a test wait for one. */
function watch(sync: WorkspaceSync) {
  const seen: SyncStatus[] = [sync.status]
  const waiters: Array<() => void> = []
  sync.on('status', (status) => {
    seen.push(status)
    for (const waiter of waiters.splice(0)) waiter()
  })
  const until = async (status: SyncStatus): Promise<void> => {
    while (sync.status !== status) await new Promise<void>((resolve) => waiters.push(resolve))
  }
  return { seen, until }
}

/** Resolves once `check` holds for `doc`, checked after each of its updates. */
function whenDoc(doc: Y.Doc, check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const test = () => {
      if (!check()) return
      doc.off('update', test)
      resolve()
    }
    doc.on('update', test)
    test()
  })
}

const texts = (doc: Y.Doc) => doc.getArray<string>('items').toArray().slice().sort()

describe('WorkspaceSync against the sync server', () => {
  it('converges two devices editing separate Y.Docs', async () => {
    const server = await startServer(await tempDir())
    const { workspaceId, token } = await workspaceOn(server)
    const root = `${workspaceId}/root`
    const channel = `${workspaceId}/channel/${newId('ch')}`
    const [docA, docB, chanA, chanB] = [new Y.Doc(), new Y.Doc(), new Y.Doc(), new Y.Doc()]
    docA.getArray('items').push(['from A before connecting'])
    const a = makeSync(server.url, token, workspaceId)
    const b = makeSync(server.url, token, workspaceId)
    a.attach(root, docA)
    a.attach(channel, chanA)
    b.attach(root, docB)
    b.attach(channel, chanB)
    docB.getArray('items').push(['from B'])
    chanA.getText('body').insert(0, 'hello')
    await Promise.all([a.waitForAgreement(), b.waitForAgreement()])
    expect(a.status).toBe('synced')
    await whenDoc(docA, () => texts(docA).length === 2)
    await whenDoc(docB, () => texts(docB).length === 2)
    await whenDoc(chanB, () => chanB.getText('body').toString() === 'hello')
    expect(texts(docA)).toEqual(['from A before connecting', 'from B'])
    expect(texts(docB)).toEqual(texts(docA))
  })

  it('syncs many docs of one workspace without leaking process listeners', async () => {
    const server = await startServer(await tempDir())
    const { workspaceId, token } = await workspaceOn(server)
    const warnings: Error[] = []
    const onWarning = (warning: Error) => warnings.push(warning)
    process.on('warning', onWarning)
    cleanups.push(() => process.off('warning', onWarning))
    const exitListeners = process.listenerCount('exit')
    const sync = makeSync(server.url, token, workspaceId)
    const docs = Array.from({ length: 25 }, () => new Y.Doc())
    docs.forEach((doc, i) => {
      doc.getMap('m').set('i', i)
      sync.attach(`${workspaceId}/channel/${newId('ch')}`, doc)
    })
    await sync.waitForAgreement()
    expect(sync.status).toBe('synced')
    expect(process.listenerCount('exit')).toBe(exitListeners)
    for (const name of sync.names.slice(0, 5)) sync.detach(name)
    expect(sync.names).toHaveLength(20)
    await sync.waitForAgreement()
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([])
  })

  it('goes offline, connecting, syncing, synced; offline when the server stops; synced again after a restart, merging offline edits', async () => {
    const dataDir = await tempDir()
    let server = await startServer(dataDir)
    const { workspaceId, token } = await workspaceOn(server)
    const root = `${workspaceId}/root`
    const docA = new Y.Doc()
    const docB = new Y.Doc()
    const a = makeSync(server.url, token, workspaceId)
    const b = makeSync(server.url, token, workspaceId)
    const watchA = watch(a)
    const watchB = watch(b)
    expect(a.status).toBe('offline')
    a.attach(root, docA)
    b.attach(root, docB)
    await watchA.until('synced')
    expect(watchA.seen).toEqual(['offline', 'connecting', 'syncing', 'synced'])
    docA.getArray('items').push(['online'])
    await a.waitForAgreement()
    await watchB.until('synced')
    await whenDoc(docB, () => texts(docB).includes('online'))

    await server.close()
    await Promise.all([watchA.until('offline'), watchB.until('offline')])
    expect(a.detail).toMatch(/cannot reach the sync server .*retrying/)
    docA.getArray('items').push(['offline A'])
    docB.getArray('items').push(['offline B'])

    server = await startServer(dataDir, server.port)
    await Promise.all([watchA.until('synced'), watchB.until('synced')])
    await Promise.all([a.waitForAgreement(), b.waitForAgreement()])
    const all = ['offline A', 'offline B', 'online']
    await whenDoc(docA, () => texts(docA).length === 3)
    await whenDoc(docB, () => texts(docB).length === 3)
    expect(texts(docA)).toEqual(all)
    expect(texts(docB)).toEqual(all)
    expect(watchA.seen.slice(0, 5)).toEqual(['offline', 'connecting', 'syncing', 'synced', 'offline'])
    expect(watchA.seen.at(-1)).toBe('synced')
  })

  it('stores what waitForAgreement confirmed, for a device that connects later', async () => {
    const dataDir = await tempDir()
    let server = await startServer(dataDir)
    const { workspaceId, token } = await workspaceOn(server)
    const root = `${workspaceId}/root`
    const doc = new Y.Doc()
    const a = makeSync(server.url, token, workspaceId)
    a.attach(root, doc)
    for (let i = 0; i < 50; i++) doc.getArray('items').push([`item ${i}`])
    await a.waitForAgreement()
    a.destroy()
    await server.close()

    server = await startServer(dataDir)
    const later = new Y.Doc()
    const c = makeSync(server.url, token, workspaceId)
    c.attach(root, later)
    await c.waitForAgreement()
    expect(later.getArray('items').length).toBe(50)
  })

  it('times out waitForAgreement with a clear error when the server is down', async () => {
    const server = await startServer(await tempDir())
    const { workspaceId, token } = await workspaceOn(server)
    const url = server.url
    await server.close()
    const sync = makeSync(url, token, workspaceId)
    sync.attach(`${workspaceId}/root`, new Y.Doc())
    const waiting = sync.waitForAgreement({ timeoutMs: 300 })
    await expect(waiting).rejects.toBeInstanceOf(SyncTimeoutError)
    await expect(waiting).rejects.toThrow(
      new RegExp(`timed out after 300 ms waiting for the sync server at ${url} to confirm workspace ${workspaceId}: ${workspaceId}/root is (offline|connecting)`)
    )
    await expect(waiting).rejects.toMatchObject({ code: 'connection', hint: expect.stringMatching(/check that the server is running and reachable/) })
  })

  it('reports access-denied for an unknown token and for a token of another workspace, and stops retrying', async () => {
    const server = await startServer(await tempDir())
    const { workspaceId } = await workspaceOn(server)
    const other = await workspaceOn(server)

    const wrong = makeSync(server.url, 'cst_aaaaaaaaaaaaaaaa.not-a-real-secret', workspaceId)
    const watched = watch(wrong)
    const statuses: Array<[SyncStatus, string | undefined]> = []
    wrong.on('status', (status, detail) => statuses.push([status, detail]))
    wrong.attach(`${workspaceId}/root`, new Y.Doc())
    await watched.until('access-denied')
    expect(statuses.at(-1)?.[1]).toBe(
      `this device's token for workspace ${workspaceId} was revoked or is invalid (the server answered 401); ask an owner for a new invite`
    )
    await expect(wrong.waitForAgreement({ timeoutMs: 10_000 })).rejects.toBeInstanceOf(SyncAccessDeniedError)
    await expect(wrong.waitForAgreement({ timeoutMs: 10_000 })).rejects.toMatchObject({ code: 'access', message: expect.stringMatching(/ask an owner for a new invite/) })

    const foreign = makeSync(server.url, other.token, workspaceId)
    const watchedForeign = watch(foreign)
    foreign.attach(`${workspaceId}/root`, new Y.Doc())
    await watchedForeign.until('access-denied')
    expect(foreign.detail).toMatch(/belongs to another workspace \(the server answered 403\)/)
  })

  it('reports access-denied when an owner revokes a member token while it is connected', async () => {
    const server = await startServer(await tempDir())
    const owner = await workspaceOn(server)
    const invite = await createInvite(server.url, owner.token, owner.workspaceId, { maxUses: 1 })
    const member = await joinWithInvite(server.url, owner.workspaceId, { code: invite.code, name: 'Grace' })
    expect(member.role).toBe('member')
    expect(member.workspaceName).toBe('Design')

    const sync = makeSync(server.url, member.token, owner.workspaceId)
    const watched = watch(sync)
    const doc = new Y.Doc()
    sync.attach(`${owner.workspaceId}/root`, doc)
    await sync.waitForAgreement()

    const revoked = await revokeToken(server.url, owner.token, owner.workspaceId, member.tokenId)
    expect(revoked.closedConnections).toBe(1)
    await watched.until('access-denied')
    expect(sync.detail).toBe(`this device's token for workspace ${owner.workspaceId} was revoked; ask an owner for a new invite`)
    const tokens = await listTokens(server.url, owner.token, owner.workspaceId)
    expect(tokens.find((token) => token.tokenId === member.tokenId)?.revokedAt).toEqual(expect.any(String))
    expect(tokens.find((token) => token.tokenId === owner.tokenId)?.role).toBe('owner')

    // The used-up invite and the revoked token are refused with the server's reasons.
    const rejoin = joinWithInvite(server.url, owner.workspaceId, { code: invite.code, name: 'Grace' })
    await expect(rejoin).rejects.toBeInstanceOf(SyncServerError)
    await expect(rejoin).rejects.toMatchObject({ status: 401, code: 'access', hint: expect.any(String) })
    await expect(listTokens(server.url, member.token, owner.workspaceId)).rejects.toMatchObject({ status: 401 })
  })

  it('round-trips a blob', async () => {
    const server = await startServer(await tempDir())
    const { workspaceId, token } = await workspaceOn(server)
    const bytes = new TextEncoder().encode('the quarterly report, as a file')
    const sha = sha256Hex(bytes)
    expect(await hasBlob(server.url, token, workspaceId, sha)).toBe(false)
    expect(await uploadBlob(server.url, token, workspaceId, sha, bytes)).toBe('stored')
    expect(await uploadBlob(server.url, token, workspaceId, sha, bytes)).toBe('already-there')
    expect(await hasBlob(server.url, token, workspaceId, sha)).toBe(true)
    expect(await downloadBlob(server.url, token, workspaceId, sha)).toEqual(bytes)

    const missing = sha256Hex(new Uint8Array([1, 2, 3]))
    await expect(downloadBlob(server.url, token, workspaceId, missing)).rejects.toMatchObject({ status: 404, code: 'not-found' })
    await expect(uploadBlob(server.url, token, workspaceId, missing, bytes)).rejects.toThrow(/the bytes hash to .*not /)
    const denied = downloadBlob(server.url, 'cst_aaaaaaaaaaaaaaaa.nope', workspaceId, sha)
    await expect(denied).rejects.toMatchObject({ status: 401 })
    await expect(denied).rejects.toThrow(/could not download blob .* of workspace .*: the sync server answered 401/)
  })

  it('explains a server that cannot be reached and a workspace id that is taken', async () => {
    const server = await startServer(await tempDir())
    const { workspaceId } = await workspaceOn(server)
    const taken = registerWorkspace(server.url, { workspaceId, name: 'Again', ownerName: 'Eve' })
    await expect(taken).rejects.toMatchObject({ status: 409, code: 'conflict' })
    const url = server.url
    await server.close()
    const unreachable = registerWorkspace(url, { workspaceId: newId('ws'), name: 'X', ownerName: 'Y' })
    await expect(unreachable).rejects.toMatchObject({ status: 0, code: 'connection', hint: `check that the sync server at ${url} is running and reachable` })
    await expect(unreachable).rejects.toThrow(/could not register workspace ws_\w+: the sync server could not be reached \(.*ECONNREFUSED/)
  })
})

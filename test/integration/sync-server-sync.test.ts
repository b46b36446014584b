import { afterEach, describe, expect, it } from 'vitest'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { Harness, roomOf, waitFor, whenSynced } from './helpers/syncServerHarness.ts'

const harness = new Harness()
afterEach(() => harness.cleanup())

function syncStep1(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 0)
  encoding.writeVarUint(encoder, 0)
  encoding.writeVarUint8Array(encoder, Y.encodeStateVector(doc))
  return encoding.toUint8Array(encoder)
}

function syncUpdate(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 0)
  encoding.writeVarUint(encoder, 2)
  encoding.writeVarUint8Array(encoder, update)
  return encoding.toUint8Array(encoder)
}

/** [message type, sync type] of a message from the server. */
function kindOf(message: Uint8Array): [number, number | undefined] {
  const decoder = decoding.createDecoder(message)
  const type = decoding.readVarUint(decoder)
  return [type, type === 0 ? decoding.readVarUint(decoder) : undefined]
}

describe('sync server: syncing docs', () => {
  it('two y-websocket providers converge through the server, and awareness propagates', async () => {
    const server = await harness.server()
    const { workspaceId, token } = await server.register()
    const room = roomOf(workspaceId)
    const a = server.provider(room, token)
    const b = server.provider(room, token)
    await Promise.all([whenSynced(a), whenSynced(b)])

    a.doc.getText('t').insert(0, 'hello from a')
    b.doc.getMap('m').set('from', 'b')
    await waitFor(() => b.doc.getText('t').toString() === 'hello from a' && a.doc.getMap('m').get('from') === 'b', 'both edits on both sides')

    a.awareness.setLocalStateField('user', { name: 'Ann' })
    await waitFor(() => b.awareness.getStates().get(a.doc.clientID)?.user?.name === 'Ann', "a's awareness at b")
    // A third provider joining later hears the awareness already there.
    const c = server.provider(room, token)
    await whenSynced(c)
    await waitFor(() => c.awareness.getStates().get(a.doc.clientID)?.user?.name === 'Ann', "a's awareness at c")
    expect(c.doc.getText('t').toString()).toBe('hello from a')

    // When a leaves, the others see its awareness go.
    a.disconnect()
    await waitFor(() => !b.awareness.getStates().has(a.doc.clientID), "a's awareness removed at b")
  })

  it('keeps rooms apart', async () => {
    const server = await harness.server()
    const { workspaceId, token } = await server.register()
    const a = server.provider(roomOf(workspaceId), token)
    const b = server.provider(roomOf(workspaceId), token)
    await Promise.all([whenSynced(a), whenSynced(b)])
    a.doc.getText('t').insert(0, 'only in room a')
    const probe = server.provider(a.roomname, token)
    await waitFor(() => probe.doc.getText('t').toString() === 'only in room a', 'probe synced with room a')
    expect(b.doc.getText('t').toString()).toBe('')
  })

  it('serves stored state to a late joiner after a restart (loaded before the first reply)', async () => {
    const dataDir = await harness.dataDir()
    const first = await harness.server({ dataDir })
    const { workspaceId, token } = await first.register()
    const room = roomOf(workspaceId, 'deliverable')
    const writer = first.provider(room, token)
    await whenSynced(writer)
    for (let i = 0; i < 50; i++) writer.doc.getArray<number>('a').push([i])
    writer.doc.getText('t').insert(0, 'persisted')
    // The write barrier: a step 1 is answered only once all earlier updates are stored.
    const probe = await first.rawClient(room, token)
    probe.send(syncStep1(new Y.Doc()))
    await waitFor(() => probe.messages.some((m) => kindOf(m)[1] === 1), 'step 2 for the probe')
    writer.destroy()
    await first.server.close()

    const second = await harness.server({ dataDir })
    const late = new Y.Doc()
    // The very first step 2 the late joiner gets already holds the stored state.
    let firstStep2: string | undefined
    const provider = second.provider(room, token, late)
    provider.on('sync', (synced: boolean) => {
      if (synced && firstStep2 === undefined) firstStep2 = late.getText('t').toString()
    })
    await whenSynced(provider)
    expect(firstStep2).toBe('persisted')
    expect(late.getArray('a').toArray()).toEqual([...Array(50).keys()])
  })

  it('answers a sync step 1 only after every earlier update of the room is stored (write barrier)', async () => {
    const dataDir = await harness.dataDir()
    const first = await harness.server({ dataDir })
    const { workspaceId, token } = await first.register()
    const room = roomOf(workspaceId)
    const client = await first.rawClient(room, token)
    const doc = new Y.Doc()
    const updates: Uint8Array[] = []
    doc.on('update', (update: Uint8Array) => updates.push(update))
    for (let i = 0; i < 200; i++) doc.getMap('m').set(`k${i}`, i)
    for (const update of updates) client.send(syncUpdate(update))
    client.send(syncStep1(doc))
    await waitFor(() => client.messages.some((m) => kindOf(m)[1] === 1), 'step 2')
    // What the server acknowledged is on disk: a server started on a copy-free reopen sees it all.
    await first.server.close()
    const second = await harness.server({ dataDir })
    const fresh = second.provider(room, token)
    await whenSynced(fresh)
    expect(fresh.doc.getMap('m').size).toBe(200)
  })

  it('evicts an idle doc after writing it and loads it again on the next connection', async () => {
    const server = await harness.server({ limits: { evictAfterSeconds: 0.2 } })
    const { workspaceId, token } = await server.register()
    const room = roomOf(workspaceId)
    const a = server.provider(room, token)
    await whenSynced(a)
    a.doc.getText('t').insert(0, 'before eviction')
    await waitFor(async () => (await health(server.url)).docsLoaded === 1, 'doc loaded')
    a.destroy()
    await waitFor(async () => (await health(server.url)).docsLoaded === 0, 'doc evicted')
    const b = server.provider(room, token)
    await whenSynced(b)
    expect(b.doc.getText('t').toString()).toBe('before eviction')
  })
})

async function health(url: string): Promise<{ docsLoaded: number; connections: number }> {
  return (await (await fetch(url + '/healthz')).json()) as { docsLoaded: number; connections: number }
}

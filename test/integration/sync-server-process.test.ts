import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as Y from 'yjs'
import { api, Harness, roomOf, waitFor, whenSynced, type RawClient, type Registration } from './helpers/syncServerHarness.ts'
import { newId } from '../../shared/ids.ts'

const harness = new Harness()
afterEach(() => harness.cleanup())

async function register(url: string): Promise<Registration> {
  const response = await api(url, 'POST', '/v1/workspaces', { body: { workspaceId: newId('ws'), name: 'Acme', ownerName: 'Ann' } })
  expect(response.status).toBe(201)
  return response.body as Registration
}

/** Sends a sync step 1 and waits for the step 2: by the write barrier, everything the server got before is then on disk. */
async function barrier(client: RawClient): Promise<void> {
  const before = client.messages.length
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 0)
  encoding.writeVarUint(encoder, 0)
  encoding.writeVarUint8Array(encoder, Y.encodeStateVector(new Y.Doc()))
  client.send(encoding.toUint8Array(encoder))
  await waitFor(() => client.messages.slice(before).some((m) => {
    const decoder = decoding.createDecoder(m)
    return decoding.readVarUint(decoder) === 0 && decoding.readVarUint(decoder) === 1
  }), 'the step 2 answer')
}

describe('sync server process: durability and shutdown', () => {
  it('loses nothing on kill -9: the client heals the server tail on reconnect', async () => {
    const dataDir = await harness.dataDir()
    const first = await harness.spawnServer(dataDir)
    const { workspaceId, token } = await register(first.url)
    const room = roomOf(workspaceId)
    const writer = harness.provider(first.url, room, token)
    await whenSynced(writer)

    const total = 1500
    const items = writer.doc.getArray<number>('items')
    for (let i = 0; i < total; i++) {
      items.push([i])
      // Yield now and then so updates really stream to the server while it is killed.
      if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve))
      if (i === total / 2) first.kill('SIGKILL')
    }
    await first.exited
    writer.doc.getText('after').insert(0, 'written while the server was down')

    // Same port, so the provider reconnects on its own and its sync handshake heals the tail.
    const second = await harness.spawnServer(dataDir, [], first.port)
    await waitFor(() => writer.synced, 'the writer to reconnect and sync', 30_000)
    const fresh = harness.provider(second.url, room, token)
    await waitFor(() => fresh.doc.getArray('items').length === total && fresh.doc.getText('after').length > 0, 'a fresh client to see everything', 30_000)
    expect(fresh.doc.getArray('items').toArray()).toEqual([...Array(total).keys()])

    // And it is on disk: past the barrier, kill -9 again, with the writer gone; a fresh client still sees it all.
    const probe = await harness.rawClient(second.url, room, token)
    await barrier(probe)
    writer.destroy()
    second.kill('SIGKILL')
    await second.exited
    const third = await harness.spawnServer(dataDir)
    const last = harness.provider(third.url, room, token)
    await whenSynced(last)
    expect(last.doc.getArray('items').length).toBe(total)
    expect(last.doc.getText('after').toString()).toBe('written while the server was down')
  })

  it('flushes everything on SIGTERM, closes clients with 1001 and exits 0', async () => {
    const dataDir = await harness.dataDir()
    const server = await harness.spawnServer(dataDir)
    expect(existsSync(join(dataDir, 'server.json'))).toBe(true)
    const { workspaceId, token } = await register(server.url)
    const room = roomOf(workspaceId)
    const writer = harness.provider(server.url, room, token)
    const observer = harness.provider(server.url, room, token)
    await Promise.all([whenSynced(writer), whenSynced(observer)])
    const watcher = await harness.rawClient(server.url, room, token)

    const total = 500
    for (let i = 0; i < total; i++) writer.doc.getMap('m').set(`k${i}`, i)
    // Relayed means applied in memory; not necessarily written yet.
    await waitFor(() => observer.doc.getMap('m').size === total, 'the observer to get every update')
    server.kill('SIGTERM')
    // No healing from these clients: they are gone before the restart.
    writer.destroy()
    observer.destroy()
    expect(await server.exited).toEqual({ code: 0, signal: null })
    expect((await watcher.closed).code).toBe(1001)
    expect(server.stdout).toMatch(/stopped/)
    expect(existsSync(join(dataDir, 'server.json'))).toBe(false)

    const restarted = await harness.spawnServer(dataDir)
    const fresh = harness.provider(restarted.url, room, token)
    await whenSynced(fresh)
    expect(fresh.doc.getMap('m').size).toBe(total)
  })

  it('refuses to start a second server on the same data directory', async () => {
    const dataDir = await harness.dataDir()
    await harness.spawnServer(dataDir)
    const second = harness.spawnServer(dataDir)
    await expect(second).rejects.toThrow(/exited \(3\)[\s\S]*another server runs on this data directory/)
  })
})

import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createLogger } from '../../shared/log.ts'
import { LogSyncer } from '../../sync-server/log-syncer.ts'
import { decodeClientMessage } from '../../sync-server/protocol.ts'
import { Room, type RoomPeer } from '../../sync-server/room.ts'
import { RoomWriter } from '../../sync-server/room-writer.ts'
import { createSyncMetrics } from '../../sync-server/sync-metrics.ts'
import type { StoredLog, UpdateLog } from '../../sync-server/update-log.ts'

/** An update log in memory whose writes can be held back or made to fail. */
class FakeLog implements UpdateLog {
  entries = new Map<number, Uint8Array>()
  appends: number[][] = []
  compactions: Array<{ deleteFrom: number; mergedSeq: number }> = []
  syncs = 0
  failWith: Error | undefined
  syncFailWith: Error | undefined
  private gate: Promise<void> | undefined
  private openGate: (() => void) | undefined

  hold(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve))
  }

  release(): void {
    this.openGate?.()
    this.gate = undefined
  }

  async load(): Promise<StoredLog> {
    const seqs = [...this.entries.keys()].sort((a, b) => a - b)
    return { updates: seqs.map((seq) => this.entries.get(seq)!), firstSeq: seqs[0] ?? 0, nextSeq: (seqs.at(-1) ?? -1) + 1, bytes: 0 }
  }

  async append(_room: string, firstSeq: number, updates: readonly Uint8Array[]): Promise<void> {
    await this.gate
    if (this.failWith !== undefined) throw this.failWith
    this.appends.push(updates.map((_, i) => firstSeq + i))
    updates.forEach((update, i) => this.entries.set(firstSeq + i, update))
  }

  async compact(_room: string, merged: Uint8Array, deleteFrom: number, mergedSeq: number): Promise<void> {
    await this.gate
    if (this.failWith !== undefined) throw this.failWith
    this.compactions.push({ deleteFrom, mergedSeq })
    for (let seq = deleteFrom; seq < mergedSeq; seq++) this.entries.delete(seq)
    this.entries.set(mergedSeq, merged)
  }

  async sync(): Promise<void> {
    await this.gate
    if (this.syncFailWith !== undefined) throw this.syncFailWith
    this.syncs += 1
  }
}

function setup(options: { compactAfterEntries?: number } = {}) {
  const log = new FakeLog()
  const lines: string[] = []
  const logger = createLogger({ scope: 'test', level: 'debug', write: (line) => lines.push(line) })
  const metrics = createSyncMetrics({ connections: () => 0, roomsLoaded: () => 0, roomsFailingWrites: () => 0, uptimeSeconds: () => 0 })
  const doc = new Y.Doc()
  const syncer = new LogSyncer({ sync: () => log.sync(), metrics, logger, intervalMs: 0, retryDelaysMs: [5] })
  const writer = new RoomWriter('ws_aaaaaaaaaaaaaaaaaaaa/channel/x', { firstSeq: 0, nextSeq: 0, bytes: 0 }, {
    log,
    syncer,
    metrics,
    logger,
    snapshot: () => Y.encodeStateAsUpdate(doc),
    retryDelaysMs: [5],
    ...options
  })
  return { log, lines, metrics, doc, writer, syncer }
}

function updateOf(change: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc()
  let update: Uint8Array = new Uint8Array()
  doc.on('update', (u: Uint8Array) => (update = u))
  change(doc)
  return update
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 1))

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await tick()
  expect(condition()).toBe(true)
}

class FakePeer implements RoomPeer {
  isOpen = true
  sent: Uint8Array[] = []
  send(message: Uint8Array): void {
    this.sent.push(message)
  }
  /** [message type, sync type] of each message sent to this peer. */
  kinds(): string[] {
    return this.sent.map((m) => `${m[0]}:${m[0] === 0 ? m[1] : ''}`)
  }
}

describe('RoomWriter', () => {
  it('batches the updates of one turn into one write, in order', async () => {
    const { log, writer } = setup()
    for (let i = 0; i < 5; i++) writer.enqueue(new Uint8Array([i]))
    expect(writer.whenStored()).toBeInstanceOf(Promise)
    await writer.whenStored()
    expect(log.appends).toEqual([[0, 1, 2, 3, 4]])
    expect(writer.stored).toBe(5)
    expect(writer.whenStored()).toBeUndefined()
  })

  it('holds the barrier until the write is done, and queues what arrives meanwhile into the next batch', async () => {
    const { log, writer } = setup()
    log.hold()
    writer.enqueue(new Uint8Array([1]))
    const first = writer.whenStored()!
    let firstDone = false
    void first.then(() => (firstDone = true))
    await tick()
    writer.enqueue(new Uint8Array([2]))
    writer.enqueue(new Uint8Array([3]))
    const second = writer.whenStored()!
    await tick()
    expect(firstDone).toBe(false)
    log.release()
    await first
    await second
    expect(log.appends).toEqual([[0], [1, 2]])
  })

  it('surfaces a failed write (log, metric, failing) and stops acknowledging until a retry succeeds', async () => {
    const { log, lines, metrics, writer } = setup()
    log.failWith = new Error('disk full')
    writer.enqueue(new Uint8Array([1]))
    let acknowledged = false
    void writer.whenStored()!.then(() => (acknowledged = true))
    await until(() => metrics.persistFailures.get() >= 2)
    expect(writer.failing).toBe(true)
    expect(acknowledged).toBe(false)
    const errorLine = lines.map((line) => JSON.parse(line) as { level: string; msg: string; error?: { message: string } }).find((line) => line.level === 'error')
    expect(errorLine?.error?.message).toBe('disk full')
    expect(errorLine?.msg).toMatch(/stops acknowledging/)

    log.failWith = undefined
    await until(() => acknowledged)
    expect(writer.failing).toBe(false)
    expect([...log.entries.keys()]).toEqual([0])
  })

  it('compacts the log into one merged update once it grows long', async () => {
    const { log, doc, writer } = setup({ compactAfterEntries: 3 })
    for (let i = 0; i < 5; i++) {
      const update = updateOf((d) => d.getMap('m').set(`k${i}`, i))
      Y.applyUpdate(doc, update)
      writer.enqueue(update)
      await writer.whenStored()
    }
    expect(log.compactions.length).toBeGreaterThan(0)
    expect(writer.entries).toBeLessThanOrEqual(3)
    const restored = new Y.Doc()
    for (const update of (await log.load()).updates) Y.applyUpdate(restored, update)
    expect(restored.getMap('m').toJSON()).toEqual({ k0: 0, k1: 1, k2: 2, k3: 3, k4: 4 })
  })

  it('flush({ compact }) leaves one entry', async () => {
    const { log, doc, writer } = setup()
    for (let i = 0; i < 4; i++) {
      const update = updateOf((d) => d.getText('t').insert(0, String(i)))
      Y.applyUpdate(doc, update)
      writer.enqueue(update)
    }
    await writer.flush({ compact: true })
    expect(log.entries.size).toBe(1)
    expect(writer.idle).toBe(true)
  })
})

describe('LogSyncer', () => {
  it('coalesces the fsyncs asked for while one runs into one more', async () => {
    const { log, syncer } = setup()
    log.hold()
    syncer.noteWrite()
    const first = syncer.whenSynced(1)!
    await tick()
    const later = [2, 3, 4].map((epoch) => {
      syncer.noteWrite()
      return syncer.whenSynced(epoch)!
    })
    log.release()
    await Promise.all([first, ...later])
    expect(log.syncs).toBe(2)
    expect(syncer.whenSynced(4)).toBeUndefined()
  })

  it('holds the barrier while fsync fails, and counts and logs it', async () => {
    const { log, lines, metrics, doc, writer, syncer } = setup()
    const room = new Room('r', doc, writer)
    const a = new FakePeer()
    room.join(a)
    log.syncFailWith = new Error('EIO on fsync')
    room.handle(a, { type: 'sync-update', update: updateOf((d) => d.getText('t').insert(0, 'x')) })
    room.handle(a, step1(new Y.Doc()))
    await until(() => metrics.persistFailures.get() >= 2)
    expect(writer.stored).toBe(1)
    expect(syncer.failing).toBe(true)
    expect(a.kinds()).toEqual(['0:0'])
    expect(lines.some((line) => line.includes('EIO on fsync'))).toBe(true)
    log.syncFailWith = undefined
    await until(() => a.sent.length === 2)
    expect(a.kinds()[1]).toBe('0:1')
    expect(syncer.failing).toBe(false)
    room.destroy()
  })
})

function step1(doc: Y.Doc) {
  const sv = Y.encodeStateVector(doc)
  // A length prefix of one byte: fine for the short state vectors of these tests.
  expect(sv.length).toBeLessThan(128)
  return decodeClientMessage(new Uint8Array([0, 0, sv.length, ...sv]))
}

describe('Room', () => {
  it('relays an update to the other peers at once, but answers a step 1 only after the update is stored', async () => {
    const { log, doc, writer } = setup()
    const room = new Room('r', doc, writer)
    const a = new FakePeer()
    const b = new FakePeer()
    room.join(a)
    room.join(b)
    expect(a.kinds()).toEqual(['0:0'])

    log.hold()
    const update = updateOf((d) => d.getText('t').insert(0, 'hi'))
    room.handle(a, { type: 'sync-update', update })
    expect(b.kinds()).toEqual(['0:0', '0:2'])
    expect(a.kinds()).toEqual(['0:0'])

    room.handle(b, step1(new Y.Doc()))
    await tick()
    expect(b.kinds()).toEqual(['0:0', '0:2'])
    log.release()
    await until(() => b.sent.length === 3)
    expect(b.kinds()[2]).toBe('0:1')
    room.destroy()
  })

  it('stops acknowledging while writes fail, and neither stores nor relays an update it already has', async () => {
    const { log, doc, writer } = setup()
    const room = new Room('r', doc, writer)
    const a = new FakePeer()
    const b = new FakePeer()
    room.join(a)
    room.join(b)
    const update = updateOf((d) => d.getText('t').insert(0, 'hi'))
    log.failWith = new Error('EIO')
    room.handle(a, { type: 'sync-update', update })
    room.handle(a, { type: 'sync-update', update })
    expect(writer.enqueued).toBe(1)
    expect(b.kinds()).toEqual(['0:0', '0:2'])
    room.handle(a, step1(new Y.Doc()))
    await until(() => writer.failing)
    await tick()
    expect(a.kinds()).toEqual(['0:0'])
    log.failWith = undefined
    await until(() => a.sent.length === 2)
    expect(a.kinds()[1]).toBe('0:1')
    room.destroy()
  })

  it('keeps an update whose dependencies are missing (pending), and relays it', () => {
    const { doc, writer } = setup()
    const room = new Room('r', doc, writer)
    const a = new FakePeer()
    const b = new FakePeer()
    room.join(a)
    room.join(b)
    const source = new Y.Doc()
    const updates: Uint8Array[] = []
    source.on('update', (u: Uint8Array) => updates.push(u))
    source.getText('t').insert(0, 'a')
    source.getText('t').insert(1, 'b')
    room.handle(a, { type: 'sync-update', update: updates[1]! })
    expect(writer.enqueued).toBe(1)
    expect(b.kinds()).toEqual(['0:0', '0:2'])
    room.handle(a, { type: 'sync-update', update: updates[0]! })
    expect(doc.getText('t').toString()).toBe('ab')
    room.destroy()
  })
})

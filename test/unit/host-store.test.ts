import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { ClassicLevel } from 'classic-level'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { openLevelDatabase, type DocDatabase } from '../../electron/host/store/database.ts'
import { DocStore } from '../../electron/host/store/docStore.ts'
import { DataDirectoryInUseError, StoreWriteError } from '../../electron/host/store/errors.ts'

const root = 'ws_aaaaaaaaaaaaaaaaaaaa/root'
const channel = 'ws_aaaaaaaaaaaaaaaaaaaa/channel/ch_bbbbbbbbbbbbbbbbbbbb'

const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'commons-store-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  return dir
}

async function openStore(dir: string, compactAfter?: number): Promise<DocStore> {
  const store = await DocStore.open({ directory: dir, compactAfter })
  cleanups.push(() => store.close().catch(() => {}))
  return store
}

function items(doc: Y.Doc): unknown[] {
  return doc.getArray('items').toArray()
}

/** Entries of a doc's update log, read straight from LevelDB (the store must be closed). */
async function logKeys(dir: string, name: string): Promise<string[]> {
  const db = new ClassicLevel<string, Uint8Array>(path.join(dir, 'docs'), { valueEncoding: 'view' })
  const keys: string[] = []
  for await (const key of db.keys({ gte: `${name}\u0000`, lt: `${name}\u0001` })) keys.push(key)
  await db.close()
  return keys
}

describe('DocStore', () => {
  it('keeps everything across close and reopen', async () => {
    const dir = await tempDir()
    const store = await openStore(dir)
    const doc = new Y.Doc()
    const bound = await store.bind(root, doc)
    doc.getArray('items').push(['a', 'b'])
    doc.getMap('meta').set('title', 'Plans')
    doc.getArray('items').push(['c'])
    await bound.flush()
    await store.close()

    const again = await openStore(dir)
    const copy = new Y.Doc()
    await again.bind(root, copy)
    expect(items(copy)).toEqual(['a', 'b', 'c'])
    expect(copy.getMap('meta').get('title')).toBe('Plans')
  })

  it('loads stored state in one transaction whose origin is the store', async () => {
    const dir = await tempDir()
    const store = await openStore(dir)
    const doc = new Y.Doc()
    const bound = await store.bind(root, doc)
    doc.getArray('items').push([1])
    doc.getArray('items').push([2])
    await bound.release()

    const copy = new Y.Doc()
    const origins: unknown[] = []
    copy.on('afterTransaction', (transaction) => origins.push(transaction.origin))
    await store.bind(root, copy)
    expect(origins).toEqual([store])
    expect(items(copy)).toEqual([1, 2])
  })

  it('persists state a doc had before it was bound, and edits made while it loads', async () => {
    const dir = await tempDir()
    const store = await openStore(dir)
    const doc = new Y.Doc()
    doc.getArray('items').push(['before'])
    const binding = store.bind(root, doc)
    doc.getArray('items').push(['while loading'])
    const bound = await binding
    await bound.flush()
    await store.close()

    const again = await openStore(dir)
    const copy = new Y.Doc()
    await again.bind(root, copy)
    expect(items(copy)).toEqual(['before', 'while loading'])
  })

  it('lists stored doc names by prefix and answers has()', async () => {
    const dir = await tempDir()
    const store = await openStore(dir)
    const other = 'ws_cccccccccccccccccccc/root'
    for (const name of [root, channel, other, `${root}2`]) {
      const doc = new Y.Doc()
      const bound = await store.bind(name, doc)
      doc.getText('t').insert(0, name)
      await bound.release()
    }
    expect(await store.listNames('ws_aaaaaaaaaaaaaaaaaaaa/')).toEqual([channel, root, `${root}2`])
    expect(await store.listNames('ws_aaaaaaaaaaaaaaaaaaaa/channel/')).toEqual([channel])
    expect(await store.listNames('')).toEqual([channel, root, `${root}2`, other])
    expect(await store.has(root)).toBe(true)
    expect(await store.has('ws_aaaaaaaaaaaaaaaaaaaa/channel/ch_nope')).toBe(false)
  })

  it('compacts the update log and keeps the content', async () => {
    const dir = await tempDir()
    const store = await openStore(dir, 5)
    const doc = new Y.Doc()
    const bound = await store.bind(channel, doc)
    for (let i = 0; i < 23; i++) {
      doc.getArray('items').push([i])
      await bound.flush() // one batch, so one log entry, per edit
    }
    doc.getArray('items').delete(0, 3)
    await bound.flush()
    await store.close() // releases, which compacts to one entry

    expect(await logKeys(dir, channel)).toHaveLength(1)
    const again = await openStore(dir, 5)
    const copy = new Y.Doc()
    await again.bind(channel, copy)
    expect(items(copy)).toEqual(Array.from({ length: 20 }, (_, i) => i + 3))
  })

  it('keeps the log below the compaction threshold while a doc stays bound', async () => {
    const dir = await tempDir()
    const database = await openLevelDatabase({ location: path.join(dir, 'docs'), dataDirectory: dir })
    const store = new DocStore({ database, compactAfter: 4 })
    cleanups.push(() => store.close())
    const doc = new Y.Doc()
    const bound = await store.bind(channel, doc)
    const sizes: number[] = []
    for (let i = 0; i < 30; i++) {
      doc.getArray('items').push([i])
      await bound.flush()
      let count = 0
      for await (const _ of database.keys({ gte: `${channel}\u0000`, lt: `${channel}\u0001` })) count++
      sizes.push(count)
    }
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4)
    expect(sizes).toContain(1) // it did compact
  })

  it('writes bulk updates of unbound docs, merging and compacting them', async () => {
    const dir = await tempDir()
    const store = await openStore(dir, 3)
    const source = new Y.Doc()
    const updates: Uint8Array[] = []
    source.on('update', (update: Uint8Array) => updates.push(update))
    for (let i = 0; i < 1000; i++) source.getArray('items').push([i])
    await store.writeUpdates(channel, updates.slice(0, 400))
    await store.writeUpdates(channel, updates.slice(400, 700))
    await Promise.all([store.writeUpdates(channel, updates.slice(700, 900)), store.writeUpdates(channel, updates.slice(900))])
    for (let i = 0; i < 5; i++) {
      source.getArray('items').push([`x${i}`])
      await store.writeUpdates(channel, [updates.at(-1)!])
    }
    const copy = new Y.Doc()
    const bound = await store.bind(channel, copy)
    expect(items(copy)).toEqual(source.getArray('items').toArray())
    await expect(store.writeUpdates(channel, [updates[0]!])).rejects.toThrow(/bound to a Y.Doc/)
    await bound.release()
    await store.close()
    expect((await logKeys(dir, channel)).length).toBeLessThanOrEqual(3)
  })

  it('refuses to bind one name twice, and bad names', async () => {
    const store = await openStore(await tempDir())
    await store.bind(root, new Y.Doc())
    await expect(store.bind(root, new Y.Doc())).rejects.toThrow(/already bound/)
    await expect(store.bind('', new Y.Doc())).rejects.toThrow(/invalid doc name/)
    await expect(store.bind('a\u0000b', new Y.Doc())).rejects.toThrow(/invalid doc name/)
  })

  it('says clearly when another store holds the data directory', async () => {
    const dir = await tempDir()
    await openStore(dir)
    const attempt = DocStore.open({ directory: dir })
    await expect(attempt).rejects.toBeInstanceOf(DataDirectoryInUseError)
    await expect(attempt).rejects.toThrow(`the data directory ${dir} is in use by another Commons process; close it or pass --data`)
  })

  it('refuses work after close', async () => {
    const store = await openStore(await tempDir())
    await store.close()
    await expect(store.bind(root, new Y.Doc())).rejects.toThrow(/closed/)
    await expect(store.writeUpdates(root, [])).rejects.toThrow(/closed/)
  })
})

describe('DocStore write failures', () => {
  async function failingStore(dir: string) {
    const real = await openLevelDatabase({ location: path.join(dir, 'docs'), dataDirectory: dir })
    const control = { fail: false, writes: 0 }
    const database: DocDatabase = {
      ...real,
      write: async (operations) => {
        control.writes++
        if (control.fail) throw new Error('disk full (injected)')
        await real.write(operations)
      }
    }
    const store = new DocStore({ database })
    cleanups.push(() => store.close().catch(() => {}))
    return { store, control, real }
  }

  it('rejects flush, emits error and sets failed; a later flush writes the whole doc and heals', async () => {
    const dir = await tempDir()
    const { store, control } = await failingStore(dir)
    const errors: StoreWriteError[] = []
    store.on('error', (error) => errors.push(error))
    const doc = new Y.Doc()
    const bound = await store.bind(root, doc)
    doc.getArray('items').push(['saved'])
    await bound.flush()

    control.fail = true
    doc.getArray('items').push(['lost on disk'])
    const flushing = bound.flush()
    await expect(flushing).rejects.toBeInstanceOf(StoreWriteError)
    await expect(flushing).rejects.toThrow(/could not save changes of doc "ws_aaaaaaaaaaaaaaaaaaaa\/root" .*disk full \(injected\)/)
    expect(errors).toHaveLength(1)
    expect(errors[0]!.docName).toBe(root)
    expect((errors[0]!.cause as Error).message).toBe('disk full (injected)')
    expect(bound.failed).toBe(errors[0])
    expect(errors[0]).toMatchObject({ code: 'storage', hint: expect.stringMatching(/still in memory/) })
    await expect(bound.flush()).rejects.toThrow(/disk full/) // still failing: the retry failed too

    control.fail = false
    doc.getArray('items').push(['after'])
    await bound.flush()
    expect(bound.failed).toBeNull()
    await store.close()

    const again = await openStore(dir)
    const copy = new Y.Doc()
    await again.bind(root, copy)
    expect(items(copy)).toEqual(['saved', 'lost on disk', 'after'])
  })

  it('surfaces a database closed under the store', async () => {
    const dir = await tempDir()
    const { store, real } = await failingStore(dir)
    const errors: StoreWriteError[] = []
    store.on('error', (error) => errors.push(error))
    const doc = new Y.Doc()
    const bound = await store.bind(root, doc)
    await real.close()
    doc.getArray('items').push(['x'])
    await expect(bound.flush()).rejects.toThrow(/could not save changes of doc .*Database is not open/)
    expect(errors.map((error) => error.docName)).toEqual([root])
    await expect(bound.release()).rejects.toBeInstanceOf(StoreWriteError)
  })

  it('rejects writeUpdates when its batch fails, without failing other docs', async () => {
    const dir = await tempDir()
    const { store, control } = await failingStore(dir)
    store.on('error', () => {})
    const source = new Y.Doc()
    source.getArray('items').push([1])
    control.fail = true
    await expect(store.writeUpdates(channel, [Y.encodeStateAsUpdate(source)])).rejects.toThrow(/disk full/)
    control.fail = false
    await store.writeUpdates(channel, [Y.encodeStateAsUpdate(source)])
    const copy = new Y.Doc()
    await store.bind(channel, copy)
    expect(items(copy)).toEqual([1])
  })
})


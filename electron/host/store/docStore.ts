/**
 * Crash-safe persistence of Y.Docs on the device.
 *
 * One LevelDB database per device (`<dataDir>/docs`). Each doc has an update log (see keys.ts): every
 * update of a bound doc is queued, and the queue goes to disk as one atomic LevelDB batch per tick, one
 * log entry per doc per batch. When a doc's log grows past `compactAfter` entries, or when the doc is
 * released, the log is replaced by one entry holding the whole doc, in the same atomic batch.
 *
 * Unlike y-leveldb, a failed write is never swallowed: `flush()` rejects with it, the store emits
 * 'error' with the doc name and cause, and the binding's `failed` is set. The updates are still in
 * the Y.Doc, so the next write of that doc writes the whole doc, which heals the gap; a later `flush()`
 * that succeeds clears `failed`.
 */

import { EventEmitter } from 'node:events'
import path from 'node:path'
import * as Y from 'yjs'
import { CommonsError } from '../../../shared/errors.ts'
import { silentLogger, type Logger } from '../../../shared/log.ts'
import { openLevelDatabase, type DocDatabase, type DocOperation } from './database.ts'
import { StoreWriteError, describe } from './errors.ts'
import { afterDoc, assertDocName, docRange, nameOfKey, prefixRange, seqOfKey, updateKey, updateRange } from './keys.ts'

export interface BoundDoc {
  readonly name: string
  readonly doc: Y.Doc
  /** The error of the last failed write of this doc, until a later write of the whole doc succeeds. */
  readonly failed: Error | null
  /** Resolves once every update so far is on disk; rejects with the write error if a write failed. */
  flush(): Promise<void>
  /** Writes what is queued, compacts the log, and stops persisting the doc. */
  release(): Promise<void>
}

export interface DocStoreOptions {
  database: DocDatabase
  log?: Logger
  /** Replace a doc's update log by one entry once it holds more than this many entries. Default 500. */
  compactAfter?: number
}

export interface OpenDocStoreOptions {
  /** The device's data directory; the store lives in its `docs/` folder. */
  directory: string
  log?: Logger
  compactAfter?: number
  /** fsync each batch: survives a power cut, not only a crash, at the cost of a disk flush per batch. */
  syncWrites?: boolean
}

interface LogState {
  /** Sequence number of the oldest entry (entries are contiguous: batches are atomic and seqs only grow). */
  first: number
  /** Sequence number the next entry gets. */
  next: number
  count: number
}

interface Pending {
  updates: Uint8Array[]
  /** The bound doc these updates came from; null for `writeUpdates`. */
  binding: Binding | null
  /** Write the whole doc and drop the log: compaction, or healing after a failed write. */
  whole: boolean
}

interface Plan {
  operations: DocOperation[]
  commit(): void
}

type Failures = ReadonlyMap<string, StoreWriteError>

const noFailures: Failures = new Map()

class Binding implements BoundDoc {
  failed: Error | null = null
  /** A write of this doc failed, so the log on disk misses updates: the next write must be the whole doc. */
  needsWholeDoc = false
  released: Promise<void> | null = null
  constructor(
    readonly name: string,
    readonly doc: Y.Doc,
    private readonly actions: { flush(binding: Binding): Promise<void>; release(binding: Binding): Promise<void> },
    readonly onUpdate: (update: Uint8Array, origin: unknown) => void
  ) {}
  flush(): Promise<void> {
    return this.actions.flush(this)
  }
  release(): Promise<void> {
    return this.actions.release(this)
  }
}

export class DocStore extends EventEmitter<{ error: [StoreWriteError] }> {
  /** Opens (or creates) the store in `<directory>/docs`; fails clearly when another process has it open. */
  static async open(options: OpenDocStoreOptions): Promise<DocStore> {
    const database = await openLevelDatabase({
      location: path.join(options.directory, 'docs'),
      dataDirectory: options.directory,
      sync: options.syncWrites ?? false
    })
    return new DocStore({ database, log: options.log, compactAfter: options.compactAfter })
  }

  readonly #db: DocDatabase
  readonly #log: Logger
  readonly #compactAfter: number
  readonly #bindings = new Map<string, Binding>()
  readonly #loads = new Set<Promise<unknown>>()
  /** Log state per doc name, read once and then kept up to date by the writer (this process owns the db). */
  readonly #logs = new Map<string, LogState>()
  #pending = new Map<string, Pending>()
  #nextBatch = deferred<Failures>()
  #running: Promise<Failures> | null = null
  #scheduled = false
  #closing: Promise<void> | null = null

  constructor(options: DocStoreOptions) {
    super()
    this.#db = options.database
    this.#log = (options.log ?? silentLogger).child('store')
    this.#compactAfter = Math.max(1, options.compactAfter ?? 500)
  }

  get location(): string {
    return this.#db.location
  }

  /**
   * Loads the stored state of `name` into `doc` (one transaction, origin = the store) and persists every
   * later update of `doc` until `release`. State the doc already had before binding is persisted too.
   */
  async bind(name: string, doc: Y.Doc): Promise<BoundDoc> {
    this.#assertOpen()
    assertDocName(name)
    if (this.#bindings.has(name)) {
      throw new Error(`doc "${name}" is already bound to this store; release that binding before binding it again`)
    }
    const binding: Binding = new Binding(
      name,
      doc,
      { flush: (b) => this.#flushBinding(b), release: (b) => this.#release(b) },
      (update, origin) => {
        if (origin !== this) this.#enqueue(name, binding, [update], false)
      }
    )
    // Reserve the name now, so a concurrent bind or writeUpdates of it fails instead of racing.
    this.#bindings.set(name, binding)
    const load = this.#load(binding)
    this.#loads.add(load)
    try {
      await load
    } catch (error) {
      this.#bindings.delete(name)
      throw error
    } finally {
      this.#loads.delete(load)
    }
    return binding
  }

  async #load(binding: Binding): Promise<void> {
    const { name, doc } = binding
    const hadState = doc.store.clients.size > 0
    // Updates made while the stored state is read are kept and queued once it is in.
    const early: Uint8Array[] = []
    const collect = (update: Uint8Array, origin: unknown) => {
      if (origin !== this) early.push(update)
    }
    doc.on('update', collect)
    try {
      await this.#settled()
      const { updates, log } = await this.#readLog(name)
      if (updates.length > 0) {
        let merged: Uint8Array
        try {
          merged = updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates)
          Y.applyUpdate(doc, merged, this)
        } catch (error) {
          throw new CommonsError(
            'storage',
            `the stored state of doc "${name}" in ${this.location} could not be read (${describe(error)})`,
            'the store may be damaged: close Commons, move the docs folder aside and sync the workspace again',
            { cause: error }
          )
        }
      }
      this.#logs.set(name, log)
      if (this.#closing !== null) throw new Error(`the doc store was closed while doc "${name}" was loading`)
    } finally {
      doc.off('update', collect)
    }
    doc.on('update', binding.onUpdate)
    if (hadState) this.#enqueue(name, binding, [], true)
    else if (early.length > 0) this.#enqueue(name, binding, early, false)
  }

  /** Whether anything is stored under `name` (after the writes queued so far). */
  async has(name: string): Promise<boolean> {
    this.#assertOpen()
    await this.#settled()
    for await (const _ of this.#db.keys({ ...docRange(name), limit: 1 })) return true
    return false
  }

  /** The stored doc names that start with `prefix`, sorted (after the writes queued so far). */
  async listNames(prefix: string): Promise<string[]> {
    this.#assertOpen()
    await this.#settled()
    const range = prefixRange(prefix)
    const names: string[] = []
    let cursor = range.gte
    for (;;) {
      let key: string | undefined
      for await (const found of this.#db.keys({ gte: cursor, lt: range.lt, limit: 1 })) key = found
      if (key === undefined) return names
      const name = nameOfKey(key)
      names.push(name)
      cursor = afterDoc(name)
    }
  }

  /**
   * Appends updates to a doc that is not bound (bulk loaders): they are merged into one log entry.
   * Resolves once they are on disk; rejects with a StoreWriteError when the write fails.
   */
  async writeUpdates(name: string, updates: Uint8Array[]): Promise<void> {
    this.#assertOpen()
    assertDocName(name)
    if (this.#bindings.has(name)) {
      throw new Error(`doc "${name}" is bound to a Y.Doc in this process; apply the updates to that doc instead`)
    }
    if (updates.length === 0) return
    // A released doc's final write carries its Y.Doc; let it land before queueing updates that doc lacks.
    while (this.#pending.get(name)?.binding) await this.#drain()
    this.#enqueue(name, null, updates, false)
    const failure = (await this.#nextBatch.promise).get(name)
    if (failure !== undefined) throw failure
  }

  /** Releases every bound doc (writing and compacting them) and closes the database. */
  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  async #close(): Promise<void> {
    await Promise.allSettled([...this.#loads])
    const released = await Promise.allSettled([...this.#bindings.values()].map((binding) => this.#release(binding)))
    await this.#settled()
    await this.#db.close()
    const failed = released.find((result) => result.status === 'rejected')
    if (failed !== undefined) throw failed.reason
  }

  #assertOpen(): void {
    if (this.#closing !== null) throw new Error(`the doc store in ${this.location} is closed; open it again to read or write docs`)
  }

  async #flushBinding(binding: Binding): Promise<void> {
    // After a failed write, flushing retries: it queues the whole doc.
    if (binding.failed !== null && binding.released === null && !this.#pending.has(binding.name)) {
      this.#enqueue(binding.name, binding, [], true)
    }
    await this.#drain()
    if (binding.failed !== null) throw binding.failed
  }

  #release(binding: Binding): Promise<void> {
    binding.released ??= (async () => {
      binding.doc.off('update', binding.onUpdate)
      this.#bindings.delete(binding.name)
      const log = this.#logs.get(binding.name)
      if (this.#pending.has(binding.name) || binding.needsWholeDoc || (log !== undefined && log.count > 1)) {
        this.#enqueue(binding.name, binding, [], true)
      }
      await this.#drain()
      if (binding.failed !== null) throw binding.failed
    })()
    return binding.released
  }

  #enqueue(name: string, binding: Binding | null, updates: Uint8Array[], whole: boolean): void {
    let item = this.#pending.get(name)
    if (item === undefined) {
      item = { updates: [], binding, whole: false }
      this.#pending.set(name, item)
    }
    // Not push(...updates): bulk loaders pass more updates than a call can take as arguments.
    for (const update of updates) item.updates.push(update)
    item.whole ||= whole
    this.#schedule()
  }

  #schedule(): void {
    if (this.#scheduled || this.#running !== null) return
    this.#scheduled = true
    setImmediate(() => void this.#runBatch())
  }

  async #runBatch(): Promise<void> {
    this.#scheduled = false
    if (this.#pending.size === 0) return
    const work = this.#pending
    const done = this.#nextBatch
    this.#pending = new Map()
    this.#nextBatch = deferred()
    const running = this.#write(work)
    this.#running = running
    const failures = await running
    this.#running = null
    done.resolve(failures)
    if (this.#pending.size > 0) this.#schedule()
  }

  /** The outcome of the batch that will carry everything queued so far. */
  #drain(): Promise<Failures> {
    if (this.#pending.size > 0) return this.#nextBatch.promise
    if (this.#running !== null) return this.#running
    return Promise.resolve(noFailures)
  }

  /** Waits until nothing is queued or being written. */
  async #settled(): Promise<void> {
    while (this.#pending.size > 0 || this.#running !== null) await this.#drain()
  }

  /** Writes one batch; never rejects: failures are returned per doc, reported, and set on the bindings. */
  async #write(work: Map<string, Pending>): Promise<Failures> {
    const failures = new Map<string, StoreWriteError>()
    const operations: DocOperation[] = []
    const planned: Array<[string, Plan]> = []
    for (const [name, item] of work) {
      try {
        const plan = await this.#plan(name, item)
        for (const operation of plan.operations) operations.push(operation)
        planned.push([name, plan])
      } catch (error) {
        failures.set(name, new StoreWriteError(name, this.location, error))
      }
    }
    if (planned.length > 0) {
      try {
        await this.#db.write(operations)
        for (const [, plan] of planned) plan.commit()
      } catch (error) {
        for (const [name] of planned) failures.set(name, new StoreWriteError(name, this.location, error))
      }
    }
    for (const [name, failure] of failures) {
      const binding = work.get(name)?.binding
      if (binding) {
        binding.failed = failure
        binding.needsWholeDoc = true
      }
      this.#log.error('could not save doc changes', { doc: name, error: failure.cause })
      if (this.listenerCount('error') > 0) this.emit('error', failure)
    }
    return failures
  }

  async #plan(name: string, item: Pending): Promise<Plan> {
    const log = this.#logs.get(name) ?? (await this.#readLogState(name))
    const { binding } = item
    const compacting = item.whole || binding?.needsWholeDoc === true || log.count + 1 > this.#compactAfter
    if (!compacting) {
      const update = item.updates.length === 1 ? item.updates[0]! : Y.mergeUpdates(item.updates)
      return {
        operations: [{ type: 'put', key: updateKey(name, log.next), value: update }],
        commit: () => this.#logs.set(name, { first: log.first, next: log.next + 1, count: log.count + 1 })
      }
    }
    let whole: Uint8Array
    if (binding) {
      // The Y.Doc holds everything: what was loaded from the log, and every update since.
      whole = Y.encodeStateAsUpdate(binding.doc)
    } else {
      const stored = await this.#readLog(name)
      whole = Y.mergeUpdates(stored.updates.concat(item.updates))
    }
    const operations: DocOperation[] = []
    for (let seq = log.first; seq < log.next; seq++) operations.push({ type: 'del', key: updateKey(name, seq) })
    operations.push({ type: 'put', key: updateKey(name, log.next), value: whole })
    return {
      operations,
      commit: () => {
        this.#logs.set(name, { first: log.next, next: log.next + 1, count: 1 })
        if (binding) {
          binding.failed = null
          binding.needsWholeDoc = false
        }
      }
    }
  }

  async #readLog(name: string): Promise<{ updates: Uint8Array[]; log: LogState }> {
    const updates: Uint8Array[] = []
    let first = -1
    let last = -1
    for await (const [key, value] of this.#db.entries(updateRange(name))) {
      const seq = seqOfKey(key)
      if (first === -1) first = seq
      last = seq
      updates.push(value)
    }
    const log = first === -1 ? { first: 0, next: 0, count: 0 } : { first, next: last + 1, count: updates.length }
    return { updates, log }
  }

  async #readLogState(name: string): Promise<LogState> {
    let first = -1
    let last = -1
    let count = 0
    for await (const key of this.#db.keys(updateRange(name))) {
      const seq = seqOfKey(key)
      if (first === -1) first = seq
      last = seq
      count++
    }
    const log = first === -1 ? { first: 0, next: 0, count: 0 } : { first, next: last + 1, count }
    this.#logs.set(name, log)
    return log
  }
}

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

import * as Y from 'yjs'
import type { Logger } from '../../shared/log.ts'
import type { BoundDoc, DocStore } from './store/index.ts'

/**
 * The docs a workspace has open on this device, by name. A doc is loaded from the store the first time it
 * is asked for and shared by everyone who asks after; each caller holds a lease and gives it back when
 * done. A doc nobody holds is closed after a grace period (so paging through channels does not reload
 * them), written out, and forgotten; docs opened with `keep` stay open for the session (the root doc and
 * the channels this person joined, which sync in the background).
 */
export interface DocLease {
  readonly doc: Y.Doc
  release(): void
}

export interface OpenDocsHooks {
  /** Called once a doc is loaded (sync attaches here). */
  opened?(name: string, doc: Y.Doc): void
  /** Called before a doc is closed (sync detaches here). */
  closing?(name: string, doc: Y.Doc): void
}

interface Entry {
  doc: Y.Doc
  bound: BoundDoc
  holders: number
  kept: boolean
  closeTimer: ReturnType<typeof setTimeout> | null
}

export class OpenDocs {
  readonly #entries = new Map<string, Promise<Entry>>()
  /** Docs that finished loading (and are attached to sync); `#entries` also holds docs still loading. */
  readonly #loaded = new Set<string>()

  constructor(
    private readonly store: DocStore,
    private readonly hooks: OpenDocsHooks,
    private readonly log: Logger,
    private readonly closeAfterMs = 60_000
  ) {}

  /** Opens `name` (or shares the open doc) and leases it to the caller. */
  async lease(name: string): Promise<DocLease> {
    const entry = await this.#open(name)
    entry.holders++
    if (entry.closeTimer !== null) {
      clearTimeout(entry.closeTimer)
      entry.closeTimer = null
    }
    let released = false
    return {
      doc: entry.doc,
      release: () => {
        if (released) return
        released = true
        entry.holders--
        this.#scheduleClose(name, entry)
      }
    }
  }

  /** Opens `name` and keeps it open until the session closes. */
  async keep(name: string): Promise<Y.Doc> {
    const entry = await this.#open(name)
    entry.kept = true
    return entry.doc
  }

  isOpen(name: string): boolean {
    return this.#loaded.has(name)
  }

  /** The docs loaded right now. */
  get openNames(): string[] {
    return [...this.#loaded]
  }

  /** Resolves once everything written to every open doc is stored; rejects with the first write error. */
  async flush(): Promise<void> {
    const entries = await Promise.all(this.#entries.values())
    await Promise.all(entries.map((entry) => entry.bound.flush()))
  }

  /** Writes out and closes every doc. */
  async closeAll(): Promise<void> {
    const names = [...this.#entries.keys()]
    const results = await Promise.allSettled(names.map((name) => this.#close(name)))
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected')
    if (failure !== undefined) throw failure.reason
  }

  #open(name: string): Promise<Entry> {
    let pending = this.#entries.get(name)
    if (pending === undefined) {
      pending = (async () => {
        const doc = new Y.Doc({ gc: true })
        const bound = await this.store.bind(name, doc)
        this.hooks.opened?.(name, doc)
        this.#loaded.add(name)
        return { doc, bound, holders: 0, kept: false, closeTimer: null }
      })()
      this.#entries.set(name, pending)
      // A doc that failed to load is not cached: the next caller tries again and sees the error itself.
      pending.catch(() => this.#entries.delete(name))
    }
    return pending
  }

  #scheduleClose(name: string, entry: Entry): void {
    if (entry.holders > 0 || entry.kept || entry.closeTimer !== null) return
    entry.closeTimer = setTimeout(() => {
      entry.closeTimer = null
      if (entry.holders === 0 && !entry.kept) {
        this.#close(name).catch((error: unknown) => this.log.error('closing an unused doc failed', { doc: name, error }))
      }
    }, this.closeAfterMs)
    entry.closeTimer.unref?.()
  }

  async #close(name: string): Promise<void> {
    const pending = this.#entries.get(name)
    if (pending === undefined) return
    this.#entries.delete(name)
    const entry = await pending
    this.#loaded.delete(name)
    if (entry.closeTimer !== null) clearTimeout(entry.closeTimer)
    this.hooks.closing?.(name, entry.doc)
    try {
      await entry.bound.release()
    } finally {
      entry.doc.destroy()
    }
  }
}

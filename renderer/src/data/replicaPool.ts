import { useCallback, useEffect, useState, useSyncExternalStore } from 'react'
import type { Awareness } from 'y-protocols/awareness'
import type * as Y from 'yjs'
import { toProblem, type Problem } from './problems.ts'

/**
 * The renderer's replicas of the docs it shows, shared by every view that shows them: the root doc for
 * the workspace's life, the open channel, the joined channels (for unread counts), an open thread's
 * channel. A replica lives while someone holds it and a little longer, so switching back to a channel
 * is instant; it is closed a minute after the last holder lets go.
 */

export interface ReplicaConnection {
  doc: Y.Doc
  awareness: Awareness
  /** Settles when the replica has the Host's copy (the first sync step 2). */
  synced: Promise<void>
  close(): void
}

export type ConnectReplica = (docName: string) => ReplicaConnection

export interface ReplicaState {
  docName: string
  doc: Y.Doc
  awareness: Awareness
  synced: boolean
  error: Problem | null
}

interface Entry {
  connection: ReplicaConnection
  state: ReplicaState
  holders: number
  closeTimer: ReturnType<typeof setTimeout> | null
  listeners: Set<() => void>
}

export class ReplicaPool {
  readonly #entries = new Map<string, Entry>()
  #closed = false

  constructor(
    private readonly connect: ConnectReplica,
    private readonly lingerMs = 60_000
  ) {}

  /** Holds a replica of `docName` until the returned function is called. */
  hold(docName: string): { state: () => ReplicaState; release: () => void } {
    const entry = this.#entry(docName)
    entry.holders++
    if (entry.closeTimer !== null) {
      clearTimeout(entry.closeTimer)
      entry.closeTimer = null
    }
    let released = false
    return {
      state: () => entry.state,
      release: () => {
        if (released) return
        released = true
        entry.holders--
        if (entry.holders === 0 && !this.#closed) {
          entry.closeTimer = setTimeout(() => this.#drop(docName, entry), this.lingerMs)
        }
      }
    }
  }

  /** The current state of a replica someone holds, or null. */
  peek(docName: string): ReplicaState | null {
    return this.#entries.get(docName)?.state ?? null
  }

  subscribe(docName: string, listener: () => void): () => void {
    const entry = this.#entries.get(docName)
    if (entry === undefined) return () => {}
    entry.listeners.add(listener)
    return () => entry.listeners.delete(listener)
  }

  close(): void {
    this.#closed = true
    for (const [docName, entry] of this.#entries) this.#drop(docName, entry)
  }

  #entry(docName: string): Entry {
    const existing = this.#entries.get(docName)
    if (existing !== undefined) return existing
    const connection = this.connect(docName)
    const entry: Entry = {
      connection,
      state: { docName, doc: connection.doc, awareness: connection.awareness, synced: false, error: null },
      holders: 0,
      closeTimer: null,
      listeners: new Set()
    }
    this.#entries.set(docName, entry)
    connection.synced.then(
      () => this.#update(entry, { synced: true, error: null }),
      (error: unknown) => this.#update(entry, { error: toProblem(error, 'check that Commons is still running, then reload') })
    )
    return entry
  }

  #update(entry: Entry, change: Partial<ReplicaState>): void {
    entry.state = { ...entry.state, ...change }
    for (const listener of entry.listeners) listener()
  }

  #drop(docName: string, entry: Entry): void {
    if (this.#entries.get(docName) !== entry) return
    if (entry.closeTimer !== null) clearTimeout(entry.closeTimer)
    this.#entries.delete(docName)
    try {
      entry.connection.close()
    } catch {
      // Closing a replica that already failed is fine.
    }
  }
}

/** Holds a replica of `docName` while the component is mounted; null without a name. */
export function useReplica(pool: ReplicaPool, docName: string | null): ReplicaState | null {
  const [held, setHeld] = useState<{ docName: string; state: () => ReplicaState } | null>(null)
  useEffect(() => {
    if (docName === null) {
      setHeld(null)
      return
    }
    const hold = pool.hold(docName)
    setHeld({ docName, state: hold.state })
    return hold.release
  }, [pool, docName])
  const current = held !== null && held.docName === docName ? held : null
  const subscribe = useCallback((listener: () => void) => (current === null ? () => {} : pool.subscribe(current.docName, listener)), [pool, current])
  return useSyncExternalStore(subscribe, () => (current === null ? null : current.state()))
}

/** Holds replicas of several docs (the joined channels, for their unread counts). */
export function useHeldReplicas(pool: ReplicaPool, docNames: readonly string[]): void {
  const key = docNames.join('\n')
  useEffect(() => {
    const holds = key === '' ? [] : key.split('\n').map((docName) => pool.hold(docName))
    return () => {
      for (const hold of holds) hold.release()
    }
  }, [pool, key])
}

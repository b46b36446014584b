import type * as Y from 'yjs'
import { messageIndex } from '../../../shared/model/messageIndex.ts'
import { rootCollections } from '../../../shared/model/rootDoc.ts'
import type { MessageRecord } from '../../../shared/model/types.ts'
import { WorkspaceSearch, type SearchHit, type SearchKind } from '../../../shared/search/workspaceSearch.ts'
import type { DocLease } from '../openDocs.ts'

/** What the search needs from a workspace session (WorkspaceSession has all of it; tests pass plain docs). */
export interface SearchSources {
  readonly root: Y.Doc
  leaseChannel(channelId: string): Promise<DocLease>
  leaseDeliverable(deliverableId: string): Promise<DocLease>
}

export interface SearchScope {
  /** The channels the searcher may reach: hits tied to any other channel are left out. */
  channelIds: ReadonlySet<string>
  kinds?: readonly SearchKind[]
  limit?: number
}

/**
 * Full-text search for one workspace session, shared by every caller in it. The root doc (memory,
 * deliverable titles, file text) is indexed at once; a channel's messages and a document's text are
 * indexed the first time a search needs them, and their docs stay leased (open) from then on so the
 * index follows every new message and edit as it happens instead of rescanning.
 *
 * Each search is scoped to the caller's channels: a hit tied to a channel outside them (a message, a
 * deliverable or file kept in that channel, memory taken from a message there) is dropped.
 */
export class SessionSearch {
  readonly #index = new WorkspaceSearch()
  readonly #sources: SearchSources
  /** channelId → its doc, opened and indexed */
  readonly #channels = new Map<string, Promise<Y.Doc>>()
  readonly #channelDocs = new Map<string, Y.Doc>()
  readonly #documents = new Map<string, Promise<void>>()
  readonly #leases: DocLease[] = []
  #disposed = false

  constructor(sources: SearchSources) {
    this.#sources = sources
    this.#index.indexRoot(sources.root)
  }

  /** The channels and documents whose text is indexed so far. */
  get indexed(): { channels: string[]; documents: string[] } {
    return { channels: [...this.#channelDocs.keys()], documents: [...this.#documents.keys()] }
  }

  async search(query: string, scope: SearchScope): Promise<SearchHit[]> {
    if (this.#disposed) throw new Error('this workspace search was closed')
    const wants = (kind: SearchKind) => scope.kinds === undefined || scope.kinds.includes(kind)
    if (wants('message')) await this.#indexChannels(scope.channelIds)
    if (wants('deliverable')) await this.#indexDocuments(scope.channelIds)
    const channelIds = [...scope.channelIds]
    const reachable = (hit: SearchHit) => hit.channelId === null || scope.channelIds.has(hit.channelId)
    // Ask for more than wanted: hits out of reach are dropped after ranking.
    const hits = this.#index.search(query, { ...(scope.kinds ? { kinds: scope.kinds } : {}), channelIds, limit: 1_000 })
    return hits.filter(reachable).slice(0, scope.limit ?? 20)
  }

  /** A message of an indexed channel, for showing who wrote a hit and when. */
  message(channelId: string, messageId: string): MessageRecord | undefined {
    const doc = this.#channelDocs.get(channelId)
    return doc === undefined ? undefined : messageIndex(doc).byId.get(messageId)
  }

  /** Stops following the docs and gives back their leases. */
  dispose(): void {
    if (this.#disposed) return
    this.#disposed = true
    this.#index.dispose()
    for (const lease of this.#leases.splice(0)) lease.release()
  }

  async #indexChannels(channelIds: ReadonlySet<string>): Promise<void> {
    const { channels } = rootCollections(this.#sources.root)
    const pending: Array<Promise<unknown>> = []
    for (const channelId of channelIds) {
      if (!channels.has(channelId)) continue
      let loading = this.#channels.get(channelId)
      if (loading === undefined) {
        loading = this.#lease(() => this.#sources.leaseChannel(channelId)).then((doc) => {
          this.#index.indexChannel(channelId, doc)
          this.#channelDocs.set(channelId, doc)
          return doc
        })
        this.#channels.set(channelId, loading)
        // A channel that failed to open is tried again by the next search.
        loading.catch(() => this.#channels.delete(channelId))
      }
      pending.push(loading)
    }
    await Promise.all(pending)
  }

  /** Indexes the body of every document (or report) the scope reaches: workspace-wide ones and those in its channels. */
  async #indexDocuments(channelIds: ReadonlySet<string>): Promise<void> {
    const pending: Array<Promise<unknown>> = []
    for (const [id, entry] of rootCollections(this.#sources.root).deliverables) {
      if (entry.get('kind') === 'tracker') continue
      const channelId = (entry.get('channelId') as string | null | undefined) ?? null
      if (channelId !== null && !channelIds.has(channelId)) continue
      let loading = this.#documents.get(id)
      if (loading === undefined) {
        loading = this.#lease(() => this.#sources.leaseDeliverable(id)).then((doc) => this.#index.indexDocumentText(id, doc))
        this.#documents.set(id, loading)
        loading.catch(() => this.#documents.delete(id))
      }
      pending.push(loading)
    }
    await Promise.all(pending)
  }

  async #lease(open: () => Promise<DocLease>): Promise<Y.Doc> {
    const lease = await open()
    if (this.#disposed) {
      lease.release()
      throw new Error('this workspace search was closed')
    }
    this.#leases.push(lease)
    return lease.doc
  }
}

import MiniSearch from 'minisearch'
import type * as Y from 'yjs'
import { fragmentToPlainText } from '../content/documentToMarkdown.ts'
import { channelCollections } from '../model/channelDoc.ts'
import { documentBody } from '../model/deliverableDoc.ts'
import { rootCollections } from '../model/rootDoc.ts'
import type { Deliverable, FileRecord, MemoryItem, MessageEdit, MessageRecord } from '../model/types.ts'

/**
 * Full-text search over a workspace: messages, memory, deliverables (titles and document text) and the
 * text of files. The index is built from the docs it is given and kept current incrementally by observing
 * them, so a search never rescans the workspace.
 */
export type SearchKind = 'message' | 'memory' | 'deliverable' | 'file'

export interface SearchHit {
  kind: SearchKind
  /** The id of the message, memory item, deliverable or file. */
  id: string
  title: string
  /** A short stretch of the text around the first matching term. */
  snippet: string
  channelId: string | null
  score: number
}

interface IndexedEntry {
  key: string
  kind: SearchKind
  id: string
  title: string
  text: string
  channelId: string | null
}

export class WorkspaceSearch {
  readonly #index = new MiniSearch<IndexedEntry>({
    idField: 'key',
    fields: ['title', 'text'],
    storeFields: ['kind', 'id', 'title', 'text', 'channelId'],
    searchOptions: { boost: { title: 2 }, prefix: true, fuzzy: 0.15, combineWith: 'AND' }
  })
  readonly #unobserve: Array<() => void> = []

  get size(): number {
    return this.#index.documentCount
  }

  /** Indexes the root doc's memory, deliverable titles and file text, and follows their changes. */
  indexRoot(root: Y.Doc): void {
    const { memory, deliverables, files } = rootCollections(root)
    const putMemory = (id: string) => {
      const record = memory.get(id)
      if (record === undefined) return this.#remove(`memory:${id}`)
      const item = record.toJSON() as MemoryItem
      this.#put({ key: `memory:${id}`, kind: 'memory', id, title: item.kind, text: item.text, channelId: item.source.type === 'message' ? item.source.channelId : null })
    }
    const putDeliverable = (id: string) => {
      const record = deliverables.get(id)
      if (record === undefined) return this.#remove(`deliverable:${id}`)
      const item = record.toJSON() as Deliverable
      const existing = this.#index.getStoredFields(`deliverable:${id}`)
      this.#put({ key: `deliverable:${id}`, kind: 'deliverable', id, title: item.title, text: (existing?.text as string | undefined) ?? '', channelId: item.channelId })
    }
    const putFile = (id: string) => {
      const file: FileRecord | undefined = files.get(id)
      if (file === undefined) return this.#remove(`file:${id}`)
      this.#put({ key: `file:${id}`, kind: 'file', id, title: file.name, text: file.text ?? '', channelId: file.channelId })
    }
    for (const id of memory.keys()) putMemory(id)
    for (const id of deliverables.keys()) putDeliverable(id)
    for (const id of files.keys()) putFile(id)
    this.#follow(memory, putMemory)
    this.#follow(deliverables, putDeliverable)
    this.#follow(files, putFile)
  }

  /** Indexes a channel's messages and follows new messages, edits and deletions. */
  indexChannel(channelId: string, channelDoc: Y.Doc): void {
    const { messages, edits, deletions } = channelCollections(channelDoc)
    const putMessage = (record: MessageRecord) => {
      const key = `message:${record.id}`
      if (deletions.has(record.id)) return this.#remove(key)
      const edit: MessageEdit | undefined = edits.get(record.id)
      this.#put({ key, kind: 'message', id: record.id, title: '', text: edit?.text ?? record.text, channelId })
    }
    const byId = new Map<string, MessageRecord>()
    for (const record of messages.toArray()) {
      byId.set(record.id, record)
      putMessage(record)
    }
    const onMessages = (event: Y.YArrayEvent<MessageRecord>) => {
      for (const item of event.changes.added) {
        for (const record of item.content.getContent() as MessageRecord[]) {
          byId.set(record.id, record)
          putMessage(record)
        }
      }
    }
    const onOverlay = (event: { keysChanged: Set<string> }) => {
      for (const id of event.keysChanged) {
        const record = byId.get(id)
        if (record !== undefined) putMessage(record)
      }
    }
    messages.observe(onMessages)
    edits.observe(onOverlay)
    deletions.observe(onOverlay)
    this.#unobserve.push(() => {
      messages.unobserve(onMessages)
      edits.unobserve(onOverlay)
      deletions.unobserve(onOverlay)
    })
  }

  /** Indexes a document's body text under its deliverable, and follows edits to it. */
  indexDocumentText(deliverableId: string, deliverableDoc: Y.Doc): void {
    const body = documentBody(deliverableDoc)
    const update = () => {
      const stored = this.#index.getStoredFields(`deliverable:${deliverableId}`)
      if (stored === undefined) return
      this.#put({ ...(stored as unknown as IndexedEntry), key: `deliverable:${deliverableId}`, text: fragmentToPlainText(body) })
    }
    update()
    body.observeDeep(update)
    this.#unobserve.push(() => body.unobserveDeep(update))
  }

  search(query: string, options: { kinds?: readonly SearchKind[]; channelIds?: readonly string[]; limit?: number } = {}): SearchHit[] {
    const trimmed = query.trim()
    if (trimmed === '') return []
    const results = this.#index.search(trimmed, {
      filter: (result) =>
        (options.kinds === undefined || options.kinds.includes(result.kind as SearchKind)) &&
        (options.channelIds === undefined || result.kind !== 'message' || options.channelIds.includes(result.channelId as string))
    })
    return results.slice(0, options.limit ?? 20).map((result) => ({
      kind: result.kind as SearchKind,
      id: result.id as string,
      title: result.title as string,
      snippet: snippetOf(result.text as string, result.terms),
      channelId: (result.channelId as string | null) ?? null,
      score: result.score
    }))
  }

  dispose(): void {
    for (const unobserve of this.#unobserve.splice(0)) unobserve()
  }

  #put(entry: IndexedEntry): void {
    if (this.#index.has(entry.key)) this.#index.replace(entry)
    else this.#index.add(entry)
  }

  #remove(key: string): void {
    if (this.#index.has(key)) this.#index.discard(key)
  }

  #follow<Value>(map: Y.Map<Value>, put: (id: string) => void): void {
    const observer = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>) => {
      const ids = new Set<string>()
      for (const event of events) {
        // A change to a field of a record (a nested map) names the record in the event's path.
        if (event.target === map) for (const key of (event as Y.YMapEvent<Value>).keysChanged) ids.add(key)
        else if (typeof event.path[0] === 'string') ids.add(event.path[0])
      }
      for (const id of ids) put(id)
    }
    map.observeDeep(observer)
    this.#unobserve.push(() => map.unobserveDeep(observer))
  }
}

function snippetOf(text: string, terms: readonly string[], width = 160): string {
  const lower = text.toLowerCase()
  const at = Math.min(...terms.map((term) => lower.indexOf(term.toLowerCase())).filter((index) => index >= 0), text.length)
  const start = at >= text.length ? 0 : Math.max(0, at - Math.floor(width / 3))
  const slice = text.slice(start, start + width).replace(/\s+/g, ' ').trim()
  return (start > 0 ? '…' : '') + slice + (start + width < text.length ? '…' : '')
}

import type * as Y from 'yjs'
import { z } from 'zod'
import { notFound } from '../errors.ts'
import { newId } from '../ids.ts'
import { newRecordMap, readRecord, setChangedFields, type RecordMap } from '../model/records.ts'
import { rootCollections } from '../model/rootDoc.ts'
import type { MemoryItem } from '../model/types.ts'
import { transact, type OperationContext } from './context.ts'
import { idOf, parseInput, trimmedText } from './validate.ts'

export const memoryKind = z.enum(['fact', 'decision', 'preference'], { error: 'kind must be fact, decision or preference' })

const memoryText = trimmedText('memory text', 4_000)

export const memorySource = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('message'), channelId: idOf('ch'), messageId: idOf('msg') }),
    z.object({ type: z.literal('deliverable'), deliverableId: idOf('dl') }),
    z.object({ type: z.literal('none') })
  ], { error: 'source must be a message, a deliverable, or none' })

export const addMemoryInput = z.object({
  kind: memoryKind,
  text: memoryText,
  source: memorySource.default({ type: 'none' }),
  pinned: z.boolean().default(false)
})

/** Remembers a fact, decision or preference for the whole workspace, with where it came from. */
export function addMemory(root: Y.Doc, input: z.input<typeof addMemoryInput>, context: OperationContext): MemoryItem {
  const parsed = parseInput('add memory', addMemoryInput, input)
  const id = newId('mm')
  const now = context.now()
  transact(root, context, () => {
    rootCollections(root).memory.set(
      id,
      newRecordMap({ id, kind: parsed.kind, text: parsed.text, source: parsed.source, authorId: context.actorId, pinned: parsed.pinned, createdAt: now, updatedAt: now })
    )
  })
  return getMemory(root, id)
}

export const editMemoryInput = z.object({ memoryId: idOf('mm'), text: memoryText.optional(), kind: memoryKind.optional() })

export function editMemory(root: Y.Doc, input: z.input<typeof editMemoryInput>, context: OperationContext): MemoryItem {
  const { memoryId, text, kind } = parseInput('edit memory', editMemoryInput, input)
  const record = requireMemoryRecord(root, memoryId)
  transact(root, context, () => setChangedFields(record, { text, kind, updatedAt: context.now() }))
  return getMemory(root, memoryId)
}

/** Pinned memory is given to every coworker task as context. */
export function pinMemory(root: Y.Doc, input: { memoryId: string; pinned?: boolean }, context: OperationContext): MemoryItem {
  const { memoryId, pinned } = parseInput('pin memory', z.object({ memoryId: idOf('mm'), pinned: z.boolean().default(true) }), input)
  const record = requireMemoryRecord(root, memoryId)
  transact(root, context, () => setChangedFields(record, { pinned, updatedAt: context.now() }))
  return getMemory(root, memoryId)
}

export function removeMemory(root: Y.Doc, input: { memoryId: string }, context: OperationContext): void {
  const { memoryId } = parseInput('remove memory', z.object({ memoryId: idOf('mm') }), input)
  requireMemoryRecord(root, memoryId)
  transact(root, context, () => rootCollections(root).memory.delete(memoryId))
}

export function getMemory(root: Y.Doc, memoryId: string): MemoryItem {
  return readRecord<MemoryItem>(requireMemoryRecord(root, memoryId))
}

/** Memory items, pinned first, then newest first. */
export function listMemory(root: Y.Doc, options: { kind?: MemoryItem['kind']; pinnedOnly?: boolean } = {}): MemoryItem[] {
  return [...rootCollections(root).memory.values()]
    .map((record) => readRecord<MemoryItem>(record))
    .filter((item) => options.kind === undefined || item.kind === options.kind)
    .filter((item) => options.pinnedOnly !== true || item.pinned)
    .sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.createdAt - a.createdAt || a.id.localeCompare(b.id))
}

function requireMemoryRecord(root: Y.Doc, memoryId: string): RecordMap {
  const record = rootCollections(root).memory.get(memoryId)
  if (record === undefined) throw notFound('memory item', memoryId)
  return record
}

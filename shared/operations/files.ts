import type * as Y from 'yjs'
import { z } from 'zod'
import { notFound } from '../errors.ts'
import { newId } from '../ids.ts'
import { rootCollections } from '../model/rootDoc.ts'
import type { FileRecord } from '../model/types.ts'
import { getChannel } from './channels.ts'
import { transact, type OperationContext } from './context.ts'
import { idOf, parseInput, trimmedText } from './validate.ts'

export const addFileInput = z.object({
  name: trimmedText('file name', 255).refine((name) => !/[\\/\u0000]/.test(name), { error: 'file name must not hold slashes' }),
  size: z.number().int().min(0, { error: 'size must not be negative' }),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: 'sha256 must be 64 lowercase hex digits' }),
  mimeType: z.string().min(1).max(255).default('application/octet-stream'),
  text: z.string().nullable().default(null),
  textTruncated: z.boolean().default(false),
  channelId: idOf('ch').nullable().default(null)
})

/**
 * Records a file whose bytes are already stored as a content-addressed blob (the Host stores them by
 * sha256 and uploads them to the sync server). The record holds the text extracted from text-like files,
 * so search and coworkers can read it without the blob.
 */
export function addFile(root: Y.Doc, input: z.input<typeof addFileInput>, context: OperationContext): FileRecord {
  const parsed = parseInput('add file', addFileInput, input)
  if (parsed.channelId !== null) getChannel(root, parsed.channelId)
  const record: FileRecord = { id: newId('file'), ...parsed, addedBy: context.actorId, addedAt: context.now() }
  transact(root, context, () => rootCollections(root).files.set(record.id, record))
  return record
}

export function removeFile(root: Y.Doc, input: { fileId: string }, context: OperationContext): void {
  const { fileId } = parseInput('remove file', z.object({ fileId: idOf('file') }), input)
  getFile(root, fileId)
  transact(root, context, () => rootCollections(root).files.delete(fileId))
}

export function getFile(root: Y.Doc, fileId: string): FileRecord {
  const record = rootCollections(root).files.get(fileId)
  if (record === undefined) throw notFound('file', fileId, 'list files with `commons file list`')
  return record
}

/** Files, newest first. */
export function listFiles(root: Y.Doc, options: { channelId?: string } = {}): FileRecord[] {
  return [...rootCollections(root).files.values()]
    .filter((file) => options.channelId === undefined || file.channelId === options.channelId)
    .sort((a, b) => b.addedAt - a.addedAt || a.id.localeCompare(b.id))
}

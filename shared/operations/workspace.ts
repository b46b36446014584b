import type * as Y from 'yjs'
import { z } from 'zod'
import { CommonsError } from '../errors.ts'
import { rootCollections } from '../model/rootDoc.ts'
import { schemaVersion, type WorkspaceMeta } from '../model/types.ts'
import { transact, type OperationContext } from './context.ts'
import { addPersonInTransaction } from './members.ts'
import { idOf, parseInput, trimmedText } from './validate.ts'

const workspaceName = trimmedText('workspace name', 80)

export const createWorkspaceInput = z.object({
  workspaceId: idOf('ws'),
  name: workspaceName,
  /** The creator, who becomes the first member. */
  creator: z.object({ memberId: idOf('mem'), name: trimmedText('your name', 80) })
})

/** Writes a new workspace into an empty root doc: its meta and its first member, the creator. */
export function createWorkspace(root: Y.Doc, input: z.input<typeof createWorkspaceInput>, context: OperationContext): WorkspaceMeta {
  const { workspaceId, name, creator } = parseInput('create workspace', createWorkspaceInput, input)
  const { meta, members } = rootCollections(root)
  if (meta.get('id') !== undefined) {
    throw new CommonsError('conflict', `this doc already holds workspace ${String(meta.get('id'))}`)
  }
  const now = context.now()
  transact(root, context, () => {
    meta.set('id', workspaceId)
    meta.set('name', name)
    meta.set('schemaVersion', schemaVersion)
    meta.set('createdAt', now)
    meta.set('createdBy', creator.memberId)
    addPersonInTransaction(members, creator.memberId, creator.name, now)
  })
  return readWorkspaceMeta(root)
}

export function renameWorkspace(root: Y.Doc, input: { name: string }, context: OperationContext): WorkspaceMeta {
  const { name } = parseInput('rename workspace', z.object({ name: workspaceName }), input)
  const { meta } = rootCollections(root)
  readWorkspaceMeta(root)
  transact(root, context, () => meta.set('name', name))
  return readWorkspaceMeta(root)
}

/** The workspace's meta; throws when the doc holds no workspace yet (not synced, or not created). */
export function readWorkspaceMeta(root: Y.Doc): WorkspaceMeta {
  const meta = rootCollections(root).meta
  if (meta.get('id') === undefined) {
    throw new CommonsError('not-found', 'this workspace has no data on this device yet', 'sync with the server first (`commons sync`)')
  }
  return meta.toJSON() as WorkspaceMeta
}

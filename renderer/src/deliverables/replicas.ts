import { useEffect } from 'react'
import type { Awareness } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { deliverableDocName } from '../../../shared/docNames.ts'
import { newId } from '../../../shared/ids.ts'
import type { Deliverable } from '../../../shared/model/types.ts'
import { rootCollections } from '../../../shared/model/rootDoc.ts'
import { touchDeliverable, type DeliverableDocs } from '../../../shared/operations/deliverables.ts'
import type { OperationContext } from '../../../shared/operations/context.ts'
import type { ReplicaPool, ReplicaState } from '../data/replicaPool.ts'
import { cursorColor } from './model.ts'

/**
 * Making a deliverable from the UI. The operation writes the new deliverable's content and its index
 * entry; the Host opens a deliverable's doc only once the index names it, so the content is written
 * into a scratch doc first, the index entry lands in the root replica, and then the new deliverable's
 * replica is subscribed through the pool and given the scratch doc's state (a fresh id, so there is
 * nothing to merge with). It resolves once the Host holds the replica.
 */
export async function createDeliverable(
  options: { pool: ReplicaPool; root: Y.Doc; workspaceId: string; context: OperationContext },
  make: (docs: DeliverableDocs, deliverableId: string) => Deliverable
): Promise<Deliverable> {
  const deliverableId = newId('dl')
  const scratch = new Y.Doc()
  try {
    // Validation runs before anything is written: a bad title or column throws here and nothing changes.
    const deliverable = make({ root: options.root, deliverable: scratch }, deliverableId)
    const hold = options.pool.hold(deliverableDocName(options.workspaceId, deliverableId))
    try {
      Y.applyUpdate(hold.state().doc, Y.encodeStateAsUpdate(scratch), options.context.origin)
      await whenSynced(options.pool, hold.state)
    } finally {
      hold.release()
    }
    return deliverable
  } finally {
    scratch.destroy()
  }
}

function whenSynced(pool: ReplicaPool, state: () => ReplicaState): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const current = state()
      if (current.error !== null) {
        reject(current.error)
        return true
      }
      if (current.synced) {
        resolve()
        return true
      }
      return false
    }
    if (check()) return
    const stop = pool.subscribe(state().docName, () => {
      if (check()) stop()
    })
  })
}

/** What this window says about itself in a deliverable doc's awareness. */
export interface DeliverablePresence {
  memberId: string
  typing: null
  /** For y-tiptap's cursor plugin: the name and colour others see on this window's caret. */
  user: { name: string; color: string }
  /** The tracker cell this window is on, if any. */
  cell?: { rowId: string; columnId: string } | null
}

/** Announces this window in the doc's awareness (with a name and colour for cursors) while mounted. */
export function useDeliverablePresence(awareness: Awareness | null, memberId: string, name: string): void {
  useEffect(() => {
    if (awareness === null) return
    awareness.setLocalState({ memberId, typing: null, user: { name, color: cursorColor(memberId) } } satisfies DeliverablePresence)
    return () => awareness.setLocalState(null)
  }, [awareness, memberId, name])
}

export interface Collaborator {
  clientId: number
  memberId: string
  name: string
  color: string
  cell: { rowId: string; columnId: string } | null
}

/** The other windows with this doc open, one entry per window. */
export function collaborators(awareness: Awareness | null): Collaborator[] {
  if (awareness === null) return []
  const out: Collaborator[] = []
  for (const [clientId, state] of awareness.getStates()) {
    if (clientId === awareness.clientID || state === null || typeof state !== 'object') continue
    const presence = state as Partial<DeliverablePresence>
    if (typeof presence.memberId !== 'string') continue
    const user = presence.user
    const cell = presence.cell
    out.push({
      clientId,
      memberId: presence.memberId,
      name: typeof user?.name === 'string' ? user.name : 'Someone',
      color: typeof user?.color === 'string' && /^#[0-9a-f]{6}$/i.test(user.color) ? user.color : cursorColor(presence.memberId),
      cell: cell !== null && typeof cell === 'object' && typeof cell.rowId === 'string' && typeof cell.columnId === 'string' ? { rowId: cell.rowId, columnId: cell.columnId } : null
    })
  }
  return out.sort((a, b) => a.name.localeCompare(b.name) || a.clientId - b.clientId)
}

const touchEveryMs = 60_000

/**
 * Keeps the index's "updated" time current while this window edits the deliverable's content (typing
 * in the editor, changing tracker cells), at most once a minute. Only this window's own transactions count
 * (`transaction.local`); changes the Host relays are applied as updates, which are not local.
 */
export function useTouchWhileEditing(root: Y.Doc, doc: Y.Doc, deliverableId: string, context: OperationContext): void {
  useEffect(() => {
    let last = 0
    let timer: ReturnType<typeof setTimeout> | null = null
    const touch = () => {
      timer = null
      last = Date.now()
      try {
        touchDeliverable(root, { deliverableId }, context)
      } catch {
        // A deliverable removed meanwhile has nothing to touch.
      }
    }
    const onTransaction = (transaction: Y.Transaction) => {
      if (!transaction.local || transaction.changed.size === 0 || timer !== null) return
      const wait = last + touchEveryMs - Date.now()
      if (wait <= 0) touch()
      else timer = setTimeout(touch, wait)
    }
    doc.on('afterTransaction', onTransaction)
    return () => {
      doc.off('afterTransaction', onTransaction)
      if (timer !== null) {
        clearTimeout(timer)
        touch()
      }
    }
  }, [root, doc, deliverableId, context])
}

import type * as Y from 'yjs'

/**
 * Who is acting and when. Every operation takes one; the Host makes it for the person using the device,
 * the agent's tools make it for the coworker running a task, tests make it with a fixed clock.
 */
export interface OperationContext {
  /** The member the change is attributed to. */
  actorId: string
  now(): number
  /**
   * The transaction origin. Persistence and sync treat any origin but their own as a local change; the
   * UI uses it to tell its own edits from a peer's.
   */
  origin: OperationOrigin
  /** The device making the change, where it matters (a task records the device that created it). */
  deviceId?: string
}

export interface OperationOrigin {
  source: 'ui' | 'cli' | 'agent' | 'test' | 'host'
  actorId: string
}

export function operationContext(
  actorId: string,
  source: OperationOrigin['source'],
  options: { now?: () => number; deviceId?: string } = {}
): OperationContext {
  return { actorId, now: options.now ?? Date.now, origin: { source, actorId }, ...(options.deviceId !== undefined ? { deviceId: options.deviceId } : {}) }
}

/** Runs `change` as one transaction on `doc` with the context's origin, and returns what it returns. */
export function transact<T>(doc: Y.Doc, context: OperationContext, change: () => T): T {
  let result: T | undefined
  doc.transact(() => {
    result = change()
  }, context.origin)
  return result as T
}

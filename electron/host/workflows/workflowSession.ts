import type * as Y from 'yjs'
import type { OperationContext } from '../../../shared/operations/context.ts'
import type { ChannelDocs } from '../../../shared/operations/messages.ts'

/**
 * What workflows and review need from an open workspace. A WorkspaceSession (../workspaceSession.ts) is
 * one; tests pass a plain object over in-memory docs.
 */
export interface WorkflowSession {
  readonly root: Y.Doc
  /** This device: recorded on the tasks it creates, so its task runner is the one that claims them. */
  readonly deviceId: string
  /** The person at this device (manual runs, approvals, requests for changes). */
  readonly context: OperationContext
  withChannel<T>(channelId: string, change: (docs: ChannelDocs) => T | Promise<T>): Promise<T>
}

/**
 * A context acting as another member from this device: a coworker posting a note, or the scheduler
 * creating a slot's task. The origin says the Host made the change, not the person at the keyboard.
 */
export function actingAs(session: Pick<WorkflowSession, 'deviceId'>, actorId: string, now: () => number): OperationContext {
  return { actorId, now, origin: { source: 'host', actorId }, deviceId: session.deviceId }
}

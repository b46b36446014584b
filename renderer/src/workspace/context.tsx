import { createContext, useContext } from 'react'
import type * as Y from 'yjs'
import type { Bridge, EventPayload, RequestOutput } from '../../../shared/bridge/contract.ts'
import type { OperationContext } from '../../../shared/operations/context.ts'
import type { Problem } from '../data/problems.ts'
import type { ReplicaPool } from '../data/replicaPool.ts'
import type { LastReadStore } from '../lib/unread.ts'

export type OpenedWorkspace = RequestOutput<'workspaces.open'>
export type ModelSettings = RequestOutput<'settings.get'>
export type SyncState = Pick<EventPayload<'sync.status'>, 'status' | 'detail'>

export interface Toast {
  id: number
  tone: 'info' | 'error' | 'success'
  title: string
  body?: string | null
  action?: { label: string; run: () => void }
}

/** Everything a view of an open workspace needs. */
export interface WorkspaceContextValue {
  bridge: Bridge
  workspace: OpenedWorkspace
  pool: ReplicaPool
  root: Y.Doc
  /** Who acts for changes made in this window: the person, from the UI, on this device. */
  context: OperationContext
  lastRead: LastReadStore
  /** This device's model settings; null until known (or when the Host could not say: see modelsProblem). */
  models: ModelSettings | null
  modelsProblem: Problem | null
  setModels: (models: ModelSettings) => void
  sync: SyncState
  toast: (toast: Omit<Toast, 'id'>) => void
  reportProblem: (problem: Problem) => void
  openQuickSwitcher: () => void
  openWorkspaceSetup: () => void
}

export const WorkspaceContext = createContext<WorkspaceContextValue | null>(null)

export function useWorkspace(): WorkspaceContextValue {
  const value = useContext(WorkspaceContext)
  if (value === null) throw new Error('useWorkspace outside a workspace')
  return value
}

/** Whether coworker tasks can run on this device (they use the Anthropic provider). */
export function coworkersCanRun(models: ModelSettings | null): boolean {
  return models?.anthropic.configured === true
}

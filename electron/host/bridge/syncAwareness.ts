import type { Awareness } from 'y-protocols/awareness'
import type { Logger } from '../../../shared/log.ts'
import type { HostOptions } from '../host.ts'
import { WorkspaceSync } from '../sync/workspaceSync.ts'
import type { DocSync } from '../workspaceSession.ts'

/** Finds the sync provider's awareness of an open doc, so presence reaches other devices. */
export type AwarenessSource = (workspaceId: string, docName: string) => Awareness | undefined

/**
 * A `createSync` for Host.open that remembers each workspace's WorkspaceSync, so the bridge can reach the
 * awareness of a doc's provider (the session keeps its sync private). Pass `createSync` to Host.open and
 * `awarenessOf` to the BridgeHost.
 */
export function trackWorkspaceSyncs(make: (options: SyncOptions) => DocSync & { awareness?(name: string): Awareness | undefined } = (options) => new WorkspaceSync(options)) {
  const syncs = new Map<string, DocSync & { awareness?(name: string): Awareness | undefined }>()
  const createSync: NonNullable<HostOptions['createSync']> = (options) => {
    const sync = make(options)
    syncs.set(options.workspaceId, sync)
    return sync
  }
  const awarenessOf: AwarenessSource = (workspaceId, docName) => syncs.get(workspaceId)?.awareness?.(docName)
  return { createSync, awarenessOf }
}

type SyncOptions = { serverUrl: string; token: string; workspaceId: string; log: Logger }

import type { TaskRecord } from '../../../shared/model/types.ts'

/**
 * Which tasks this device should run, decided from the task record alone (design section 5): the device
 * that created a queued task runs it; a running task whose lease has lapsed may be taken over by any
 * device that can run coworkers, and so may a queued task its creator left unclaimed for `orphanAfterMs`
 * (posted from a command line that exited, say). A stop asked of a task whose runner is gone is recorded
 * by any device once the lease lapses. A device whose workspace has a sync server claims only while it is in
 * sync with it: a lease that looks lapsed to a device that is behind may well have been renewed, and a
 * claim made offline could settle against a run that already published.
 */

export interface DeviceView {
  deviceId: string
  now: number
  /** True when the workspace has no server, or this device is in sync with it right now. */
  inSync: boolean
  /** Whether this device has a model to run coworkers with (ModelSettings.canRunCoworkers). */
  canRunCoworkers: boolean
  /** How long a queued task waits for its creator before others may run it. */
  orphanAfterMs: number
}

export type TaskStep =
  /** Claim it and run it: this device created it. */
  | { kind: 'run' }
  /** Claim it and run it again: the run that held it stopped renewing its lease. */
  | { kind: 'take-over' }
  /** Look again at `at` (a live lease lapses then), or when sync comes back. */
  | { kind: 'wait'; until: number | 'sync' }
  /** Record the stop of a task whose runner is gone (settleStoppedTask). */
  | { kind: 'settle-stop' }
  /** Nothing for this device to do. */
  | { kind: 'none' }

export function stepFor(task: TaskRecord, view: DeviceView): TaskStep {
  if (task.status === 'succeeded' || task.status === 'failed' || task.status === 'stopped') return { kind: 'none' }
  // A stop asked of a queued task ends it at once (requestStop); a running one is stopped by its runner,
  // or, when that runner is gone, recorded by whoever notices its lease lapsed.
  if (task.stopRequest !== null) {
    if (task.status !== 'running') return { kind: 'none' }
    if (task.claim !== null && task.claim.leaseUntil > view.now) return { kind: 'wait', until: task.claim.leaseUntil }
    return view.inSync ? { kind: 'settle-stop' } : { kind: 'wait', until: 'sync' }
  }
  if (task.status === 'queued') {
    if (task.createdByDevice === view.deviceId) return view.inSync ? { kind: 'run' } : { kind: 'wait', until: 'sync' }
    const orphanedAt = task.createdAt + view.orphanAfterMs
    if (view.now < orphanedAt) return { kind: 'wait', until: orphanedAt }
    if (!view.canRunCoworkers) return { kind: 'none' }
    return view.inSync ? { kind: 'take-over' } : { kind: 'wait', until: 'sync' }
  }
  // running
  const claim = task.claim
  if (claim === null) return view.inSync && view.canRunCoworkers ? { kind: 'take-over' } : { kind: 'none' }
  if (claim.leaseUntil > view.now) return { kind: 'wait', until: claim.leaseUntil }
  if (!view.canRunCoworkers) return { kind: 'none' }
  return view.inSync ? { kind: 'take-over' } : { kind: 'wait', until: 'sync' }
}

import * as Y from 'yjs'
import { channelCollections } from './channelDoc.ts'

/**
 * A coworker task's audit trail: every step of every run, appended to the channel doc where everyone in
 * the workspace can read it. Each run writes its own array (`trails`: `<taskId>/<runId>` →
 * Y.Array<TrailEntry>): two devices creating one shared array at once would keep only one of them after
 * the merge, and lose the other's entries. Readers join a task's runs in time order; when two devices
 * raced for a task they see both, the loser's ending at its first check, having published nothing.
 *
 * While a run streams its reply, the text grows in `liveText` (keyed by task id) so every synced device
 * sees it arrive; when the run publishes, the reply becomes an ordinary message and the live text is
 * removed.
 */
export type TrailEntry =
  | { type: 'claimed'; at: number; runId: string; deviceId: string; attempt: number }
  | { type: 'context'; at: number; runId: string; summary: string; tokens: number }
  | { type: 'turn'; at: number; runId: string; turn: number; inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number; durationMs: number }
  | { type: 'tool-call'; at: number; runId: string; callId: string; tool: string; input: unknown }
  | { type: 'tool-result'; at: number; runId: string; callId: string; tool: string; ok: boolean; summary: string; durationMs: number }
  | { type: 'tool-refused'; at: number; runId: string; callId: string; tool: string; reason: string }
  | { type: 'retry'; at: number; runId: string; attempt: number; delayMs: number; reason: string }
  | { type: 'stop-requested'; at: number; runId: string; by: string }
  | { type: 'lost-claim'; at: number; runId: string; winnerRunId: string }
  | { type: 'finished'; at: number; runId: string; status: 'succeeded' | 'failed' | 'stopped'; reason: string | null; messageId: string | null }

/** The live text of a task while it streams: which run writes it, and the text so far. */
export interface LiveReply {
  runId: string
  text: Y.Text
}

const trailKey = (taskId: string, runId: string) => `${taskId}/${runId}`

/** Appends entries to the trails of the runs that wrote them. */
export function appendTrail(channelDoc: Y.Doc, taskId: string, entries: TrailEntry[], origin: unknown): void {
  const { trails } = channelCollections(channelDoc)
  channelDoc.transact(() => {
    for (const entry of entries) {
      const key = trailKey(taskId, entry.runId)
      let trail = trails.get(key)
      if (trail === undefined) {
        trail = new Y.Array<unknown>()
        trails.set(key, trail)
      }
      trail.push([entry])
    }
  }, origin)
}

/** A task's whole trail: every run's entries, in time order (a run's own entries keep their order). */
export function readTrail(channelDoc: Y.Doc, taskId: string): TrailEntry[] {
  const prefix = `${taskId}/`
  const runs: TrailEntry[][] = []
  for (const [key, trail] of channelCollections(channelDoc).trails) if (key.startsWith(prefix)) runs.push(trail.toArray() as TrailEntry[])
  runs.sort((a, b) => (a[0]?.at ?? 0) - (b[0]?.at ?? 0))
  return runs.flatMap((run, order) => run.map((entry, index) => ({ entry, order, index }))).sort((a, b) => a.entry.at - b.entry.at || a.order - b.order || a.index - b.index).map(({ entry }) => entry)
}

/** Starts (or restarts, for a new run) the live text of a task's reply. */
export function startLiveReply(channelDoc: Y.Doc, taskId: string, runId: string, origin: unknown): Y.Text {
  const { liveText } = channelCollections(channelDoc)
  let text: Y.Text | undefined
  channelDoc.transact(() => {
    const entry = new Y.Map<unknown>()
    text = new Y.Text()
    entry.set('runId', runId)
    entry.set('text', text)
    liveText.set(taskId, entry)
  }, origin)
  return text!
}

/** The live reply of a task, if one is streaming. */
export function readLiveReply(channelDoc: Y.Doc, taskId: string): LiveReply | null {
  const entry = channelCollections(channelDoc).liveText.get(taskId)
  if (entry === undefined) return null
  return { runId: entry.get('runId') as string, text: entry.get('text') as Y.Text }
}

/** Removes a run's live text (when it published, stopped, or lost its claim); another run's is left alone. */
export function endLiveReply(channelDoc: Y.Doc, taskId: string, runId: string, origin: unknown): void {
  const live = readLiveReply(channelDoc, taskId)
  if (live === null || live.runId !== runId) return
  channelDoc.transact(() => channelCollections(channelDoc).liveText.delete(taskId), origin)
}

import type * as Y from 'yjs'
import { appendTrail, type TrailEntry } from '../../../shared/model/trail.ts'
import type { Clock } from './timing.ts'

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** A trail entry as a run writes it; the time and the run's id are added. */
export type TrailInput = DistributiveOmit<TrailEntry, 'at' | 'runId'>

/** The most characters of a tool call's input kept in the trail; longer inputs are cut with a note. */
const maxInputChars = 4_000

/** Appends one run's steps to its task's audit trail in the channel doc, each as one transaction. */
export class RunTrail {
  constructor(
    private readonly channel: Y.Doc,
    private readonly taskId: string,
    readonly runId: string,
    private readonly origin: unknown,
    private readonly clock: Clock
  ) {}

  add(entry: TrailInput): void {
    appendTrail(this.channel, this.taskId, [this.entry(entry)], this.origin)
  }

  /** The entry as stored, for callers that write it inside a transaction of their own. */
  entry(entry: TrailInput): TrailEntry {
    return { ...entry, at: this.clock.now(), runId: this.runId } as TrailEntry
  }
}

/** A tool call's input as the trail keeps it: as it is, or cut to a preview when it is long. */
export function trailInput(input: unknown): unknown {
  let json: string | undefined
  try {
    json = JSON.stringify(input)
  } catch {
    return { unreadable: true }
  }
  if (json === undefined || json.length <= maxInputChars) return input ?? null
  return { truncated: true, characters: json.length, preview: json.slice(0, maxInputChars) }
}

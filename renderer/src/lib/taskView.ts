import type { TrailEntry } from '../../../shared/model/trail.ts'
import type { TaskRecord } from '../../../shared/model/types.ts'

/**
 * How a coworker task reads in the UI, as pure functions over the task record and its audit trail:
 * the one-line live status ("searching memory…", "writing Weekly report"), and the trail as steps
 * (a tool call with its result and timing, or its refusal).
 */

export type RunEntry = TrailEntry

/**
 * The run to show: the one holding the task's claim (the winner, when two devices raced), else the last
 * run that wrote to the trail.
 */
export function shownRunId(task: Pick<TaskRecord, 'claim'>, trail: readonly TrailEntry[]): string | null {
  if (task.claim !== null) return task.claim.runId
  return trail.at(-1)?.runId ?? null
}

export function runIds(trail: readonly TrailEntry[]): string[] {
  const ids: string[] = []
  for (const entry of trail) if (!ids.includes(entry.runId)) ids.push(entry.runId)
  return ids
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null
}

function field(input: unknown, name: string): string | null {
  return input !== null && typeof input === 'object' ? text((input as Record<string, unknown>)[name]) : null
}

function quoteShort(value: string, max = 48): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value
}

/** What a tool call is doing, in words, from its name and input. */
export function describeToolCall(tool: string, input: unknown, names: { deliverable?: (id: string) => string | null; channel?: (id: string) => string | null } = {}): string {
  const title = field(input, 'title')
  const query = field(input, 'query')
  const deliverableId = field(input, 'deliverableId')
  const deliverable = deliverableId === null ? null : (names.deliverable?.(deliverableId) ?? null)
  const channelId = field(input, 'channelId') ?? field(input, 'channel')
  const channel = channelId === null ? null : (names.channel?.(channelId) ?? channelId.replace(/^#/, ''))
  switch (tool) {
    case 'search_workspace':
      return query === null ? 'searching the workspace' : `searching the workspace for “${quoteShort(query, 32)}”`
    case 'recall':
      return 'searching memory'
    case 'remember':
      return 'saving to memory'
    case 'read_channel':
      return channel === null ? 'reading the channel' : `reading #${channel}`
    case 'read_deliverable':
      return deliverable === null ? 'reading a deliverable' : `reading ${quoteShort(deliverable)}`
    case 'list_files':
      return 'looking through files'
    case 'read_file':
      return 'reading a file'
    case 'create_document':
      return title === null ? 'writing a document' : `writing ${quoteShort(title)}`
    case 'edit_document':
      return deliverable === null ? 'editing a document' : `editing ${quoteShort(deliverable)}`
    case 'create_tracker':
      return title === null ? 'building a tracker' : `building ${quoteShort(title)}`
    case 'add_tracker_rows':
      return deliverable === null ? 'adding tracker rows' : `adding rows to ${quoteShort(deliverable)}`
    case 'update_tracker_row':
      return deliverable === null ? 'updating a tracker' : `updating ${quoteShort(deliverable)}`
    case 'post_message':
      return 'posting a message'
    case 'request_review':
      return 'asking for a review'
    default:
      return `using ${tool}`
  }
}

export interface StatusLine {
  text: string
  tone: 'working' | 'waiting' | 'warning' | 'done' | 'failed' | 'stopped'
}

/**
 * The live status of a task, from its record and the latest trail entry of its shown run. `writing` says
 * whether reply text is streaming right now.
 */
export function taskStatusLine(
  task: Pick<TaskRecord, 'status' | 'claim' | 'stopRequest' | 'endReason'>,
  trail: readonly TrailEntry[],
  options: { writing?: boolean; names?: Parameters<typeof describeToolCall>[2] } = {}
): StatusLine {
  switch (task.status) {
    case 'succeeded':
      return { text: 'done', tone: 'done' }
    case 'failed':
      return { text: task.endReason ?? 'failed', tone: 'failed' }
    case 'stopped':
      return { text: task.endReason ?? 'stopped', tone: 'stopped' }
    case 'queued':
      return task.stopRequest !== null ? { text: 'stopping…', tone: 'warning' } : { text: 'waiting to start…', tone: 'waiting' }
    case 'running':
      break
  }
  if (task.stopRequest !== null) return { text: 'stopping…', tone: 'warning' }
  const runId = shownRunId(task, trail)
  let latest: TrailEntry | undefined
  for (let index = trail.length - 1; index >= 0; index--) {
    if (trail[index]!.runId === runId) {
      latest = trail[index]
      break
    }
  }
  if (latest === undefined) return { text: 'starting…', tone: 'working' }
  switch (latest.type) {
    case 'claimed':
      return { text: latest.attempt > 1 ? 'picking up where another device left off…' : 'starting…', tone: 'working' }
    case 'tool-call':
      return { text: `${describeToolCall(latest.tool, latest.input, options.names)}…`, tone: 'working' }
    case 'tool-refused':
      return { text: `${latest.tool} was refused; carrying on…`, tone: 'warning' }
    case 'retry':
      return { text: `the model is busy; retrying in ${Math.max(1, Math.round(latest.delayMs / 1000))}s…`, tone: 'warning' }
    case 'stop-requested':
      return { text: 'stopping…', tone: 'warning' }
    case 'lost-claim':
      return { text: 'another device took this over…', tone: 'waiting' }
    case 'finished':
      return latest.status === 'succeeded' ? { text: 'publishing…', tone: 'working' } : { text: latest.reason ?? latest.status, tone: latest.status === 'failed' ? 'failed' : 'stopped' }
    // The context is read before its entry is written: from then on, as after a turn or a tool, the model is at work.
    case 'context':
    case 'turn':
    case 'tool-result':
      return { text: options.writing === true ? 'writing a reply…' : 'thinking…', tone: 'working' }
  }
}

export type TrailStep =
  | { kind: 'tool'; callId: string; tool: string; description: string; input: unknown; at: number; result: { ok: boolean; summary: string; durationMs: number } | null }
  | { kind: 'refused'; callId: string; tool: string; description: string; input: unknown; at: number; reason: string }
  /** `promptTokens` is the whole prompt: uncached input, plus what was read from and written to the cache. */
  | { kind: 'turn'; at: number; turn: number; promptTokens: number; outputTokens: number; cacheReadTokens: number; durationMs: number }
  | { kind: 'note'; at: number; tone: 'info' | 'warning' | 'failed' | 'done'; text: string }

/** One run's trail as steps: each tool call joined with its result (or refusal), turns and notes between. */
export function trailSteps(trail: readonly TrailEntry[], runId: string | null, names?: Parameters<typeof describeToolCall>[2]): TrailStep[] {
  const steps: TrailStep[] = []
  const calls = new Map<string, TrailStep & { kind: 'tool' }>()
  for (const entry of trail) {
    if (runId !== null && entry.runId !== runId) continue
    switch (entry.type) {
      case 'claimed':
        steps.push({ kind: 'note', at: entry.at, tone: 'info', text: entry.attempt > 1 ? `Taken over by another device (attempt ${entry.attempt})` : 'Started' })
        break
      case 'context':
        steps.push({ kind: 'note', at: entry.at, tone: 'info', text: `Read context: ${entry.summary}` })
        break
      case 'turn':
        steps.push({
          kind: 'turn',
          at: entry.at,
          turn: entry.turn,
          promptTokens: entry.inputTokens + entry.cacheReadTokens + entry.cacheWriteTokens,
          outputTokens: entry.outputTokens,
          cacheReadTokens: entry.cacheReadTokens,
          durationMs: entry.durationMs
        })
        break
      case 'tool-call': {
        const step = { kind: 'tool' as const, callId: entry.callId, tool: entry.tool, description: describeToolCall(entry.tool, entry.input, names), input: entry.input, at: entry.at, result: null }
        calls.set(entry.callId, step)
        steps.push(step)
        break
      }
      case 'tool-result': {
        const call = calls.get(entry.callId)
        const result = { ok: entry.ok, summary: entry.summary, durationMs: entry.durationMs }
        if (call !== undefined) call.result = result
        else steps.push({ kind: 'tool', callId: entry.callId, tool: entry.tool, description: describeToolCall(entry.tool, undefined, names), input: undefined, at: entry.at, result })
        break
      }
      case 'tool-refused': {
        const call = calls.get(entry.callId)
        const refused = { kind: 'refused' as const, callId: entry.callId, tool: entry.tool, description: call?.description ?? describeToolCall(entry.tool, undefined, names), input: call?.input, at: entry.at, reason: entry.reason }
        if (call !== undefined) steps[steps.indexOf(call)] = refused
        else steps.push(refused)
        break
      }
      case 'retry':
        steps.push({ kind: 'note', at: entry.at, tone: 'warning', text: `Retried (attempt ${entry.attempt}) after ${Math.round(entry.delayMs / 100) / 10}s: ${entry.reason}` })
        break
      case 'stop-requested':
        steps.push({ kind: 'note', at: entry.at, tone: 'warning', text: 'Asked to stop' })
        break
      case 'lost-claim':
        steps.push({ kind: 'note', at: entry.at, tone: 'warning', text: 'Another device won this task; this run stopped and published nothing' })
        break
      case 'finished':
        steps.push({
          kind: 'note',
          at: entry.at,
          tone: entry.status === 'succeeded' ? 'done' : entry.status === 'failed' ? 'failed' : 'warning',
          text: entry.status === 'succeeded' ? 'Finished' : `${entry.status === 'failed' ? 'Failed' : 'Stopped'}${entry.reason === null ? '' : `: ${entry.reason}`}`
        })
        break
    }
  }
  return steps
}

/** Counts for a trail's summary line. */
export function trailSummary(steps: readonly TrailStep[]): { toolCalls: number; refused: number; failed: number; turns: number } {
  let toolCalls = 0
  let refused = 0
  let failed = 0
  let turns = 0
  for (const step of steps) {
    if (step.kind === 'tool') {
      toolCalls++
      if (step.result?.ok === false) failed++
    } else if (step.kind === 'refused') refused++
    else if (step.kind === 'turn') turns++
  }
  return { toolCalls, refused, failed, turns }
}

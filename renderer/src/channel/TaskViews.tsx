import { Ban, ChartColumn, Check, ChevronRight, CircleStop, FileText, ListTree, Table2, TriangleAlert, Wrench, X } from 'lucide-react'
import { useId, useState } from 'react'
import { rootCollections } from '../../../shared/model/rootDoc.ts'
import { readLiveReply, readTrail, type TrailEntry } from '../../../shared/model/trail.ts'
import type { Deliverable, TaskRecord } from '../../../shared/model/types.ts'
import { Avatar, Button, cx, MemberName, Tooltip } from '../components/ui.tsx'
import { taskStatusLine, trailSteps, trailSummary, shownRunId, runIds, type StatusLine, type TrailStep } from '../lib/taskView.ts'
import { formatDuration, formatTime, formatTokens } from '../lib/time.ts'
import { coworkersCanRun, useWorkspace } from '../workspace/context.tsx'
import { Markdown } from './Markdown.tsx'
import { useChannel } from './channelContext.tsx'

/** Names the trail's descriptions use: a deliverable's title, a channel's name. */
export function useTrailNames() {
  const { root } = useWorkspace()
  const { deliverables, channels } = rootCollections(root)
  return {
    deliverable: (id: string) => (deliverables.get(id)?.get('title') as string | undefined) ?? null,
    channel: (id: string) => (channels.get(id)?.get('name') as string | undefined) ?? null
  }
}

const toneClass: Record<StatusLine['tone'], string> = {
  working: 'text-coworker-text',
  waiting: 'text-fg-muted',
  warning: 'text-warning',
  done: 'text-success',
  failed: 'text-danger',
  stopped: 'text-fg-muted'
}

/** "searching memory…": what a running task is doing now, from the latest step of its trail. */
export function TaskStatus({ task, trail, writing, className }: { task: TaskRecord; trail: readonly TrailEntry[]; writing: boolean; className?: string }) {
  const names = useTrailNames()
  const line = taskStatusLine(task, trail, { writing, names })
  const live = line.tone === 'working' || line.tone === 'waiting' || line.tone === 'warning'
  return (
    <p role="status" aria-live="polite" aria-label={`Status: ${line.text}`} className={cx('flex min-w-0 items-center gap-1.5 text-sm', toneClass[line.tone], className)}>
      {live && <span aria-hidden className={cx('size-1.5 shrink-0 rounded-full', line.tone === 'working' ? 'animate-pulse-dot bg-coworker' : 'bg-current')} />}
      <span className="truncate">{line.text}</span>
    </p>
  )
}

/** A coworker's reply while its task runs: live text with a caret, status line, steps, and Stop. */
export function TaskLiveRow({ task }: { task: TaskRecord }) {
  const { doc, membersById, stopTask, openTrail } = useChannel()
  const { models } = useWorkspace()
  const coworker = membersById.get(task.coworkerId) ?? null
  const live = readLiveReply(doc, task.id)
  const text = live?.text.toString() ?? ''
  const trail = readTrail(doc, task.id)
  const [expanded, setExpanded] = useState(false)
  const stopping = task.stopRequest !== null
  return (
    <div className="group relative flex gap-3 px-5 py-2 hover:bg-bg-subtle/60" aria-label={`${coworker?.name ?? 'Coworker'} is working`} role="group">
      <Avatar member={coworker} />
      <div className="min-w-0 flex-1">
        <div className="flex items-center gap-2">
          <MemberName member={coworker} />
          <span className="text-xs text-fg-subtle">{formatTime(task.startedAt ?? task.createdAt)}</span>
        </div>
        <TaskStatus task={task} trail={trail} writing={text !== ''} className="mt-0.5" />
        {task.status === 'queued' && models !== null && !coworkersCanRun(models) && (
          <p className="mt-0.5 text-xs text-fg-subtle">No model is set up on this device; a teammate’s device with a model can pick this up.</p>
        )}
        {text !== '' ? <Markdown text={text} streaming className="mt-1" /> : task.status === 'running' && <span aria-hidden className="streaming-caret mt-1 block h-5" />}
        <div className="mt-1.5 flex flex-wrap items-center gap-1.5">
          <Button size="sm" variant="secondary" onClick={() => stopTask(task.id)} disabled={stopping} aria-label="Stop" title={`Stop ${coworker?.name ?? 'the coworker'}`}>
            <CircleStop aria-hidden className="size-3.5 text-danger" />
            {stopping ? 'Stopping…' : 'Stop'}
          </Button>
          {trail.length > 0 && (
            <Button size="sm" variant="ghost" aria-expanded={expanded} onClick={() => setExpanded((value) => !value)}>
              <ChevronRight aria-hidden className={cx('size-3.5 transition-transform', expanded && 'rotate-90')} />
              {expanded ? 'Hide steps' : 'Show steps'}
            </Button>
          )}
          <Button size="sm" variant="ghost" onClick={() => openTrail(task.id)}>
            <ListTree aria-hidden className="size-3.5" />
            Open trail
          </Button>
        </div>
        {expanded && <TrailList task={task} trail={trail} className="mt-2" />}
      </div>
    </div>
  )
}

/** Under a coworker's published reply: how the work went, expanding into the trail. */
export function TaskFooter({ task }: { task: TaskRecord }) {
  const { doc, openTrail } = useChannel()
  const names = useTrailNames()
  const [expanded, setExpanded] = useState(false)
  const listId = useId()
  const trail = readTrail(doc, task.id)
  const steps = trailSteps(trail, shownRunId(task, trail), names)
  const summary = trailSummary(steps)
  const duration = task.startedAt !== null && task.finishedAt !== null ? task.finishedAt - task.startedAt : null
  const parts = [
    summary.toolCalls > 0 ? `${summary.toolCalls} tool call${summary.toolCalls === 1 ? '' : 's'}` : 'no tool calls',
    summary.refused > 0 ? `${summary.refused} refused` : null,
    duration !== null ? formatDuration(duration) : null
  ].filter(Boolean)
  return (
    <div className="mt-1.5">
      <div className="flex flex-wrap items-center gap-1">
        <button
          type="button"
          aria-expanded={expanded}
          aria-controls={listId}
          onClick={() => setExpanded((value) => !value)}
          className="inline-flex h-6 items-center gap-1 rounded-md px-1.5 text-xs text-fg-muted hover:bg-bg-muted hover:text-fg"
        >
          <ChevronRight aria-hidden className={cx('size-3.5 transition-transform', expanded && 'rotate-90')} />
          {expanded ? 'Hide audit trail' : 'Show audit trail'}
          <span className="text-fg-subtle">· {parts.join(' · ')}</span>
          {summary.refused > 0 && <Ban aria-label="has refused tool calls" className="size-3 text-danger" />}
        </button>
        <Tooltip content="Open the trail beside the channel">
          <button type="button" aria-label="Open trail in side panel" onClick={() => openTrail(task.id)} className="inline-flex size-6 items-center justify-center rounded-md text-fg-subtle hover:bg-bg-muted hover:text-fg">
            <ListTree className="size-3.5" />
          </button>
        </Tooltip>
      </div>
      {expanded && (
        <div id={listId}>
          <TrailList task={task} trail={trail} className="mt-1" />
        </div>
      )}
    </div>
  )
}

/** The audit trail of one run: tool calls with their results and timing, refusals marked, turns and notes. */
export function TrailList({ task, trail, className, runId }: { task: TaskRecord; trail: readonly TrailEntry[]; className?: string; runId?: string | null }) {
  const names = useTrailNames()
  const shown = runId === undefined ? shownRunId(task, trail) : runId
  const steps = trailSteps(trail, shown, names)
  if (steps.length === 0) return <p className={cx('text-xs text-fg-subtle', className)}>No steps yet.</p>
  return (
    <ol aria-label="Audit trail" className={cx('flex flex-col rounded-lg border border-border bg-bg-subtle/60 py-1 text-xs', className)}>
      {steps.map((step, index) => (
        <TrailStepRow key={index} step={step} />
      ))}
    </ol>
  )
}

function TrailStepRow({ step }: { step: TrailStep }) {
  const [open, setOpen] = useState(false)
  switch (step.kind) {
    case 'tool': {
      const result = step.result
      return (
        <li className="px-2.5 py-1">
          <button type="button" aria-expanded={open} onClick={() => setOpen((value) => !value)} className="flex w-full items-center gap-2 rounded-sm text-left">
            <span aria-hidden className={cx('flex size-4 shrink-0 items-center justify-center rounded-sm', result === null ? 'text-coworker' : result.ok ? 'text-success' : 'text-danger')}>
              {result === null ? <Wrench className="size-3" /> : result.ok ? <Check className="size-3" /> : <X className="size-3" />}
            </span>
            <span className="min-w-0 flex-1 truncate text-fg">{capitalize(step.description)}</span>
            <code className="shrink-0 font-mono text-[11px] text-fg-subtle">{step.tool}</code>
            <span className="w-14 shrink-0 text-right text-fg-subtle tabular-nums">{result === null ? 'running' : formatDuration(result.durationMs)}</span>
          </button>
          {result !== null && result.summary !== '' && <p className={cx('mt-0.5 ml-6 line-clamp-2', result.ok ? 'text-fg-muted' : 'text-danger')}>{result.summary}</p>}
          {open && step.input !== undefined && <pre className="mt-1 ml-6 max-h-48 overflow-auto rounded-md border border-border bg-bg p-2 font-mono text-[11px] text-fg-muted">{JSON.stringify(step.input, null, 2)}</pre>}
        </li>
      )
    }
    case 'refused':
      return (
        <li className="px-2.5 py-1" aria-label={`Refused: ${step.tool}`}>
          <div className="flex items-center gap-2">
            <Ban aria-hidden className="size-3.5 shrink-0 text-danger" />
            <span className="min-w-0 flex-1 truncate text-fg">{capitalize(step.description)}</span>
            <span className="rounded-sm bg-danger-subtle px-1 text-[10px] font-semibold tracking-wide text-danger uppercase">Refused</span>
            <code className="shrink-0 font-mono text-[11px] text-fg-subtle">{step.tool}</code>
          </div>
          <p className="mt-0.5 ml-5.5 text-fg-muted">{step.reason}</p>
        </li>
      )
    case 'turn':
      return (
        <li className="flex items-center gap-2 px-2.5 py-1 text-fg-subtle">
          <span aria-hidden className="flex size-4 items-center justify-center">
            <span className="size-1 rounded-full bg-fg-subtle" />
          </span>
          <span className="flex-1">
            Model turn {step.turn} · {formatTokens(step.promptTokens)} in · {formatTokens(step.outputTokens)} out
            {step.cacheReadTokens > 0 && ` · ${formatTokens(step.cacheReadTokens)} from cache`}
          </span>
          <span className="w-14 text-right tabular-nums">{formatDuration(step.durationMs)}</span>
        </li>
      )
    case 'note':
      return (
        <li className={cx('flex items-center gap-2 px-2.5 py-1', step.tone === 'failed' ? 'text-danger' : step.tone === 'warning' ? 'text-warning' : step.tone === 'done' ? 'text-success' : 'text-fg-subtle')}>
          <span aria-hidden className="flex size-4 items-center justify-center">
            {step.tone === 'warning' || step.tone === 'failed' ? <TriangleAlert className="size-3" /> : step.tone === 'done' ? <Check className="size-3" /> : <span className="size-1 rounded-full bg-current" />}
          </span>
          <span className="flex-1">{step.text}</span>
          <span className="text-fg-subtle tabular-nums">{formatTime(step.at)}</span>
        </li>
      )
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

export function RunPicker({ task, trail, runId, onChange }: { task: TaskRecord; trail: readonly TrailEntry[]; runId: string | null; onChange: (runId: string) => void }) {
  const runs = runIds(trail)
  if (runs.length < 2) return null
  const winner = shownRunId(task, trail)
  return (
    <div role="radiogroup" aria-label="Runs" className="flex flex-wrap gap-1">
      {runs.map((id, index) => (
        <button
          key={id}
          type="button"
          role="radio"
          aria-checked={id === runId}
          onClick={() => onChange(id)}
          className={cx('h-6 rounded-md border px-2 text-xs', id === runId ? 'border-accent bg-accent-subtle text-accent-text' : 'border-border text-fg-muted hover:bg-bg-muted')}
        >
          Run {index + 1}
          {id === winner ? ' (shown)' : ' (stopped)'}
        </button>
      ))}
    </div>
  )
}

const kindIcon: Record<Deliverable['kind'], typeof FileText> = { document: FileText, tracker: Table2, report: ChartColumn }
const statusStyle: Record<Deliverable['status'], { label: string; className: string }> = {
  draft: { label: 'Draft', className: 'bg-bg-muted text-fg-muted' },
  'in-review': { label: 'In review', className: 'bg-warning-subtle text-warning' },
  approved: { label: 'Approved', className: 'bg-success-subtle text-success' }
}

/** Cards for the deliverables a message links to. */
export function DeliverableCards({ ids }: { ids: readonly string[] }) {
  const { deliverable } = useChannel()
  if (ids.length === 0) return null
  return (
    <ul className="mt-2 flex flex-wrap gap-2" aria-label="Linked deliverables">
      {ids.map((id) => {
        const item = deliverable(id)
        if (item === null) {
          return (
            <li key={id} className="flex h-14 w-72 items-center gap-3 rounded-lg border border-dashed border-border px-3 text-xs text-fg-subtle">
              <FileText aria-hidden className="size-4" /> This deliverable is not on this device yet.
            </li>
          )
        }
        const Icon = kindIcon[item.kind]
        const status = statusStyle[item.status]
        return (
          <li key={id}>
            <a
              href={`#/deliverables/${id}`}
              aria-label={`Open ${item.kind} ${item.title}, ${status.label}`}
              className="flex w-72 items-center gap-3 rounded-lg border border-border bg-bg px-3 py-2.5 shadow-sm transition-colors hover:border-border-strong hover:bg-bg-subtle"
            >
              <span aria-hidden className="flex size-9 shrink-0 items-center justify-center rounded-md bg-accent-subtle text-accent-text">
                <Icon className="size-4.5" />
              </span>
              <span className="min-w-0 flex-1">
                <span className="block truncate text-sm font-medium text-fg">{item.title}</span>
                <span className="mt-0.5 flex items-center gap-1.5 text-xs text-fg-subtle">
                  <span className="capitalize">{item.kind}</span>
                  <span className={cx('rounded-sm px-1 text-[10px] leading-4 font-semibold', status.className)}>{status.label}</span>
                </span>
              </span>
            </a>
          </li>
        )
      })}
    </ul>
  )
}

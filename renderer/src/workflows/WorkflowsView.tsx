import { CalendarClock, ChevronRight, Clock, ListTree, Play, Plus, ShieldCheck, ShieldOff, Workflow as WorkflowIcon } from 'lucide-react'
import { useMemo, useState } from 'react'
import { rootCollections } from '../../../shared/model/rootDoc.ts'
import type { Channel, Deliverable, Member, Workflow } from '../../../shared/model/types.ts'
import { listChannels } from '../../../shared/operations/channels.ts'
import { listCoworkers } from '../../../shared/operations/coworkers.ts'
import { findMember } from '../../../shared/operations/members.ts'
import { getTask } from '../../../shared/operations/tasks.ts'
import { workflowHistory, type WorkflowRun } from '../../../shared/operations/workflowRuns.ts'
import { editWorkflow, listWorkflows, nextRunOf, removeWorkflow } from '../../../shared/operations/workflows.ts'
import { navigate } from '../app/route.ts'
import { Switch } from '../components/forms.tsx'
import { EditAndRemoveButtons, FactSection, Page, PageBody, SectionTitle } from '../components/page.tsx'
import { Avatar, Button, CenteredEmptyState, ChannelChip, ConfirmDialog, cx, EmptyState, IconButton, Tooltip } from '../components/ui.tsx'
import { useDocVersion } from '../data/docStore.ts'
import { toProblem } from '../data/problems.ts'
import { formatDuration, formatFull, formatRelative, formatTokens } from '../lib/time.ts'
import { useWorkspace } from '../workspace/context.tsx'
import { formatUsd } from '../coworkers/coworkerForm.ts'
import { TaskStatusChip, TaskTrail } from '../coworkers/taskParts.tsx'
import { checkSchedule, cronToWords, formatRunTime, formatUntil, localTimeZone, zoneOffset } from './cronWords.ts'
import { ReviewQueue } from './ReviewQueue.tsx'
import { reviewQueue } from './reviewQueue.ts'
import { WorkflowDialog } from './WorkflowDialog.tsx'

/** `#/workflows`: the review queue and every workflow; `#/workflows/:id`: one, with its runs. */
export function WorkflowsView({ workflowId }: { workflowId: string | null }) {
  return workflowId === null ? <WorkflowList /> : <WorkflowPage key={workflowId} workflowId={workflowId} />
}

const workflowsCrumbs = [{ label: 'Workflows', href: '#/workflows' }]

function useLookups() {
  const { root } = useWorkspace()
  const version = useDocVersion(root)
  return useMemo(() => {
    const channels = new Map<string, Channel>(listChannels(root, { includeArchived: true }).map((channel) => [channel.id, channel]))
    return { channels, member: (id: string): Member | null => findMember(root, id) ?? null, version }
  }, [root, version])
}

/** Starts a run by hand; the Host makes the task (one per minute, however often it is pressed). */
function useRunNow() {
  const { bridge, workspace, toast } = useWorkspace()
  const [running, setRunning] = useState<string | null>(null)
  const run = (workflow: Workflow, channelName: string | null) => {
    setRunning(workflow.id)
    bridge
      .request('workflows.runNow', { workspaceId: workspace.workspaceId, workflowId: workflow.id })
      .then(() =>
        toast({
          tone: 'success',
          title: `Started ${workflow.name}`,
          body: channelName === null ? 'The coworker is on it.' : `Follow it in #${channelName}.`,
          action: { label: channelName === null ? 'Open channel' : `Open #${channelName}`, run: () => navigate({ view: 'channel', channelId: workflow.channelId }) }
        })
      )
      .catch((error: unknown) => {
        const problem = toProblem(error, 'Check that Commons is still running, then try again.')
        toast({ tone: 'error', title: `Could not run ${workflow.name}: ${problem.message}`, body: problem.hint })
      })
      .finally(() => setRunning(null))
  }
  return { running, run }
}

function setEnabled(root: ReturnType<typeof useWorkspace>['root'], context: ReturnType<typeof useWorkspace>['context'], workflow: Workflow, enabled: boolean, report: ReturnType<typeof useWorkspace>['reportProblem']) {
  try {
    editWorkflow(root, { workflowId: workflow.id, enabled }, context)
  } catch (error) {
    report(toProblem(error))
  }
}

// ---------------------------------------------------------------------------------------------------
// The list

function WorkflowList() {
  const { root, context, workspace, reportProblem } = useWorkspace()
  const { channels, member, version } = useLookups()
  const workflows = useMemo(() => listWorkflows(root), [root, version])
  const queue = useMemo(() => reviewQueue(root, workspace.memberId), [root, version, workspace.memberId])
  const hasCoworkers = useMemo(() => listCoworkers(root).length > 0, [root, version])
  const [creating, setCreating] = useState(false)
  const { running, run } = useRunNow()
  const now = Date.now()

  return (
    <Page
      label="Workflows"
      title="Workflows"
      actions={
        <Button variant="primary" size="sm" onClick={() => setCreating(true)} disabled={!hasCoworkers} title={hasCoworkers ? undefined : 'Create a coworker first'}>
          <Plus aria-hidden className="size-3.5" />
          New workflow
        </Button>
      }
      headerExtra={
        queue.mine.length > 0 && (
          <a href="#review-mine" className="ml-2 inline-flex h-5 items-center rounded-full bg-warning px-2 text-[11px] font-semibold text-bg">
            {queue.mine.length} to review
          </a>
        )
      }
    >
      <PageBody className="gap-8">
        <p className="-mb-3 max-w-2xl text-sm text-fg-muted">Recurring work: a coworker runs the same request on a schedule and posts the result in a channel, with a review before anything is published.</p>
        <ReviewQueue queue={queue} />
        {workflows.length === 0 ? (
          <EmptyState
            icon={<WorkflowIcon className="size-5" />}
            title="No workflows yet"
            action={
              hasCoworkers ? (
                <Button variant="primary" onClick={() => setCreating(true)}>
                  <Plus aria-hidden className="size-4" />
                  New workflow
                </Button>
              ) : (
                <Button variant="primary" onClick={() => navigate({ view: 'coworkers', coworkerId: null })}>
                  Create a coworker first
                </Button>
              )
            }
          >
            Hand a coworker a job that repeats, such as the weekly report every Monday at 09:00 or the customer digest every weekday at 17:00. You review what it makes before it is published.
          </EmptyState>
        ) : (
          <section aria-labelledby="workflows-heading">
            <SectionTitle id="workflows-heading" count={workflows.length}>
              All workflows
            </SectionTitle>
            <div className="overflow-hidden rounded-xl border border-border bg-bg shadow-sm">
              <div aria-hidden className="hidden grid-cols-[minmax(0,1.4fr)_minmax(0,1.3fr)_minmax(0,1fr)_52px_112px_16px] gap-4 border-b border-border bg-bg-subtle px-4 py-1.5 text-xs font-medium text-fg-subtle md:grid">
                <span>Workflow</span>
                <span>Schedule</span>
                <span>Next run</span>
                <span>Active</span>
                <span />
                <span />
              </div>
              <ul aria-label="Workflows" className="divide-y divide-border">
                {workflows.map((workflow) => {
                  const coworker = member(workflow.coworkerId)
                  const channel = channels.get(workflow.channelId)
                  const next = safeNextRun(workflow, now)
                  const local = workflow.timeZone === localTimeZone()
                  return (
                    <li key={workflow.id} aria-label={workflow.name} className="relative grid grid-cols-1 gap-2 px-4 py-3 focus-within:bg-bg-subtle hover:bg-bg-subtle md:grid-cols-[minmax(0,1.4fr)_minmax(0,1.3fr)_minmax(0,1fr)_52px_112px_16px] md:items-center md:gap-4">
                      <div className="min-w-0">
                        <div className="flex items-center gap-2">
                          <a href={`#/workflows/${workflow.id}`} className="truncate text-base font-semibold text-fg after:absolute after:inset-0 focus-visible:outline-none">
                            {workflow.name}
                          </a>
                          <ReviewChip on={workflow.review} />
                        </div>
                        <p className="mt-0.5 flex min-w-0 items-center gap-1.5 text-xs text-fg-muted">
                          <Avatar member={coworker} size="xs" className="size-4" />
                          <span className="truncate">{coworker?.name ?? 'Unknown coworker'}</span>
                          {coworker?.removedAt != null && <span className="text-danger">(removed)</span>}
                          <span aria-hidden className="text-fg-subtle">in</span>
                          <ChannelChip name={channel?.name ?? 'unknown'} />
                        </p>
                      </div>
                      <div className="min-w-0">
                        <p className="truncate text-sm text-fg">{cronToWords(workflow.cron)}</p>
                        <p className="mt-0.5 flex items-center gap-1.5 text-xs text-fg-subtle">
                          <code className="rounded-sm bg-bg-muted px-1 font-mono text-[11px] text-fg-muted">{workflow.cron}</code>
                          <span className={cx('truncate', !local && 'text-fg-muted')}>{workflow.timeZone}</span>
                        </p>
                      </div>
                      <div className="min-w-0 text-sm">
                        {!workflow.enabled ? (
                          <span className="text-fg-subtle">Paused</span>
                        ) : next === null ? (
                          <span className="text-fg-subtle">Never again</span>
                        ) : (
                          <Tooltip content={formatFull(next)}>
                            <span tabIndex={0} className="relative z-10 block">
                              <span className="block truncate text-fg tabular-nums">{formatRunTime(next, workflow.timeZone)}</span>
                              <span className="block text-xs text-fg-subtle">{formatUntil(next, now)}</span>
                            </span>
                          </Tooltip>
                        )}
                      </div>
                      <div className="relative z-10 flex items-center">
                        <Tooltip content={workflow.enabled ? 'Runs on schedule: turn off to pause' : 'Paused: turn on to run on schedule'}>
                          <span className="inline-flex">
                            <Switch checked={workflow.enabled} onChange={(on) => setEnabled(root, context, workflow, on, reportProblem)} label={`Run ${workflow.name} on schedule`} />
                          </span>
                        </Tooltip>
                      </div>
                      <div className="relative z-10">
                        <Button size="sm" onClick={() => run(workflow, channel?.name ?? null)} busy={running === workflow.id} aria-label={`Run ${workflow.name} now`} className="w-full">
                          {running !== workflow.id && <Play aria-hidden className="size-3.5" />}
                          Run now
                        </Button>
                      </div>
                      <ChevronRight aria-hidden className="hidden size-4 text-fg-subtle md:block" />
                    </li>
                  )
                })}
              </ul>
            </div>
          </section>
        )}
      </PageBody>
      <WorkflowDialog open={creating} onOpenChange={setCreating} onSaved={(workflow) => navigate({ view: 'workflows', workflowId: workflow.id })} />
    </Page>
  )
}

function safeNextRun(workflow: Workflow, now: number): number | null {
  try {
    return nextRunOf(workflow, new Date(now))?.getTime() ?? null
  } catch {
    return null
  }
}

function ReviewChip({ on }: { on: boolean }) {
  return (
    <Tooltip content={on ? 'Its output waits for a review before it is published' : 'Its output is published without a review'}>
      <span tabIndex={0} className={cx('relative z-10 inline-flex h-5 shrink-0 items-center gap-1 rounded-full px-1.5 text-[11px] font-medium', on ? 'bg-accent-subtle text-accent-text' : 'bg-bg-muted text-fg-subtle')}>
        {on ? <ShieldCheck aria-hidden className="size-3" /> : <ShieldOff aria-hidden className="size-3" />}
        {on ? 'Review on' : 'Review off'}
      </span>
    </Tooltip>
  )
}

// ---------------------------------------------------------------------------------------------------
// One workflow

function WorkflowPage({ workflowId }: { workflowId: string }) {
  const { root, context, workspace, reportProblem, toast } = useWorkspace()
  const { channels, member, version } = useLookups()
  const [editing, setEditing] = useState(false)
  const [removing, setRemoving] = useState(false)
  const { running, run } = useRunNow()
  const record = rootCollections(root).workflows.get(workflowId)
  const workflow = useMemo(() => (record === undefined ? null : (record.toJSON() as Workflow)), [record, version])
  const history = useMemo(() => workflowHistory(root, workflowId), [root, version, workflowId])
  const queue = useMemo(() => {
    const all = reviewQueue(root, workspace.memberId)
    const mine = (items: typeof all.mine) => items.filter((item) => item.workflow.id === workflowId)
    return { mine: mine(all.mine), others: mine(all.others) }
  }, [root, version, workspace.memberId, workflowId])

  if (workflow === null) {
    return (
      <Page label="Workflow" title="Not found" crumbs={workflowsCrumbs}>
        <CenteredEmptyState icon={<WorkflowIcon className="size-5" />} title="Workflow not found" action={<Button onClick={() => navigate({ view: 'workflows', workflowId: null })}>All workflows</Button>}>
          It may have been deleted, or it has not synced to this device yet.
        </CenteredEmptyState>
      </Page>
    )
  }

  const coworker = member(workflow.coworkerId)
  const owner = member(workflow.ownerId)
  const channel = channels.get(workflow.channelId)
  const schedule = checkSchedule(workflow.cron, workflow.timeZone)

  const remove = () => {
    try {
      removeWorkflow(root, { workflowId: workflow.id }, context)
      setRemoving(false)
      toast({ tone: 'success', title: `Deleted ${workflow.name}`, body: 'Its past runs and what they made stay in the channel.' })
      navigate({ view: 'workflows', workflowId: null }, { replace: true })
    } catch (error) {
      reportProblem(toProblem(error))
    }
  }

  return (
    <Page
      label={`Workflow ${workflow.name}`}
      title={workflow.name}
      crumbs={workflowsCrumbs}
      actions={
        <>
          <EditAndRemoveButtons onEdit={() => setEditing(true)} onRemove={() => setRemoving(true)} removeLabel="Delete" />
          <Button size="sm" variant="primary" onClick={() => run(workflow, channel?.name ?? null)} busy={running === workflow.id}>
            {running !== workflow.id && <Play aria-hidden className="size-3.5" />}
            Run now
          </Button>
        </>
      }
    >
      <PageBody className="gap-8">
        <ReviewQueue queue={queue} />
        <div className="grid gap-8 lg:grid-cols-[minmax(0,1fr)_300px]">
          <section aria-labelledby="runs-heading" className="min-w-0">
            <SectionTitle id="runs-heading" count={history.length}>
              Runs
            </SectionTitle>
            {history.length === 0 ? (
              <p className="rounded-xl border border-dashed border-border px-4 py-8 text-center text-sm text-fg-muted">
                No runs yet. {workflow.enabled && schedule.ok ? `The first is ${formatRunTime(schedule.runs[0]!, workflow.timeZone)}, or press Run now to try it.` : 'Press Run now to try it.'}
              </p>
            ) : (
              <ul aria-label="Run history" className="divide-y divide-border overflow-hidden rounded-xl border border-border bg-bg shadow-sm">
                {history.map((runItem) => (
                  <RunRow key={runItem.taskId} run={runItem} timeZone={workflow.timeZone} />
                ))}
              </ul>
            )}
          </section>

          <aside aria-label="Setup" className="flex flex-col gap-6">
            <FactSection title="Schedule">
              <p className="flex items-start gap-1.5 text-sm text-fg">
                <CalendarClock aria-hidden className="mt-0.5 size-3.5 shrink-0 text-fg-subtle" />
                {cronToWords(workflow.cron, { timeZone: workflow.timeZone })}
              </p>
              <p className="mt-1 pl-5 text-xs text-fg-subtle">
                <code className="rounded-sm bg-bg-muted px-1 font-mono text-[11px] text-fg-muted">{workflow.cron}</code>
              </p>
              {schedule.ok && workflow.enabled ? (
                <ol aria-label="Next runs" className="mt-2 flex flex-col gap-0.5 pl-5 text-xs text-fg-muted">
                  {schedule.runs.map((next, index) => (
                    <li key={next.getTime()} className={cx('tabular-nums', index === 0 && 'font-medium text-fg')}>
                      {formatRunTime(next, workflow.timeZone)}
                      {index === 0 && <span className="font-normal text-fg-subtle"> · {formatUntil(next.getTime())}</span>}
                    </li>
                  ))}
                </ol>
              ) : (
                <p className="mt-2 pl-5 text-xs text-fg-subtle">{workflow.enabled ? 'It never runs again.' : 'Paused: it runs only when someone presses Run now.'}</p>
              )}
            </FactSection>
            <ToggleFact
              id="wf-enabled"
              title="Run on schedule"
              description={workflow.enabled ? 'On' : 'Paused'}
              checked={workflow.enabled}
              onChange={(on) => setEnabled(root, context, workflow, on, reportProblem)}
            />
            <ToggleFact
              id="wf-review"
              title="Review before publishing"
              description={workflow.review ? `${owner?.removedAt === null && owner !== null ? owner.name : 'Anyone'} approves what it makes` : 'Published without a review'}
              checked={workflow.review}
              onChange={(on) => {
                try {
                  editWorkflow(root, { workflowId: workflow.id, review: on }, context)
                } catch (error) {
                  reportProblem(toProblem(error))
                }
              }}
            />
            <FactSection title="Coworker">
              <a href={`#/coworkers/${workflow.coworkerId}`} className="inline-flex items-center gap-2 text-sm font-medium text-fg hover:underline">
                <Avatar member={coworker} size="sm" />
                {coworker?.name ?? 'Unknown coworker'}
              </a>
              <span className="ml-1">
                <span className="text-xs text-fg-subtle"> in </span>
                <ChannelChip name={channel?.name ?? 'unknown'} href={`#/c/${workflow.channelId}`} />
              </span>
            </FactSection>
            <FactSection title="Owner">
              <span className="inline-flex items-center gap-2 text-sm">
                <Avatar member={owner} size="xs" />
                {owner?.name ?? 'Unknown'}
                <span className="text-xs text-fg-subtle">· created {formatRelative(workflow.createdAt)}</span>
              </span>
            </FactSection>
            <FactSection title="Prompt">
              <p className="max-h-64 overflow-y-auto rounded-lg border border-border bg-bg-subtle px-3 py-2 text-sm whitespace-pre-wrap text-fg">{workflow.prompt}</p>
            </FactSection>
          </aside>
        </div>
      </PageBody>
      <WorkflowDialog open={editing} onOpenChange={setEditing} workflow={workflow} />
      <ConfirmDialog
        open={removing}
        onOpenChange={setRemoving}
        title={`Delete ${workflow.name}?`}
        description="It stops running on every device. Its past runs, messages and deliverables stay where they are."
        confirmLabel="Delete workflow"
        onConfirm={remove}
      />
    </Page>
  )
}

function ToggleFact({ id, title, description, checked, onChange }: { id: string; title: string; description: string; checked: boolean; onChange: (on: boolean) => void }) {
  return (
    <div className="flex items-start gap-3">
      <div className="min-w-0 flex-1">
        <h3 id={id} className="text-xs font-semibold text-fg-subtle">
          {title}
        </h3>
        <p className="mt-0.5 text-sm text-fg">{description}</p>
      </div>
      <Switch checked={checked} onChange={onChange} labelledBy={id} />
    </div>
  )
}

const deliverableStatus: Record<Deliverable['status'], { label: string; className: string }> = {
  draft: { label: 'Draft', className: 'bg-bg-muted text-fg-muted' },
  'in-review': { label: 'In review', className: 'bg-warning-subtle text-warning' },
  approved: { label: 'Approved', className: 'bg-success-subtle text-success' }
}

function RunRow({ run, timeZone }: { run: WorkflowRun; timeZone: string }) {
  const { root } = useWorkspace()
  const [open, setOpen] = useState(false)
  const task = useMemo(() => {
    try {
      return getTask(root, run.taskId)
    } catch {
      return null
    }
  }, [root, run])
  const trailId = `run-trail-${run.taskId}`
  const ranBy = run.ranBy
  return (
    <li aria-label={`Run of ${formatRunTime(run.slot, timeZone)}`}>
      <div className="grid grid-cols-[auto_minmax(0,1fr)_auto] items-start gap-3 px-4 py-3">
        <TaskStatusChip status={run.status} className="mt-0.5" />
        <div className="min-w-0">
          <p className="flex flex-wrap items-center gap-x-2 gap-y-0.5 text-sm">
            <Tooltip content={`${formatFull(run.slot)}, this device’s time`}>
              <span tabIndex={0} className="font-medium text-fg tabular-nums">
                {formatRunTime(run.slot, timeZone)}
                {timeZone !== localTimeZone() && <span className="ml-1 text-xs font-normal text-fg-subtle">{zoneOffset(timeZone, run.slot)}</span>}
              </span>
            </Tooltip>
            <span className="text-xs text-fg-subtle">{formatRelative(run.createdAt)}</span>
            {run.missed && (
              <Tooltip content="Every device was off at this time; it ran when one came back">
                <span tabIndex={0} className="inline-flex h-5 items-center gap-1 rounded-full bg-warning-subtle px-1.5 text-[11px] font-medium text-warning">
                  <Clock aria-hidden className="size-3" />
                  Missed slot, ran late
                </span>
              </Tooltip>
            )}
          </p>
          <p className="mt-0.5 flex flex-wrap items-center gap-x-1.5 text-xs text-fg-subtle">
            {ranBy.kind === 'schedule' ? (
              <span className="inline-flex items-center gap-1">
                <CalendarClock aria-hidden className="size-3" />
                On schedule
              </span>
            ) : (
              <span className="inline-flex items-center gap-1">
                <Play aria-hidden className="size-3" />
                Run by {ranBy.name}
              </span>
            )}
            {run.durationMs !== null && (
              <>
                <span aria-hidden>·</span>
                <span className="tabular-nums">{formatDuration(run.durationMs)}</span>
              </>
            )}
            {run.usage !== null && (
              <>
                <span aria-hidden>·</span>
                <span className="tabular-nums">
                  {formatTokens(run.usage.inputTokens)} in · {formatTokens(run.usage.outputTokens)} out · {formatUsd(run.usage.estimatedCostUsd)}
                </span>
              </>
            )}
          </p>
          {run.endReason !== null && run.status !== 'succeeded' && <p className="mt-1 text-xs text-danger">{run.endReason}</p>}
          {run.deliverables.length > 0 && (
            <ul aria-label="Outputs" className="mt-2 flex flex-wrap gap-1.5">
              {run.deliverables.map((output) => (
                <li key={output.id}>
                  {output.title === null ? (
                    <span className="inline-flex h-6 items-center rounded-md border border-dashed border-border px-2 text-xs text-fg-subtle">Deliverable not on this device</span>
                  ) : (
                    <a href={`#/deliverables/${output.id}`} className="inline-flex h-6 max-w-72 items-center gap-1.5 rounded-md border border-border bg-bg px-2 text-xs text-fg shadow-sm hover:border-border-strong hover:bg-bg-subtle">
                      <span className="truncate font-medium">{output.title}</span>
                      {output.status !== null && <span className={cx('rounded-sm px-1 text-[10px] leading-4 font-semibold', deliverableStatus[output.status].className)}>{deliverableStatus[output.status].label}</span>}
                    </a>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="flex items-center gap-1">
          <IconButton size="sm" label={open ? 'Hide trail' : 'Show trail'} aria-expanded={open} aria-controls={trailId} onClick={() => setOpen((value) => !value)} active={open}>
            <ListTree className="size-3.5" />
          </IconButton>
          <IconButton size="sm" label="Open in channel" onClick={() => navigate({ view: 'channel', channelId: run.channelId })}>
            <ChevronRight className="size-3.5" />
          </IconButton>
        </div>
      </div>
      {open && (
        <div id={trailId} className="border-t border-border bg-bg-subtle/50 px-4 pt-2 pb-3">
          {task === null ? <p className="text-xs text-fg-subtle">This run’s task is not on this device.</p> : <TaskTrail task={task} />}
        </div>
      )}
    </li>
  )
}

import { Bot, ChevronRight, CircleDollarSign, Hash, KeyRound, ListTree, Plus, TriangleAlert, Workflow as WorkflowIcon } from 'lucide-react'
import { useMemo, useState } from 'react'
import { readRecord } from '../../../shared/model/records.ts'
import { rootCollections } from '../../../shared/model/rootDoc.ts'
import type { Channel, CoworkerMember, TaskRecord, Workflow } from '../../../shared/model/types.ts'
import { listChannels } from '../../../shared/operations/channels.ts'
import { coworkerChannelIds, listCoworkers, removeCoworker } from '../../../shared/operations/coworkers.ts'
import { findMember } from '../../../shared/operations/members.ts'
import { isFinished, listTasks } from '../../../shared/operations/tasks.ts'
import { coworkerUsage, usageByCoworker, type UsageTotals } from '../../../shared/operations/usage.ts'
import { listWorkflows } from '../../../shared/operations/workflows.ts'
import { toolCatalog } from '../../../shared/toolCatalog.ts'
import { navigate } from '../app/route.ts'
import { RelativeTime } from '../components/list.tsx'
import { EditAndRemoveButtons, FactSection, Page, PageBody, SectionTitle } from '../components/page.tsx'
import { Avatar, Button, CenteredEmptyState, ChannelChip, ConfirmDialog, CoworkerBadge, cx, EmptyState, Tooltip } from '../components/ui.tsx'
import { useDocVersion } from '../data/docStore.ts'
import { toProblem } from '../data/problems.ts'
import { formatDuration, formatRelative, formatTokens } from '../lib/time.ts'
import { coworkersCanRun, useWorkspace } from '../workspace/context.tsx'
import { CoworkerDialog } from './CoworkerDialog.tsx'
import { formatUsd, modelWarning, toolGroups } from './coworkerForm.ts'
import { LiveTaskStatus, TaskStatusChip, TaskTrail } from './taskParts.tsx'

/** `#/coworkers`: every coworker of the workspace; `#/coworkers/:id`: one, with its usage and tasks. */
export function CoworkersView({ coworkerId }: { coworkerId: string | null }) {
  return coworkerId === null ? <CoworkerList /> : <CoworkerPage key={coworkerId} coworkerId={coworkerId} />
}

const coworkersCrumbs = [{ label: 'Coworkers', href: '#/coworkers' }]

function useChannelsById() {
  const { root } = useWorkspace()
  const version = useDocVersion(root)
  return useMemo(() => new Map<string, Channel>(listChannels(root, { includeArchived: true }).map((channel) => [channel.id, channel])), [root, version])
}

/** The running (or queued) task of each coworker, the oldest first. */
function activeTaskByCoworker(tasks: readonly TaskRecord[]): Map<string, TaskRecord> {
  const active = new Map<string, TaskRecord>()
  for (const task of [...tasks].reverse()) {
    if (isFinished(task.status)) continue
    const current = active.get(task.coworkerId)
    if (current === undefined || (current.status === 'queued' && task.status === 'running')) active.set(task.coworkerId, task)
  }
  return active
}

// ---------------------------------------------------------------------------------------------------
// The list

function CoworkerList() {
  const { root, models } = useWorkspace()
  const version = useDocVersion(root)
  const channels = useChannelsById()
  const [creating, setCreating] = useState(false)
  const coworkers = useMemo(() => listCoworkers(root), [root, version])
  const tasks = useMemo(() => listTasks(root), [root, version])
  const active = activeTaskByCoworker(tasks)
  const usage = useMemo(() => usageByCoworker(root, Date.now()), [root, version])
  const lastTask = new Map<string, TaskRecord>()
  for (const task of tasks) if (!lastTask.has(task.coworkerId)) lastTask.set(task.coworkerId, task)

  return (
    <Page
      label="Coworkers"
      title="Coworkers"
      actions={
        <Button variant="primary" size="sm" onClick={() => setCreating(true)}>
          <Plus aria-hidden className="size-3.5" />
          New coworker
        </Button>
      }
    >
      <PageBody>
        <p className="mb-5 max-w-2xl text-sm text-fg-muted">
          AI teammates the whole workspace shares. Each has a purpose, the tools it was given and budgets, works only in the channels it was added to, and every step it takes is visible there.
        </p>
        {models !== null && !coworkersCanRun(models) && coworkers.length > 0 && <NoModelNote />}
        {coworkers.length === 0 ? (
          <EmptyState
            icon={<Bot className="size-5" />}
            title="No coworkers yet"
            action={
              <Button variant="primary" onClick={() => setCreating(true)}>
                <Plus aria-hidden className="size-4" />
                New coworker
              </Button>
            }
          >
            Create one with a narrow purpose and a small toolset (say, a researcher that reads channels and writes documents), add it to a channel, and @mention it there to hand it work.
          </EmptyState>
        ) : (
          <ul aria-label="Coworkers" className="divide-y divide-border overflow-hidden rounded-xl border border-border bg-bg shadow-sm">
            {coworkers.map((coworker) => {
              const task = active.get(coworker.id)
              const channelIds = coworkerChannelIds(root, coworker.id)
              const today = usage.get(coworker.id)?.today
              const last = lastTask.get(coworker.id)
              return (
                <li key={coworker.id} className="relative flex items-center gap-4 px-4 py-3 focus-within:bg-bg-subtle hover:bg-bg-subtle">
                  <Avatar member={coworker} />
                  <div className="min-w-0 flex-1">
                    <div className="flex items-center gap-2">
                      <a href={`#/coworkers/${coworker.id}`} className="truncate text-base font-semibold text-fg after:absolute after:inset-0 focus-visible:outline-none" aria-label={`${coworker.name}, AI coworker`}>
                        {coworker.name}
                      </a>
                      <CoworkerBadge />
                      <span className="truncate text-xs text-fg-subtle">@{coworker.handle}</span>
                    </div>
                    <p className="truncate text-sm text-fg-muted">{coworker.purpose}</p>
                    <div className="mt-0.5 h-4">
                      {task !== undefined ? (
                        <LiveTaskStatus task={task} />
                      ) : (
                        <p className="text-xs text-fg-subtle">{last === undefined ? 'No tasks yet' : `Idle · last task ${formatRelative(last.createdAt)}`}</p>
                      )}
                    </div>
                  </div>
                  <div className="hidden w-56 shrink-0 flex-wrap content-center gap-1 md:flex">
                    {channelIds.length === 0 ? (
                      <span className="text-xs text-warning">In no channel yet</span>
                    ) : (
                      <>
                        {channelIds.slice(0, 3).map((id) => (
                          <ChannelChip key={id} name={channels.get(id)?.name ?? 'unknown'} />
                        ))}
                        {channelIds.length > 3 && <span className="text-xs text-fg-subtle">+{channelIds.length - 3}</span>}
                      </>
                    )}
                  </div>
                  <div className="w-24 shrink-0 text-right">
                    <p className="text-sm font-medium text-fg tabular-nums">{formatUsd(today?.estimatedCostUsd ?? 0)}</p>
                    <p className="text-xs text-fg-subtle">
                      today · {today?.tasks ?? 0} task{today?.tasks === 1 ? '' : 's'}
                    </p>
                  </div>
                  <ChevronRight aria-hidden className="size-4 shrink-0 text-fg-subtle" />
                </li>
              )
            })}
          </ul>
        )}
      </PageBody>
      <CoworkerDialog open={creating} onOpenChange={setCreating} onSaved={(coworker) => navigate({ view: 'coworkers', coworkerId: coworker.id })} />
    </Page>
  )
}

function NoModelNote() {
  return (
    <div role="note" className="mb-5 flex items-center gap-3 rounded-lg border border-warning/30 bg-warning-subtle px-4 py-2.5 text-sm">
      <KeyRound aria-hidden className="size-4 shrink-0 text-warning" />
      <p className="min-w-0 flex-1 text-fg">
        <span className="font-medium">This device has no Anthropic API key.</span> <span className="text-fg-muted">Tasks asked here wait for a teammate’s device that has one.</span>
      </p>
      <Button size="sm" onClick={() => navigate({ view: 'settings' })}>
        Set up a model
      </Button>
    </div>
  )
}

// ---------------------------------------------------------------------------------------------------
// One coworker

function CoworkerPage({ coworkerId }: { coworkerId: string }) {
  const { root, context, models, reportProblem, toast } = useWorkspace()
  const version = useDocVersion(root)
  const channels = useChannelsById()
  const [editing, setEditing] = useState(false)
  const [removing, setRemoving] = useState(false)
  const member = findMember(root, coworkerId)
  const coworker = member?.kind === 'coworker' ? member : null
  const tasks = useMemo(() => listTasks(root, { coworkerId }), [root, version, coworkerId])
  const usage = useMemo(() => coworkerUsage(root, coworkerId, Date.now()), [root, version, coworkerId])
  const workflows = useMemo(() => listWorkflows(root).filter((workflow) => workflow.coworkerId === coworkerId), [root, version, coworkerId])

  if (coworker === null || coworker.removedAt !== null) {
    return (
      <Page label="Coworker" title={coworker?.name ?? 'Not found'} crumbs={coworkersCrumbs}>
        <CenteredEmptyState icon={<Bot className="size-5" />} title={coworker === null ? 'Coworker not found' : `${coworker.name} was removed`} action={<Button onClick={() => navigate({ view: 'coworkers', coworkerId: null })}>All coworkers</Button>}>
          {coworker === null ? 'It may have been removed, or it has not synced to this device yet.' : 'Its messages and trails stay in the channels it worked in.'}
        </CenteredEmptyState>
      </Page>
    )
  }

  const channelIds = coworkerChannelIds(root, coworker.id)
  const running = activeTaskByCoworker(tasks).get(coworker.id)
  const groups = toolGroups(toolCatalog, coworker.toolset)
  const effectiveModel = coworker.model === '' ? (models?.defaultModel ?? '') : coworker.model
  const warning = modelWarning(effectiveModel)

  const remove = () => {
    try {
      removeCoworker(root, { coworkerId: coworker.id }, context)
      setRemoving(false)
      toast({ tone: 'success', title: `Removed ${coworker.name}`, body: 'Its messages and trails stay in the channels it worked in.' })
      navigate({ view: 'coworkers', coworkerId: null }, { replace: true })
    } catch (error) {
      reportProblem(toProblem(error))
    }
  }

  return (
    <Page label={`Coworker ${coworker.name}`} title={coworker.name} crumbs={coworkersCrumbs} actions={<EditAndRemoveButtons onEdit={() => setEditing(true)} onRemove={() => setRemoving(true)} removeLabel="Remove" />}>
      <PageBody className="gap-8">
        <section aria-label="About" className="flex items-start gap-4">
          <Avatar member={coworker} size="lg" />
          <div className="min-w-0 flex-1">
            <div className="flex items-center gap-2">
              <h2 className="text-xl font-semibold">{coworker.name}</h2>
              <CoworkerBadge />
            </div>
            <p className="text-sm text-fg-subtle">
              @{coworker.handle} · added {formatRelative(coworker.joinedAt)}
              {findMember(root, coworker.createdBy) !== undefined && ` by ${findMember(root, coworker.createdBy)!.name}`}
            </p>
            <p className="mt-2 max-w-2xl text-base whitespace-pre-wrap text-fg">{coworker.purpose}</p>
            {running !== undefined && (
              <div className="mt-3 inline-flex items-center gap-3 rounded-lg border border-coworker/25 bg-coworker-subtle/60 px-3 py-1.5">
                <LiveTaskStatus task={running} className="text-sm" />
                <a href={`#/c/${running.channelId}`} className="shrink-0 text-xs text-accent-text hover:underline">
                  in #{channels.get(running.channelId)?.name ?? 'channel'}
                </a>
              </div>
            )}
          </div>
        </section>

        {warning !== null && (
          <p role="note" className="-mt-4 flex items-start gap-2 rounded-lg border border-warning/30 bg-warning-subtle px-3 py-2 text-sm text-fg">
            <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-warning" />
            <span className="flex-1">{warning}</span>
            <Button size="sm" onClick={() => setEditing(true)}>
              Change model
            </Button>
          </p>
        )}

        <div className="grid gap-8 lg:grid-cols-[minmax(0,1fr)_300px]">
          <div className="flex min-w-0 flex-col gap-8">
            <section aria-labelledby="usage-heading">
              <SectionTitle id="usage-heading">Usage</SectionTitle>
              <div className="grid gap-3 sm:grid-cols-2">
                <UsageCard title="Today" note="UTC day" totals={usage.today} budget={coworker.budgets.maxSpendPerDayUsd} />
                <UsageCard title="All time" totals={usage.allTime} />
              </div>
            </section>
            <section aria-labelledby="tasks-heading">
              <SectionTitle id="tasks-heading" count={tasks.length}>
                Recent tasks
              </SectionTitle>
              {tasks.length === 0 ? (
                <p className="rounded-xl border border-dashed border-border px-4 py-6 text-center text-sm text-fg-muted">
                  No tasks yet. {channelIds.length === 0 ? 'Add it to a channel, then @mention it there.' : `@mention @${coworker.handle} in #${channels.get(channelIds[0]!)?.name ?? 'a channel'} to hand it one.`}
                </p>
              ) : (
                <ul aria-label="Recent tasks" className="divide-y divide-border overflow-hidden rounded-xl border border-border bg-bg shadow-sm">
                  {tasks.slice(0, 20).map((task) => (
                    <TaskRow key={task.id} task={task} channelName={channels.get(task.channelId)?.name ?? null} />
                  ))}
                </ul>
              )}
            </section>
          </div>

          <aside aria-label="Setup" className="flex flex-col gap-6">
            <FactSection title={`Channels (${channelIds.length})`}>
              {channelIds.length === 0 ? (
                <p className="text-sm text-warning">In no channel yet, so nobody can @mention it. Add it to one with Edit.</p>
              ) : (
                <div className="flex flex-wrap gap-1">
                  {channelIds.map((id) => (
                    <ChannelChip key={id} name={channels.get(id)?.name ?? 'unknown'} href={`#/c/${id}`} />
                  ))}
                </div>
              )}
            </FactSection>
            <FactSection title="Tools">
              {coworker.toolset.length === 0 ? (
                <p className="text-sm text-fg-muted">None: it can only reply in words.</p>
              ) : (
                <div className="flex flex-col gap-3">
                  {groups
                    .filter((group) => group.checked > 0)
                    .map((group) => (
                      <div key={group.access}>
                        <p className={cx('mb-1 text-xs font-medium', group.access === 'write' ? 'text-warning' : 'text-fg-muted')}>
                          {group.title} · {group.checked}
                        </p>
                        <ul className="flex flex-wrap gap-1">
                          {group.tools
                            .filter((tool) => tool.checked)
                            .map((tool) => (
                              <li key={tool.name}>
                                <Tooltip content={tool.summary}>
                                  <code tabIndex={0} className={cx('inline-block rounded-sm px-1.5 py-0.5 font-mono text-[11px]', group.access === 'write' ? 'bg-warning-subtle text-warning' : 'bg-bg-muted text-fg-muted')}>
                                    {tool.name}
                                  </code>
                                </Tooltip>
                              </li>
                            ))}
                        </ul>
                      </div>
                    ))}
                </div>
              )}
            </FactSection>
            <FactSection title="Model">
              <p className="font-mono text-xs text-fg">{coworker.model === '' ? `workspace default${models !== null ? ` (${models.defaultModel})` : ''}` : coworker.model}</p>
            </FactSection>
            <FactSection title="Budgets">
              <dl className="grid grid-cols-[1fr_auto] gap-x-3 gap-y-1 text-sm">
                <dt className="text-fg-muted">Turns per task</dt>
                <dd className="text-right tabular-nums">{coworker.budgets.maxTurnsPerTask}</dd>
                <dt className="text-fg-muted">Output tokens per task</dt>
                <dd className="text-right tabular-nums">{formatTokens(coworker.budgets.maxOutputTokensPerTask)}</dd>
                <dt className="text-fg-muted">Spend per task</dt>
                <dd className="text-right tabular-nums">{formatUsd(coworker.budgets.maxSpendPerTaskUsd)}</dd>
                <dt className="text-fg-muted">Spend per day</dt>
                <dd className="text-right tabular-nums">{formatUsd(coworker.budgets.maxSpendPerDayUsd)}</dd>
              </dl>
            </FactSection>
            {workflows.length > 0 && (
              <FactSection title={`Workflows (${workflows.length})`}>
                <ul className="flex flex-col gap-1">
                  {workflows.map((workflow) => (
                    <li key={workflow.id}>
                      <a href={`#/workflows/${workflow.id}`} className="flex items-center gap-1.5 text-sm text-accent-text hover:underline">
                        <WorkflowIcon aria-hidden className="size-3.5" />
                        {workflow.name}
                        {!workflow.enabled && <span className="text-xs text-fg-subtle">(paused)</span>}
                      </a>
                    </li>
                  ))}
                </ul>
              </FactSection>
            )}
          </aside>
        </div>
      </PageBody>
      <CoworkerDialog open={editing} onOpenChange={setEditing} coworker={coworker} />
      <ConfirmDialog
        open={removing}
        onOpenChange={setRemoving}
        title={`Remove ${coworker.name}?`}
        description={<RemoveDescription coworker={coworker} workflows={workflows} channelCount={channelIds.length} />}
        confirmLabel={`Remove ${coworker.name}`}
        onConfirm={remove}
      />
    </Page>
  )
}

function RemoveDescription({ coworker, workflows, channelCount }: { coworker: CoworkerMember; workflows: Workflow[]; channelCount: number }) {
  return (
    <>
      It leaves {channelCount === 1 ? 'its channel' : `all ${channelCount} of its channels`} and can no longer be @mentioned. Its messages, deliverables and trails stay.
      {workflows.length > 0 && (
        <span className="mt-2 block font-medium text-warning">
          {workflows.length === 1 ? `The workflow “${workflows[0]!.name}” runs` : `${workflows.length} workflows run`} as {coworker.name} and will stop until you give {workflows.length === 1 ? 'it' : 'them'} another coworker.
        </span>
      )}
    </>
  )
}

function UsageCard({ title, note, totals, budget }: { title: string; note?: string; totals: UsageTotals; budget?: number }) {
  const share = budget === undefined || budget <= 0 ? null : Math.min(1, totals.estimatedCostUsd / budget)
  return (
    <section aria-label={`Usage ${title.toLowerCase()}`} className="rounded-xl border border-border bg-bg p-4 shadow-sm">
      <div className="flex items-baseline justify-between">
        <h3 className="text-sm font-medium text-fg-muted">
          {title}
          {note !== undefined && <span className="ml-1.5 text-xs font-normal text-fg-subtle">{note}</span>}
        </h3>
        <span className="text-xs text-fg-subtle">
          {totals.tasks} task{totals.tasks === 1 ? '' : 's'}
        </span>
      </div>
      <p className="mt-1 flex items-center gap-1.5 text-2xl font-semibold tabular-nums">
        <CircleDollarSign aria-hidden className="size-4 text-fg-subtle" />
        {formatUsd(totals.estimatedCostUsd)}
        <span className="text-xs font-normal text-fg-subtle">estimated</span>
      </p>
      {share !== null && budget !== undefined && (
        <div className="mt-2">
          <div role="meter" aria-label="Spent of the daily budget" aria-valuemin={0} aria-valuemax={budget} aria-valuenow={Number(totals.estimatedCostUsd.toFixed(4))} aria-valuetext={`${formatUsd(totals.estimatedCostUsd)} of ${formatUsd(budget)}`} className="h-1.5 overflow-hidden rounded-full bg-bg-muted">
            <div className={cx('h-full rounded-full', share >= 1 ? 'bg-danger' : share >= 0.8 ? 'bg-warning' : 'bg-accent')} style={{ width: `${Math.max(share * 100, totals.estimatedCostUsd > 0 ? 2 : 0)}%` }} />
          </div>
          <p className="mt-1 text-xs text-fg-subtle">
            {formatUsd(totals.estimatedCostUsd)} of {formatUsd(budget)} daily budget
          </p>
        </div>
      )}
      <dl className="mt-3 grid grid-cols-3 gap-2 border-t border-border pt-3 text-xs">
        <Stat label="Tokens in" value={formatTokens(totals.inputTokens)} />
        <Stat label="Tokens out" value={formatTokens(totals.outputTokens)} />
        <Stat label="Cache reads" value={formatTokens(totals.cacheReadTokens)} />
      </dl>
    </section>
  )
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-fg-subtle">{label}</dt>
      <dd className="mt-0.5 text-sm font-medium text-fg tabular-nums">{value}</dd>
    </div>
  )
}

function triggerLabel(task: TaskRecord, root: ReturnType<typeof useWorkspace>['root']): string {
  switch (task.trigger.type) {
    case 'mention':
      return `asked by ${findMember(root, task.requestedBy)?.name ?? 'someone'}`
    case 'workflow': {
      const record = rootCollections(root).workflows.get(task.trigger.workflowId)
      const name = record === undefined ? 'a workflow' : readRecord<Workflow>(record).name
      return task.trigger.missed ? `${name} (missed slot)` : name
    }
    case 'revision':
      return `revision asked by ${findMember(root, task.requestedBy)?.name ?? 'someone'}`
  }
}

function TaskRow({ task, channelName }: { task: TaskRecord; channelName: string | null }) {
  const { root } = useWorkspace()
  const [open, setOpen] = useState(false)
  const firstLine = task.prompt.split('\n').find((line) => line.trim() !== '')?.trim() ?? '(no prompt)'
  const duration = task.startedAt !== null && task.finishedAt !== null ? task.finishedAt - task.startedAt : null
  const trailId = `trail-${task.id}`
  return (
    <li>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={trailId}
        onClick={() => setOpen((value) => !value)}
        className="flex w-full items-center gap-3 px-4 py-2.5 text-left hover:bg-bg-subtle"
      >
        <ChevronRight aria-hidden className={cx('size-3.5 shrink-0 text-fg-subtle transition-transform', open && 'rotate-90')} />
        <TaskStatusChip status={task.status} />
        <span className="min-w-0 flex-1">
          <span className="block truncate text-sm text-fg">{firstLine}</span>
          <span className="block truncate text-xs text-fg-subtle">
            {channelName !== null && `#${channelName} · `}
            {triggerLabel(task, root)}
            {task.endReason !== null && task.status !== 'succeeded' && ` · ${task.endReason}`}
          </span>
        </span>
        <span className="hidden shrink-0 text-right text-xs text-fg-subtle tabular-nums sm:block">
          {task.usage !== null && <span className="block text-fg-muted">{formatUsd(task.usage.estimatedCostUsd)}</span>}
          {duration !== null ? formatDuration(duration) : null}
        </span>
        <RelativeTime at={task.createdAt} className="w-16 shrink-0 text-right text-xs text-fg-subtle" />
      </button>
      {open && (
        <div id={trailId} className="border-t border-border bg-bg-subtle/50 px-4 pt-2 pb-3 pl-11">
          {task.status === 'running' && <LiveTaskStatus task={task} className="mb-2 text-xs" />}
          <TaskTrail task={task} />
          <div className="mt-2 flex flex-wrap items-center gap-3 text-xs">
            {task.usage !== null && (
              <span className="text-fg-subtle">
                {task.usage.turns} turn{task.usage.turns === 1 ? '' : 's'} · {formatTokens(task.usage.inputTokens + task.usage.cacheReadTokens + task.usage.cacheWriteTokens)} in · {formatTokens(task.usage.outputTokens)} out · {formatTokens(task.usage.cacheReadTokens)} from cache
              </span>
            )}
            <a href={`#/c/${task.channelId}`} className="inline-flex items-center gap-1 text-accent-text hover:underline">
              {channelName === null ? <ListTree aria-hidden className="size-3" /> : <Hash aria-hidden className="size-3" />}
              {channelName === null ? 'Open the channel' : `Open #${channelName}`}
            </a>
            {(task.result?.deliverableIds ?? []).map((id) => (
              <a key={id} href={`#/deliverables/${id}`} className="text-accent-text hover:underline">
                {(rootCollections(root).deliverables.get(id)?.get('title') as string | undefined) ?? 'Deliverable'}
              </a>
            ))}
          </div>
        </div>
      )}
    </li>
  )
}

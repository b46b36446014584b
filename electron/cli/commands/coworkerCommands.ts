import { readTrail, type TrailEntry } from '../../../shared/model/trail.ts'
import { addCoworkerToChannel, removeCoworkerFromChannel, resolveChannel } from '../../../shared/operations/channels.ts'
import { coworkerChannelIds, createCoworker, editCoworker, getCoworker, listCoworkers, removeCoworker } from '../../../shared/operations/coworkers.ts'
import { findMemberByHandle } from '../../../shared/operations/members.ts'
import { getTask, listTasks, requestStop, tasksForMessage } from '../../../shared/operations/tasks.ts'
import { postMessage } from '../../../shared/operations/messages.ts'
import { followTask } from '../followTask.ts'
import { getChannel } from '../../../shared/operations/channels.ts'
import { toolCatalog } from '../../../shared/toolCatalog.ts'
import { CommonsError } from '../../../shared/errors.ts'
import type { CoworkerMember } from '../../../shared/model/types.ts'
import type { WorkspaceSession } from '../../host/workspaceSession.ts'
import type { CliContext } from '../cliContext.ts'
import { stringOption, UsageError, type Command, type ParsedArgs } from '../commandLine.ts'
import { formatTime, memberName, table } from '../format.ts'

/** A coworker by id, @handle or name. */
export function resolveCoworker(session: WorkspaceSession, idOrHandle: string): CoworkerMember {
  const member = findMemberByHandle(session.root, idOrHandle)
  if (member !== undefined && member.kind === 'coworker') return member
  try {
    return getCoworker(session.root, idOrHandle)
  } catch {
    throw new CommonsError('not-found', `no coworker "${idOrHandle}"`, 'list them with `commons coworker list`')
  }
}

const list = (value: string | undefined) => (value === undefined ? undefined : value.split(',').map((item) => item.trim()).filter((item) => item !== ''))

function budgetOptions(args: ParsedArgs) {
  const budgets: Record<string, number> = {}
  const read = (flag: string, key: string) => {
    const raw = stringOption(args, flag)
    if (raw === undefined) return
    const value = Number(raw)
    if (!Number.isFinite(value)) throw new UsageError(`--${flag} must be a number, not "${raw}"`)
    budgets[key] = value
  }
  read('max-turns', 'maxTurnsPerTask')
  read('max-output-tokens', 'maxOutputTokensPerTask')
  read('max-spend-per-task', 'maxSpendPerTaskUsd')
  read('max-spend-per-day', 'maxSpendPerDayUsd')
  return budgets
}

const coworkerOptions = {
  purpose: { type: 'string' },
  tools: { type: 'string' },
  channels: { type: 'string' },
  model: { type: 'string' },
  'max-turns': { type: 'string' },
  'max-output-tokens': { type: 'string' },
  'max-spend-per-task': { type: 'string' },
  'max-spend-per-day': { type: 'string' }
} as const

function describeCoworker(session: WorkspaceSession, coworker: CoworkerMember): string {
  const channels = coworkerChannelIds(session.root, coworker.id).map((id) => `#${getChannel(session.root, id).name}`)
  return [
    `${coworker.name} (@${coworker.handle}, ${coworker.id}) [coworker]`,
    `  purpose:  ${coworker.purpose}`,
    `  tools:    ${coworker.toolset.length === 0 ? '(none)' : coworker.toolset.join(', ')}`,
    `  channels: ${channels.length === 0 ? '(none)' : channels.join(', ')}`,
    `  model:    ${coworker.model === '' ? '(workspace default)' : coworker.model}`,
    `  budgets:  ${coworker.budgets.maxTurnsPerTask} turns, ${coworker.budgets.maxOutputTokensPerTask} output tokens, $${coworker.budgets.maxSpendPerTaskUsd}/task, $${coworker.budgets.maxSpendPerDayUsd}/day`
  ].join('\n')
}

function setChannels(session: WorkspaceSession, coworkerId: string, names: string[]): void {
  const wanted = new Set(names.map((name) => resolveChannel(session.root, name).id))
  const current = new Set(coworkerChannelIds(session.root, coworkerId))
  for (const channelId of wanted) if (!current.has(channelId)) addCoworkerToChannel(session.root, { channelId, coworkerId }, session.context)
  for (const channelId of current) if (!wanted.has(channelId)) removeCoworkerFromChannel(session.root, { channelId, coworkerId }, session.context)
}

export const coworkerCommands: Command<CliContext>[] = [
  {
    name: 'coworker add',
    usage: 'commons coworker add NAME --purpose TEXT [--tools a,b] [--channels c,d] [--model M] [--max-turns N] [--max-output-tokens N] [--max-spend-per-task USD] [--max-spend-per-day USD]',
    summary: 'Add an AI coworker with a purpose, a toolset and channels',
    options: coworkerOptions,
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const purpose = stringOption(args, 'purpose')
      if (purpose === undefined) throw new UsageError('--purpose is required', `tools: ${toolCatalog.map((tool) => tool.name).join(', ')}`)
      const session = await context.session()
      const coworker = createCoworker(
        session.root,
        { name: args.positionals[0]!, purpose, toolset: list(stringOption(args, 'tools')) ?? [], model: stringOption(args, 'model') ?? '', budgets: budgetOptions(args) },
        session.context
      )
      setChannels(session, coworker.id, list(stringOption(args, 'channels')) ?? [])
      context.changed()
      context.print(() => describeCoworker(session, coworker), { ...coworker, channelIds: coworkerChannelIds(session.root, coworker.id) })
    }
  },
  {
    name: 'coworker list',
    usage: 'commons coworker list',
    summary: 'List the coworkers with their tools and channels',
    arity: { min: 0, max: 0 },
    async run(context) {
      const session = await context.session()
      const coworkers = listCoworkers(session.root)
      context.print(
        () => (coworkers.length === 0 ? 'No coworkers yet. Add one with `commons coworker add NAME --purpose TEXT --tools ...`.' : coworkers.map((coworker) => describeCoworker(session, coworker)).join('\n\n')),
        coworkers.map((coworker) => ({ ...coworker, channelIds: coworkerChannelIds(session.root, coworker.id) }))
      )
    }
  },
  {
    name: 'coworker edit',
    usage: 'commons coworker edit NAME [--purpose TEXT] [--tools a,b] [--channels c,d] [--model M] [--max-turns N] ...',
    summary: "Change a coworker's purpose, tools, channels, model or budgets",
    options: { ...coworkerOptions, name: { type: 'string' } },
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const session = await context.session()
      const coworker = resolveCoworker(session, args.positionals[0]!)
      const budgets = budgetOptions(args)
      const purpose = stringOption(args, 'purpose')
      const name = stringOption(args, 'name')
      const model = stringOption(args, 'model')
      const toolset = list(stringOption(args, 'tools'))
      const edited = editCoworker(
        session.root,
        {
          coworkerId: coworker.id,
          ...(name !== undefined ? { name } : {}),
          ...(purpose !== undefined ? { purpose } : {}),
          ...(model !== undefined ? { model } : {}),
          ...(toolset !== undefined ? { toolset } : {}),
          ...(Object.keys(budgets).length > 0 ? { budgets } : {})
        },
        session.context
      )
      const channels = list(stringOption(args, 'channels'))
      if (channels !== undefined) setChannels(session, coworker.id, channels)
      context.changed()
      context.print(() => describeCoworker(session, edited), { ...edited, channelIds: coworkerChannelIds(session.root, edited.id) })
    }
  },
  {
    name: 'coworker remove',
    usage: 'commons coworker remove NAME',
    summary: 'Remove a coworker from the workspace and its channels',
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const session = await context.session()
      const coworker = resolveCoworker(session, args.positionals[0]!)
      removeCoworker(session.root, { coworkerId: coworker.id }, session.context)
      context.changed()
      context.print(`Removed ${coworker.name}.`, { removed: coworker.id })
    }
  },
  {
    name: 'ask',
    usage: 'commons ask CHANNEL "@coworker ..."',
    summary: 'Ask a coworker in a channel and follow the task to its end, streaming the reply',
    arity: { min: 2, max: 2 },
    async run(context, args) {
      const session = await context.session()
      const channel = resolveChannel(session.root, args.positionals[0]!)
      const text = args.positionals[1]!
      const message = await session.withChannel(channel.id, (docs) => postMessage(docs, { channelId: channel.id, text }, session.context))
      context.changed()
      const [task] = tasksForMessage(session.root, message.id)
      if (task === undefined) {
        throw new CommonsError('invalid-input', `the message asks no coworker in #${channel.name}`, 'mention a coworker that was added to this channel, e.g. "@scout …" (see `commons coworker list`)')
      }
      await followTask(context, session, task.id)
    }
  },
  {
    name: 'task list',
    usage: 'commons task list [--channel C] [--coworker NAME] [--status queued|running|succeeded|failed|stopped]',
    summary: 'List coworker tasks, newest first',
    options: { channel: { type: 'string' }, coworker: { type: 'string' }, status: { type: 'string' } },
    arity: { min: 0, max: 0 },
    async run(context, args) {
      const session = await context.session()
      const channel = stringOption(args, 'channel')
      const coworker = stringOption(args, 'coworker')
      const status = stringOption(args, 'status')
      if (status !== undefined && !['queued', 'running', 'succeeded', 'failed', 'stopped'].includes(status)) throw new UsageError(`--status must be queued, running, succeeded, failed or stopped`)
      const tasks = listTasks(session.root, {
        ...(channel !== undefined ? { channelId: resolveChannel(session.root, channel).id } : {}),
        ...(coworker !== undefined ? { coworkerId: resolveCoworker(session, coworker).id } : {}),
        ...(status !== undefined ? { status: status as 'queued' } : {})
      })
      context.print(
        () =>
          tasks.length === 0
            ? 'No tasks.'
            : table(tasks.map((task) => [task.id, task.status, memberName(session.root, task.coworkerId), `#${getChannel(session.root, task.channelId).name}`, formatTime(task.createdAt), task.prompt.slice(0, 60)])),
        tasks
      )
    }
  },
  {
    name: 'task show',
    usage: 'commons task show TASK_ID',
    summary: "Show a task with its audit trail",
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const session = await context.session()
      const task = getTask(session.root, args.positionals[0]!)
      const trail = await session.withChannel(task.channelId, async (docs) => {
        await context.trySync()
        return readTrail(docs.channel, task.id)
      })
      context.print(() => formatTask(session, task, trail), { ...task, trail })
    }
  },
  {
    name: 'task stop',
    usage: 'commons task stop TASK_ID',
    summary: 'Stop a running or queued task (from any device)',
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const session = await context.session()
      const task = requestStop(session.root, { taskId: args.positionals[0]! }, session.context)
      context.changed()
      context.print(task.status === 'stopped' ? `Stopped ${task.id}.` : `Asked ${task.id} to stop; its runner will stop it.`, task)
    }
  }
]

export function formatTrailEntry(session: WorkspaceSession, entry: TrailEntry): string {
  const time = formatTime(entry.at)
  switch (entry.type) {
    case 'claimed':
      return `${time}  claimed by device ${entry.deviceId} (attempt ${entry.attempt})`
    case 'context':
      return `${time}  context: ${entry.summary} (~${entry.tokens} tokens)`
    case 'turn':
      return `${time}  model turn ${entry.turn}: ${entry.inputTokens} in, ${entry.outputTokens} out, ${entry.cacheReadTokens} from cache (${entry.durationMs} ms)`
    case 'tool-call':
      return `${time}  → ${entry.tool} ${JSON.stringify(entry.input).slice(0, 120)}`
    case 'tool-result':
      return `${time}  ← ${entry.tool} ${entry.ok ? 'ok' : 'error'}: ${entry.summary} (${entry.durationMs} ms)`
    case 'tool-refused':
      return `${time}  ✗ ${entry.tool} refused: ${entry.reason}`
    case 'retry':
      return `${time}  retry ${entry.attempt} in ${entry.delayMs} ms: ${entry.reason}`
    case 'stop-requested':
      return `${time}  stop requested by ${memberName(session.root, entry.by)}`
    case 'lost-claim':
      return `${time}  another device won the task; this run published nothing`
    case 'finished':
      return `${time}  finished: ${entry.status}${entry.reason ? ` (${entry.reason})` : ''}`
  }
}

function formatTask(session: WorkspaceSession, task: ReturnType<typeof getTask>, trail: TrailEntry[]): string {
  const lines = [
    `${task.id}: ${task.status} — ${memberName(session.root, task.coworkerId)} in #${getChannel(session.root, task.channelId).name}`,
    `asked by ${memberName(session.root, task.requestedBy)} at ${formatTime(task.createdAt)}: ${task.prompt}`
  ]
  if (task.endReason !== null) lines.push(`reason: ${task.endReason}`)
  if (task.usage !== null) {
    lines.push(`usage: ${task.usage.turns} turns, ${task.usage.inputTokens} input + ${task.usage.cacheReadTokens} cached + ${task.usage.cacheWriteTokens} cache-write tokens, ${task.usage.outputTokens} output, ~$${task.usage.estimatedCostUsd.toFixed(4)}`)
  }
  if (trail.length > 0) lines.push('', 'trail:', ...trail.map((entry) => '  ' + formatTrailEntry(session, entry)))
  return lines.join('\n')
}

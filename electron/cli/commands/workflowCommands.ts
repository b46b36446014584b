import { CommonsError } from '../../../shared/errors.ts'
import type { Workflow } from '../../../shared/model/types.ts'
import { getChannel, resolveChannel } from '../../../shared/operations/channels.ts'
import { createWorkflow, editWorkflow, listWorkflows, nextRunOf } from '../../../shared/operations/workflows.ts'
import { approve, requestChanges, runNow, workflowHistory } from '../../host/workflows/index.ts'
import type { WorkspaceSession } from '../../host/workspaceSession.ts'
import type { CliContext } from '../cliContext.ts'
import { stringOption, UsageError, type Command } from '../commandLine.ts'
import { formatTime, memberName, table } from '../format.ts'
import { followTask } from '../followTask.ts'
import { resolveCoworker } from './coworkerCommands.ts'

function resolveWorkflow(session: WorkspaceSession, idOrName: string): Workflow {
  const all = listWorkflows(session.root)
  const found = all.find((workflow) => workflow.id === idOrName) ?? all.find((workflow) => workflow.name.toLowerCase() === idOrName.toLowerCase())
  if (found === undefined) throw new CommonsError('not-found', `no workflow "${idOrName}"`, 'list them with `commons workflow list`')
  return found
}

function describeWorkflow(session: WorkspaceSession, workflow: Workflow): string[] {
  const next = nextRunOf(workflow)
  return [
    workflow.id,
    workflow.name,
    `${workflow.cron} (${workflow.timeZone})`,
    `${memberName(session.root, workflow.coworkerId)} in #${getChannel(session.root, workflow.channelId).name}`,
    workflow.enabled ? (next ? `next ${formatTime(next.getTime())}` : 'no next run') : 'disabled',
    workflow.review ? 'review on' : 'no review'
  ]
}

/** `workflow enable` and `workflow disable`: the same command, turning the workflow on or off. */
function switchWorkflow(verb: 'enable' | 'disable'): Command<CliContext> {
  const enabled = verb === 'enable'
  return {
    name: `workflow ${verb}`,
    usage: `commons workflow ${verb} NAME`,
    summary: `Turn a workflow ${enabled ? 'on' : 'off'}`,
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const session = await context.session()
      const workflow = editWorkflow(session.root, { workflowId: resolveWorkflow(session, args.positionals[0]!).id, enabled }, session.context)
      context.changed()
      context.print(`${workflow.name} is ${enabled ? 'on' : 'off'}.`, workflow)
    }
  }
}

export const workflowCommands: Command<CliContext>[] = [
  {
    name: 'workflow add',
    usage: 'commons workflow add NAME --coworker C --channel CH --cron "0 9 * * MON" --prompt TEXT [--tz ZONE] [--no-review] [--disabled]',
    summary: 'Define a recurring workflow a coworker runs on a schedule, with a review point',
    options: { coworker: { type: 'string' }, channel: { type: 'string' }, cron: { type: 'string' }, prompt: { type: 'string' }, tz: { type: 'string' }, 'no-review': { type: 'boolean' }, disabled: { type: 'boolean' } },
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const coworker = stringOption(args, 'coworker')
      const channel = stringOption(args, 'channel')
      const cron = stringOption(args, 'cron')
      const prompt = stringOption(args, 'prompt')
      if (coworker === undefined || channel === undefined || cron === undefined || prompt === undefined) {
        throw new UsageError('--coworker, --channel, --cron and --prompt are required', `usage: ${workflowCommands[0]!.usage}`)
      }
      const session = await context.session()
      const workflow = createWorkflow(
        session.root,
        {
          name: args.positionals[0]!,
          coworkerId: resolveCoworker(session, coworker).id,
          channelId: resolveChannel(session.root, channel).id,
          cron,
          timeZone: stringOption(args, 'tz') ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
          prompt,
          review: args.values['no-review'] !== true,
          enabled: args.values.disabled !== true
        },
        session.context
      )
      context.changed()
      context.print(() => table([describeWorkflow(session, workflow)]), workflow)
    }
  },
  {
    name: 'workflow list',
    usage: 'commons workflow list',
    summary: 'List workflows with their schedules and next runs',
    arity: { min: 0, max: 0 },
    async run(context) {
      const session = await context.session()
      const workflows = listWorkflows(session.root)
      context.print(
        () => (workflows.length === 0 ? 'No workflows yet. Add one with `commons workflow add`.' : table(workflows.map((workflow) => describeWorkflow(session, workflow)))),
        workflows.map((workflow) => ({ ...workflow, nextRun: nextRunOf(workflow)?.toISOString() ?? null }))
      )
    }
  },
  ...(['enable', 'disable'] as const).map(switchWorkflow),
  {
    name: 'workflow run',
    usage: 'commons workflow run NAME',
    summary: 'Run a workflow now on this device, following it to its end (--detach: leave it to a device with a model)',
    options: { detach: { type: 'boolean' } },
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const session = await context.session()
      const { task, created } = runNow(session, resolveWorkflow(session, args.positionals[0]!).id)
      context.changed()
      if (args.values.detach === true) {
        context.print(created ? `Started ${task.id}.` : `A run of this minute already exists: ${task.id}.`, task)
        return
      }
      if (!created) context.io.stderr(`a run of this minute already exists (${task.id}); following it\n`)
      await followTask(context, session, task.id)
    }
  },
  {
    name: 'workflow history',
    usage: 'commons workflow history NAME',
    summary: 'Show past runs: when, who ran it, how long, usage, outputs, status',
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const session = await context.session()
      const runs = workflowHistory(session.root, resolveWorkflow(session, args.positionals[0]!).id)
      context.print(
        () =>
          runs.length === 0
            ? 'No runs yet.'
            : table(
                runs.map((run) => [
                  formatTime(run.slot),
                  run.status,
                  run.ranBy.kind === 'schedule' ? (run.missed ? 'schedule (missed slot)' : 'schedule') : memberName(session.root, run.ranBy.memberId),
                  run.durationMs === null ? '' : `${(run.durationMs / 1000).toFixed(1)} s`,
                  run.usage === null ? '' : `$${run.usage.estimatedCostUsd.toFixed(4)}`,
                  run.deliverables.map((deliverable) => `${deliverable.title ?? deliverable.id} (${deliverable.status ?? 'removed'})`).join(', ')
                ])
              ),
        runs
      )
    }
  },
  {
    name: 'review approve',
    usage: 'commons review approve DELIVERABLE_ID',
    summary: 'Approve a deliverable in review and announce it',
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const session = await context.session()
      const outcome = await approve(session, args.positionals[0]!)
      context.changed()
      context.print(`Approved "${outcome.deliverable.title}".`, outcome)
    }
  },
  {
    name: 'review changes',
    usage: 'commons review changes DELIVERABLE_ID COMMENT',
    summary: 'Send a deliverable back with a comment; the coworker revises it (and remembers the comment)',
    arity: { min: 2, max: 2 },
    async run(context, args) {
      const session = await context.session()
      const outcome = await requestChanges(session, args.positionals[0]!, args.positionals[1]!)
      context.changed()
      const followUp = outcome.task === null ? 'no coworker made it, so nobody was asked to revise it' : `revision task ${outcome.task.id}`
      context.print(`Sent "${outcome.deliverable.title}" back; ${followUp}. The comment is remembered as a preference.`, outcome)
    }
  }
]

import { Host } from '../../electron/host/host.ts'
import { createToolRegistry } from '../../electron/host/tools/registry.ts'
import type { ToolCaller, ToolContext, ToolOutcome, ToolRegistry } from '../../electron/host/tools/toolTypes.ts'
import { silentLogger } from '../../shared/log.ts'
import { addCoworkerToChannel, createChannel, listChannels } from '../../shared/operations/channels.ts'
import { operationContext, type OperationContext } from '../../shared/operations/context.ts'
import { coworkerChannelIds, createCoworker } from '../../shared/operations/coworkers.ts'
import { postMessage } from '../../shared/operations/messages.ts'
import { tasksForMessage } from '../../shared/operations/tasks.ts'
import { toolNames } from '../../shared/toolCatalog.ts'
import { steppingClock } from '../unit/fixtures/workspace.ts'
import { temporaryDirectory } from './helpers/cli.ts'

/**
 * A real Host on a temporary data directory with a workspace made for tool tests: Ada (the person at
 * this device), #general and #secret, and Scout, a coworker in #general only, running the task Ada's
 * @mention made. `call` runs a tool as Scout through the registry.
 */
export async function openToolsWorkspace(options: { toolset?: readonly string[]; registry?: ToolRegistry } = {}) {
  const directory = await temporaryDirectory('commons-tools-')
  const host = await Host.open({ dataDir: directory.path, source: 'test', log: silentLogger })
  const session = await host.createWorkspace({ name: 'Acme', userName: 'Ada' })
  const root = session.root
  const ada = session.context
  const general = createChannel(root, { name: 'general' }, ada)
  const secret = createChannel(root, { name: 'secret' }, ada)
  const scout = createCoworker(root, { name: 'Scout', purpose: 'Research and reports', toolset: [...(options.toolset ?? toolNames)] }, ada)
  addCoworkerToChannel(root, { channelId: general.id, coworkerId: scout.id }, ada)

  const post = (channelId: string, text: string, as: OperationContext = ada, replyTo: string | null = null) =>
    session.withChannel(channelId, (docs) => postMessage(docs, { channelId, text, replyTo }, as))

  const ask = await post(general.id, '@scout please summarise the week')
  const task = tasksForMessage(root, ask.id)[0]!

  const caller: ToolCaller = {
    kind: 'coworker',
    coworkerId: scout.id,
    toolset: new Set(scout.toolset),
    channelIds: new Set(coworkerChannelIds(root, scout.id)),
    taskId: task.id
  }
  const assistant: ToolCaller = { kind: 'assistant', memberId: session.memberId, channelIds: new Set(listChannels(root, { memberId: session.memberId }).map((channel) => channel.id)) }
  // Scout's changes get a clock that moves a second per reading, so "newest first" is decided in tests.
  const clock = steppingClock()
  const scoutContext = (): ToolContext => ({ session, caller, operation: operationContext(scout.id, 'agent', { now: clock }), touchedDeliverables: new Set() })
  const assistantContext = (): ToolContext => ({ session, caller: assistant, operation: session.context, touchedDeliverables: new Set() })
  const registry = options.registry ?? createToolRegistry()
  const call = (name: string, input: unknown, context: ToolContext = scoutContext()): Promise<ToolOutcome> => registry.execute({ name, input }, context)

  return {
    host,
    session,
    root,
    ada,
    general,
    secret,
    scout,
    ask,
    task,
    caller,
    assistant,
    registry,
    post,
    call,
    scoutContext,
    assistantContext,
    async close() {
      await host.close()
      await directory.remove()
    }
  }
}

export type ToolsWorkspace = Awaited<ReturnType<typeof openToolsWorkspace>>

/** The JSON content of a successful call. */
export function json(outcome: ToolOutcome): any {
  if (outcome.isError) throw new Error(`the call failed: ${outcome.content}`)
  return JSON.parse(outcome.content)
}

import { createAgentClient } from '../../electron/host/agent/index.ts'
import type { AgentClient } from '../../electron/host/agent/agentClient.ts'
import { forkAgentTransport } from '../../electron/host/agent/forkTransport.ts'
import { TaskRunner, type TaskRunnerServices } from '../../electron/host/tasks/taskRunner.ts'
import type { RunEnd } from '../../electron/host/tasks/taskRun.ts'
import { createToolRegistry } from '../../electron/host/tools/registry.ts'
import { createLogger } from '../../shared/log.ts'
import { readTrail, type TrailEntry } from '../../shared/model/trail.ts'
import type { CoworkerBudgets, CoworkerMember, MessageView } from '../../shared/model/types.ts'
import { addCoworkerToChannel, createChannel, joinChannel } from '../../shared/operations/channels.ts'
import { createCoworker } from '../../shared/operations/coworkers.ts'
import { postMessage, readMessages } from '../../shared/operations/messages.ts'
import { tasksForMessage } from '../../shared/operations/tasks.ts'
import { startSyncServer, type SyncServer } from '../../sync-server/server.ts'
import { startFakeMessagesApi, type FakeMessagesApi } from '../fakes/messagesApi.ts'
import { fakeModels } from '../unit/tasks-fakes.ts'
import { temporaryDirectory } from './helpers/cli.ts'
import { converge, freePort, workspaceOnDevices, type Device } from './helpers/devices.ts'

/**
 * A workspace on several devices for task runner tests: a real sync server on loopback, a Host per
 * device (with joined channels syncing in the background, as in the desktop app), #general with Scout
 * the coworker in it, and on each device a task runner with a real agent process (the supervisor over a
 * forked Node process) calling the fake Messages API with the real SDK, and the real tool registry.
 */

export const API_KEY = 'sk-ant-tasks-test'

export interface TaskDevice extends Device {
  runner: TaskRunner
  agent: AgentClient
  ends: Array<{ taskId: string; runId: string; end: RunEnd }>
}

export interface TaskWorldOptions {
  names: string[]
  toolset?: string[]
  budgets?: Partial<CoworkerBudgets>
  /** Lease timings for the runners (short ones make takeovers quick). */
  timings?: TaskRunnerServices['timings']
  /** Build the agent client of each device; default: a supervised agent process per device. */
  agentFor?: (name: string) => AgentClient
  /** Runs at once per device. */
  maxConcurrentRuns?: number
}

export async function startTaskWorld(options: TaskWorldOptions) {
  const cleanups: Array<() => Promise<unknown>> = []
  const serverData = await temporaryDirectory('commons-tasks-server-')
  cleanups.push(serverData.remove)
  const port = await freePort()
  let server: SyncServer | null = await startSyncServer({ dataDir: serverData.path, port, log: createLogger({ scope: 'test.sync', level: 'silent' }) })
  cleanups.push(async () => server?.close())
  // A low caching threshold, so a coworker's short system prompt and tools are cached as a real one's would be.
  const fake: FakeMessagesApi = await startFakeMessagesApi({ apiKey: API_KEY, minimumCacheableTokens: 256 })
  cleanups.push(() => fake.close())

  const plain = await workspaceOnDevices(options.names, server.url, cleanups, { backgroundSync: true })
  const [owner] = plain
  const root = owner!.session.root
  const general = createChannel(root, { name: 'general' }, owner!.session.context)
  const scout: CoworkerMember = createCoworker(
    root,
    { name: 'Scout', purpose: 'Research and short reports for the team', toolset: options.toolset ?? ['read_channel', 'create_document'], budgets: options.budgets ?? {} },
    owner!.session.context
  )
  addCoworkerToChannel(root, { channelId: general.id, coworkerId: scout.id }, owner!.session.context)
  await converge(plain)
  for (const device of plain.slice(1)) joinChannel(device.session.root, { channelId: general.id }, device.session.context)
  for (const device of plain) await device.session.openJoinedChannels()
  await converge(plain)

  const models = fakeModels({ config: { kind: 'anthropic', apiKey: API_KEY, baseURL: fake.url } })
  const tools = createToolRegistry()
  const devices: TaskDevice[] = plain.map((device) => {
    const agent =
      options.agentFor?.(device.name) ??
      createAgentClient({
        createTransport: () => forkAgentTransport({ env: { ...process.env, COMMONS_LOG_LEVEL: 'error' } }),
        log: createLogger({ scope: `test.${device.name}.agent`, level: 'silent' })
      })
    const runner = TaskRunner.start(device.session, {
      agent,
      tools,
      models,
      log: createLogger({ scope: `test.${device.name}`, level: process.env.COMMONS_TEST_TASK_LOG === '1' ? 'info' : 'silent' }),
      ...(options.timings ? { timings: options.timings } : {}),
      ...(options.maxConcurrentRuns ? { maxConcurrentRuns: options.maxConcurrentRuns } : {})
    })
    const ends: TaskDevice['ends'] = []
    runner.on('run-ended', (taskId, runId, end) => ends.push({ taskId, runId, end }))
    // Runners close before their Host (cleanups run in reverse), agents after them.
    cleanups.push(() => agent.close())
    cleanups.push(() => runner.close())
    return { ...device, runner, agent, ends }
  })

  return {
    fake,
    devices,
    general: general.id,
    scout,
    get serverUrl() {
      return `http://127.0.0.1:${port}`
    },
    get serverRunning() {
      return server !== null
    },
    async stopServer() {
      const running = server
      server = null
      await running?.close()
    },
    async startServer() {
      if (server !== null) return
      server = await startSyncServer({ dataDir: serverData.path, port, log: createLogger({ scope: 'test.sync', level: 'silent' }) })
    },
    /** A person's message in #general (a mention of @scout makes a task on that device). */
    async post(device: Device, text: string, replyTo: string | null = null): Promise<MessageView> {
      return device.session.withChannel(general.id, (docs) => postMessage(docs, { channelId: general.id, text, replyTo }, device.session.context))
    },
    async ask(device: Device, text: string, replyTo: string | null = null) {
      const message = await this.post(device, text, replyTo)
      return tasksForMessage(device.session.root, message.id)[0]!
    },
    async messages(device: Device): Promise<MessageView[]> {
      return device.session.withChannel(general.id, (docs) => readMessages(docs.channel, { limit: 1_000 }))
    },
    async trail(device: Device, taskId: string): Promise<TrailEntry[]> {
      return device.session.withChannel(general.id, (docs) => readTrail(docs.channel, taskId))
    },
    converge: () => converge(devices),
    async close() {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {})
    }
  }
}

export type TaskWorld = Awaited<ReturnType<typeof startTaskWorld>>

/** Scripted request → what the last user message holds (text, or a tool result's content). */
export function lastUserContent(body: Record<string, unknown>): { type: string; text?: string; content?: string } {
  const messages = body['messages'] as Array<{ role: string; content: Array<{ type: string; text?: string; content?: string }> }>
  const last = messages.at(-1)!
  return last.content.at(-1)!
}

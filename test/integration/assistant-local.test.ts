import { afterEach, describe, expect, it } from 'vitest'
import { ModelError } from '../../electron/agent/providers/modelErrors.ts'
import { createAgentClient } from '../../electron/host/agent/index.ts'
import { AssistantService } from '../../electron/host/assistant/assistantService.ts'
import { AssistantStore } from '../../electron/host/assistant/assistantStore.ts'
import { Host } from '../../electron/host/host.ts'
import { ModelSettingsStore } from '../../electron/host/settings/index.ts'
import { createToolRegistry } from '../../electron/host/tools/registry.ts'
import { silentLogger } from '../../shared/log.ts'
import { createChannel } from '../../shared/operations/channels.ts'
import { postMessage } from '../../shared/operations/messages.ts'
import { startFakeMessagesApi } from '../fakes/messagesApi.ts'
import { startFakeOpenAiServer } from '../fakes/openaiCompatible.ts'
import { temporaryDirectory } from './helpers/cli.ts'
import { freePort } from './helpers/devices.ts'

/**
 * The private assistant with the real agent process and tool registry: offline, on a local
 * OpenAI-compatible model, and the model errors a person meets, as the window receives them.
 */

const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {})
})

/**
 * A device with a workspace that has no sync server at all, and the assistant over the real agent, tool
 * registry and model settings (set up as the settings screen would).
 */
async function offlineDevice(configs: { anthropic?: { apiKey: string; baseURL: string }; local?: { baseURL: string; model: string } }) {
  const directory = await temporaryDirectory('commons-assistant-local-')
  cleanups.push(directory.remove)
  const host = await Host.open({ dataDir: directory.path, source: 'test', log: silentLogger })
  cleanups.push(() => host.close())
  const workspace = await host.createWorkspace({ name: 'Acme', userName: 'Ada' })
  const launch = createChannel(workspace.root, { name: 'launch' }, workspace.context)
  await workspace.withChannel(launch.id, (docs) => postMessage(docs, { channelId: launch.id, text: 'We ship on Friday.' }, workspace.context))
  const settings = await ModelSettingsStore.open({ dataDir: directory.path, env: {}, log: silentLogger })
  if (configs.local !== undefined) await settings.setLocal(configs.local)
  if (configs.anthropic !== undefined) {
    await settings.setAnthropicKey(configs.anthropic.apiKey)
    await settings.setAnthropicBaseUrl(configs.anthropic.baseURL)
  }
  await settings.setPrivateAssistantProvider(configs.local !== undefined ? 'local' : 'anthropic')
  const agent = createAgentClient({ log: silentLogger })
  cleanups.push(() => agent.close())
  const assistant = new AssistantService({
    store: await AssistantStore.open({ directory: directory.path, log: silentLogger }),
    agent,
    tools: createToolRegistry(),
    models: settings,
    openWorkspace: (id) => host.openWorkspace(id),
    preferredProvider: () => settings.privateAssistantProvider(),
    log: silentLogger
  })
  cleanups.push(async () => assistant.close())
  return { host, workspace, launch, assistant }
}

describe('the private assistant on a local model', () => {
  it('answers offline through a local endpoint, reading the workspace with a read-only tool', async () => {
    const local = await startFakeOpenAiServer()
    cleanups.push(() => local.close())
    const { workspace, launch, assistant } = await offlineDevice({ local: { baseURL: local.url, model: 'llama3.2' } })
    expect(workspace.hasServer).toBe(false)

    const session = await assistant.create({ workspaceId: workspace.id, channelId: launch.id })
    expect(session.provider).toBe('local')
    local.script(
      { type: 'message', content: [{ type: 'tool_use', name: 'read_channel', input: { channel: 'launch' } }] },
      { type: 'message', content: [{ type: 'text', text: 'The team plans to ship on Friday.' }] }
    )
    const tools: string[] = []
    const result = await assistant.send(session.id, 'When is the launch?', { onTool: (event) => tools.push(`${event.phase} ${event.name}`) })
    expect(result).toMatchObject({ outcome: 'completed', reply: 'The team plans to ship on Friday.' })
    expect(tools).toEqual(['started read_channel', 'finished read_channel'])

    const [first, second] = local.requests.filter((request) => request.path === '/v1/chat/completions')
    expect(first!.body.model).toBe('llama3.2')
    const offered = (first!.body.tools as Array<{ function: { name: string } }>).map((tool) => tool.function.name)
    expect(offered.sort()).toEqual(['list_files', 'read_channel', 'read_deliverable', 'read_file', 'recall', 'search_workspace'])
    const system = (first!.body.messages as Array<{ role: string; content: string }>).find((message) => message.role === 'system')!.content
    expect(system).toContain("Ada's private assistant")
    expect(system).toContain('<channel-context>')
    expect(JSON.stringify(second!.body.messages)).toContain('We ship on Friday.')

    const kept = assistant.get(session.id)
    expect(kept.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant'])
    expect(kept.messages[1]!.content[0]).toMatchObject({ type: 'tool_use', name: 'read_channel' })
  })

  it('stops a streaming reply and keeps what had arrived', async () => {
    const local = await startFakeOpenAiServer()
    cleanups.push(() => local.close())
    const { workspace, assistant } = await offlineDevice({ local: { baseURL: local.url, model: 'llama3.2' } })
    const session = await assistant.create({ workspaceId: workspace.id })
    local.script({ type: 'message', content: [{ type: 'text', text: 'one two three four five six seven eight nine ten' }], textChunks: 10, chunkDelayMs: 100 })
    let stopped = false
    const result = await assistant.send(session.id, 'Count slowly', {
      onText: () => {
        if (!stopped) stopped = assistant.stop(session.id)
      }
    })
    expect(result.outcome).toBe('stopped')
    expect(result.reply.length).toBeGreaterThan(0)
    expect('one two three four five six seven eight nine ten'.startsWith(result.reply)).toBe(true)
    const kept = assistant.get(session.id)
    expect(kept.notes.at(-1)).toMatchObject({ kind: 'stopped' })
    expect(kept.running).toBe(false)
  })

  it('says clearly when the local endpoint is not running, keeping the message', async () => {
    const port = await freePort()
    const { workspace, assistant } = await offlineDevice({ local: { baseURL: `http://127.0.0.1:${port}/v1`, model: 'llama3.2' } })
    const session = await assistant.create({ workspaceId: workspace.id })
    const error = await assistant.send(session.id, 'Are you there?').catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ModelError)
    expect((error as ModelError).reason).toBe('unreachable')
    expect((error as ModelError).message).toContain(`127.0.0.1:${port}`)
    expect((error as ModelError).hint).toMatch(/ollama serve|LM Studio/)
    const kept = assistant.get(session.id)
    expect(kept.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Are you there?' }] }])
    expect(kept.notes.at(-1)).toMatchObject({ kind: 'error', hint: (error as ModelError).hint })
  })

  it('says clearly when no local model is set up', async () => {
    const { workspace, assistant } = await offlineDevice({})
    const session = await assistant.create({ workspaceId: workspace.id, provider: 'local' })
    const error = await assistant.send(session.id, 'hello?').catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ModelError)
    expect(error).toMatchObject({ reason: 'not-configured', code: 'config' })
    expect((error as ModelError).hint).toMatch(/Settings/)
    expect(assistant.get(session.id).messages).toHaveLength(1)
  })

  it('says clearly when the Anthropic key is refused', async () => {
    const api = await startFakeMessagesApi({ apiKey: 'sk-ant-right-key-0000' })
    cleanups.push(() => api.close())
    const { workspace, assistant } = await offlineDevice({ anthropic: { apiKey: 'sk-ant-wrong-key-0000', baseURL: api.url } })
    const session = await assistant.create({ workspaceId: workspace.id })
    expect(session.provider).toBe('anthropic')
    const error = await assistant.send(session.id, 'hello').catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ModelError)
    expect(error).toMatchObject({ reason: 'bad-key', code: 'access' })
    expect((error as ModelError).hint).toMatch(/valid key/)
    expect(assistant.get(session.id).messages).toHaveLength(1)
  })
})

import { describe, expect, it } from 'vitest'
import type { Bridge, EventName, EventPayload, RequestInput, RequestName, RequestOutput } from '../../shared/bridge/contract.ts'
import { CURRENT_MODELS } from '../../electron/agent/providers/models.ts'
import { parseRoute, routeHash, type Route } from '../../renderer/src/app/route.ts'
import { AssistantClient, chooseSessionOnOpen, resumeWithinMs, suggestTitle, titleFromMessage, type SessionSummary } from '../../renderer/src/assistant/assistantClient.ts'
import { desktopAssistantWindow, isAssistantShortcut } from '../../renderer/src/assistant/events.ts'
import { assistantModelStatus } from '../../renderer/src/assistant/modelStatus.ts'
import { claudeModels, keyStatus, keyStorage, type ModelSettings } from '../../renderer/src/settings/models.ts'

const workspaceId = 'ws_aaaaaaaaaaaaaaaaaaaa'

/** A bridge whose requests are answered by the test, with the events it can fire. */
class FakeBridge implements Bridge {
  readonly calls: { name: RequestName; input: unknown }[] = []
  readonly listeners = new Map<string, Set<(payload: never) => void>>()
  handlers: Partial<{ [Name in RequestName]: (input: RequestInput<Name>) => RequestOutput<Name> | Promise<RequestOutput<Name>> }> = {}

  request<Name extends RequestName>(name: Name, input: RequestInput<Name>): Promise<RequestOutput<Name>> {
    this.calls.push({ name, input })
    const handler = this.handlers[name] as ((input: RequestInput<Name>) => RequestOutput<Name> | Promise<RequestOutput<Name>>) | undefined
    if (handler === undefined) return Promise.reject(Object.assign(new Error(`no handler for ${name}`), { code: 'test', hint: null }))
    try {
      return Promise.resolve(handler(input))
    } catch (error) {
      return Promise.reject(error)
    }
  }

  on<Name extends EventName>(name: Name, listener: (payload: EventPayload<Name>) => void): () => void {
    let set = this.listeners.get(name)
    if (set === undefined) this.listeners.set(name, (set = new Set()))
    set.add(listener as (payload: never) => void)
    return () => set.delete(listener as (payload: never) => void)
  }

  emit<Name extends EventName>(name: Name, payload: EventPayload<Name>): void {
    for (const listener of this.listeners.get(name) ?? []) (listener as (payload: EventPayload<Name>) => void)(payload)
  }
}

const summary = (id: string, overrides: Partial<SessionSummary> = {}): SessionSummary => ({
  id,
  workspaceId,
  title: 'New conversation',
  updatedAt: 1_000,
  contextChip: null,
  ...overrides
})

const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('assistant: which session Cmd/Ctrl+J opens', () => {
  const now = 10 * resumeWithinMs
  it('starts a new session when there is none, or when the channel differs', () => {
    expect(chooseSessionOnOpen({ current: null, currentIsEmpty: false, channelId: 'ch_1', now })).toEqual({ kind: 'create' })
    const current = summary('ses_1', { updatedAt: now, contextChip: { channelId: 'ch_1', label: '#launch · 3 messages' } })
    expect(chooseSessionOnOpen({ current, currentIsEmpty: false, channelId: 'ch_2', now })).toEqual({ kind: 'create' })
  })
  it('resumes a recent session with the same channel, or any recent one outside a channel', () => {
    const current = summary('ses_1', { updatedAt: now - 60_000, contextChip: { channelId: 'ch_1', label: '#launch' } })
    expect(chooseSessionOnOpen({ current, currentIsEmpty: false, channelId: 'ch_1', now })).toEqual({ kind: 'resume', sessionId: 'ses_1' })
    expect(chooseSessionOnOpen({ current, currentIsEmpty: false, channelId: null, now })).toEqual({ kind: 'resume', sessionId: 'ses_1' })
  })
  it('starts fresh after a while, but reuses an empty session whatever its age', () => {
    const old = summary('ses_1', { updatedAt: now - resumeWithinMs - 1, contextChip: { channelId: 'ch_1', label: '#launch' } })
    expect(chooseSessionOnOpen({ current: old, currentIsEmpty: false, channelId: 'ch_1', now })).toEqual({ kind: 'create' })
    expect(chooseSessionOnOpen({ current: old, currentIsEmpty: true, channelId: 'ch_1', now })).toEqual({ kind: 'resume', sessionId: 'ses_1' })
  })
})

describe('assistant: titles', () => {
  it('takes a session title from the first line, as the Host does', () => {
    expect(titleFromMessage('  What did we decide?\nmore')).toBe('What did we decide?')
    expect(titleFromMessage('x'.repeat(80))).toHaveLength(60)
  })
  it('suggests a deliverable title from the answer’s heading, else its first line', () => {
    expect(suggestTitle('## Launch summary\n\nWe ship Friday.', 'Chat')).toBe('Launch summary')
    expect(suggestTitle('We ship **Friday**.\n\nMore.', 'Chat')).toBe('We ship Friday.')
    expect(suggestTitle('', 'New conversation')).toBe('Notes from my assistant')
  })
})

describe('assistant client', () => {
  function setup() {
    const bridge = new FakeBridge()
    const sessions: SessionSummary[] = [summary('ses_old', { title: 'Older', updatedAt: 5 })]
    const transcripts = new Map<string, RequestOutput<'assistant.get'>['messages']>([['ses_old', [{ role: 'user', text: 'Earlier', error: null }]]])
    bridge.handlers = {
      'assistant.list': () => sessions,
      'assistant.create': ({ channelId }) => {
        const created = summary(`ses_${sessions.length + 1}`, { updatedAt: Date.now(), contextChip: channelId == null ? null : { channelId, label: '#launch · 3 messages' } })
        sessions.unshift(created)
        transcripts.set(created.id, [])
        return created
      },
      'assistant.get': ({ sessionId }) => ({ summary: sessions.find((session) => session.id === sessionId)!, messages: transcripts.get(sessionId) ?? [] }),
      'assistant.send': () => ({ ok: true as const }),
      'assistant.stop': () => ({ ok: true as const }),
      'assistant.delete': ({ sessionId }) => {
        sessions.splice(
          sessions.findIndex((session) => session.id === sessionId),
          1
        )
        return { ok: true as const }
      },
      'assistant.removeContext': ({ sessionId }) => {
        const session = sessions.find((item) => item.id === sessionId)!
        session.contextChip = null
        return session
      },
      'assistant.share': () => ({ messageId: 'msg_1' }),
      'assistant.saveAsDeliverable': () => ({ deliverableId: 'dl_1' })
    }
    const client = new AssistantClient(bridge, workspaceId)
    const stop = client.start()
    return { bridge, client, sessions, transcripts, stop }
  }

  it('opens a new session with the channel as context, and resumes it on the next open', async () => {
    const { bridge, client } = setup()
    const first = await client.open('ch_1')
    expect(bridge.calls.find((call) => call.name === 'assistant.create')?.input).toEqual({ workspaceId, channelId: 'ch_1' })
    expect(client.summary(first)?.contextChip?.channelId).toBe('ch_1')
    expect(await client.open('ch_1')).toBe(first)
    expect(bridge.calls.filter((call) => call.name === 'assistant.create')).toHaveLength(1)
  })

  it('streams a reply from the text events and reads the saved conversation back when done', async () => {
    const { bridge, client, transcripts } = setup()
    const id = await client.open(null)
    client.setDraft(id, 'What did we decide?')
    const sent = client.send(id, 'What did we decide?')
    expect(client.state(id).live).toEqual({ userText: 'What did we decide?', text: '', phase: 'sending' })
    expect(client.state(id).draft).toBe('')
    expect(client.summary(id)?.title).toBe('What did we decide?')
    expect(await sent).toBe(true)
    bridge.emit('assistant.text', { sessionId: id, text: 'We ship ' })
    bridge.emit('assistant.text', { sessionId: id, text: 'Friday.' })
    expect(client.state(id).live).toEqual({ userText: 'What did we decide?', text: 'We ship Friday.', phase: 'streaming' })
    transcripts.set(id, [
      { role: 'user', text: 'What did we decide?', error: null },
      { role: 'assistant', text: 'We ship Friday.', error: null }
    ])
    bridge.emit('assistant.done', { sessionId: id, outcome: 'completed', error: null })
    await settle()
    expect(client.state(id).live).toBeNull()
    expect(client.state(id).messages?.map((message) => message.text)).toEqual(['What did we decide?', 'We ship Friday.'])
  })

  it('keeps the typed message when the reply fails, with the error and its hint', async () => {
    const { bridge, client, transcripts } = setup()
    const id = await client.open(null)
    await client.send(id, 'hello')
    transcripts.set(id, [{ role: 'user', text: 'hello', error: 'no Anthropic API key is set up' }])
    bridge.emit('assistant.done', { sessionId: id, outcome: 'failed', error: { message: 'no Anthropic API key is set up', hint: 'add a key in Settings → Models' } })
    await settle()
    const state = client.state(id)
    expect(state.draft).toBe('hello')
    expect(state.lastOutcome?.error).toEqual({ message: 'no Anthropic API key is set up', hint: 'add a key in Settings → Models' })
    expect(state.messages?.[0]?.error).toBe('no Anthropic API key is set up')
  })

  it('puts a refused message back in the box and says why', async () => {
    const { bridge, client } = setup()
    const id = await client.open(null)
    bridge.handlers['assistant.send'] = () => {
      throw Object.assign(new Error('the assistant is still answering in this conversation'), { code: 'conflict', hint: 'wait for the reply, or stop it first' })
    }
    expect(await client.send(id, 'again')).toBe(false)
    expect(client.state(id).draft).toBe('again')
    expect(client.state(id).live).toBeNull()
    expect(client.state(id).sendProblem).toMatchObject({ message: 'The assistant is still answering in this conversation', hint: 'Wait for the reply, or stop it first' })
  })

  it('stops a reply and notes where answers were shared and saved', async () => {
    const { bridge, client } = setup()
    const id = await client.open('ch_1')
    await client.send(id, 'go')
    bridge.emit('assistant.text', { sessionId: id, text: 'Partial' })
    await client.stop(id)
    expect(bridge.calls.at(-1)).toEqual({ name: 'assistant.stop', input: { sessionId: id } })
    expect(client.state(id).live?.phase).toBe('stopping')
    await client.share(id, 1, 'Partial', { id: 'ch_1', name: 'launch' })
    await client.saveAsDeliverable(id, 1, 'Partial', '  Notes  ', 'ch_1')
    expect(bridge.calls.find((call) => call.name === 'assistant.share')?.input).toEqual({ sessionId: id, text: 'Partial', channelId: 'ch_1' })
    expect(bridge.calls.find((call) => call.name === 'assistant.saveAsDeliverable')?.input).toEqual({ sessionId: id, text: 'Partial', title: 'Notes', channelId: 'ch_1' })
    expect(client.state(id).notes.get(1)).toEqual([
      { kind: 'shared', targetId: 'ch_1', label: '#launch', messageId: 'msg_1' },
      { kind: 'saved', targetId: 'dl_1', label: 'Notes' }
    ])
  })

  it('removes the context chip, and cleans up an unused session it made when moving on', async () => {
    const { bridge, client } = setup()
    const id = await client.open('ch_1')
    await client.removeContext(id)
    expect(client.summary(id)?.contextChip).toBeNull()
    client.select('ses_old')
    await settle()
    expect(bridge.calls.some((call) => call.name === 'assistant.delete' && (call.input as { sessionId: string }).sessionId === id)).toBe(true)
    expect(client.sessions()?.map((session) => session.id)).toEqual(['ses_old'])
  })

  it('ignores replies to sessions it never showed, and stops listening when stopped', async () => {
    const { bridge, client, stop } = setup()
    bridge.emit('assistant.text', { sessionId: 'ses_other', text: 'x' })
    expect(client.state('ses_other').live).toBeNull()
    stop()
    expect([...bridge.listeners.values()].every((set) => set.size === 0)).toBe(true)
  })
})

describe('assistant: routes, shortcut and model status', () => {
  it('routes the full-window assistant and the settings sections', () => {
    const routes: [string, Route][] = [
      ['#/assistant', { view: 'assistant', sessionId: null }],
      ['#/assistant/ses_1', { view: 'assistant', sessionId: 'ses_1' }],
      ['#/assistant/new/ch_1', { view: 'assistant', sessionId: null, channelId: 'ch_1' }],
      ['#/settings/models', { view: 'settings', section: 'models' }],
      ['#/settings', { view: 'settings' }]
    ]
    for (const [hash, route] of routes) {
      expect(parseRoute(hash)).toEqual(route)
      expect(routeHash(route)).toBe(hash)
    }
    expect(parseRoute('#/settings/nope')).toEqual({ view: 'settings' })
  })

  it('knows Cmd/Ctrl+J', () => {
    const key = (init: Partial<KeyboardEvent>) => ({ key: 'j', metaKey: false, ctrlKey: false, altKey: false, shiftKey: false, ...init })
    expect(isAssistantShortcut(key({ ctrlKey: true }))).toBe(true)
    expect(isAssistantShortcut(key({ metaKey: true, key: 'J' }))).toBe(true)
    expect(isAssistantShortcut(key({ ctrlKey: true, shiftKey: true }))).toBe(false)
    expect(isAssistantShortcut(key({}))).toBe(false)
  })

  it('opens the desktop app’s assistant window through the preload when there is one', () => {
    expect(desktopAssistantWindow()).toBeUndefined()
    const asked: unknown[] = []
    ;(globalThis as { commons?: unknown }).commons = { openAssistant: (options: unknown) => asked.push(options) }
    try {
      desktopAssistantWindow()?.({ channelId: 'ch_1' })
      expect(asked).toEqual([{ channelId: 'ch_1' }])
    } finally {
      delete (globalThis as { commons?: unknown }).commons
    }
  })

  const models = (overrides: Partial<ModelSettings> = {}): ModelSettings => ({
    anthropic: { configured: false, keySource: 'none', keyHint: null, baseURL: null },
    local: { configured: false, baseURL: null, model: null },
    defaultModel: 'claude-sonnet-5-5',
    assistantProvider: 'anthropic',
    keyProtection: 'none',
    keyWarning: 'no OS keychain is available here',
    ...overrides
  })

  it('says whether the assistant can answer, and on what', () => {
    expect(assistantModelStatus(null)).toMatchObject({ known: false, ready: true })
    expect(assistantModelStatus(models())).toMatchObject({ known: true, ready: false, provider: 'anthropic' })
    expect(assistantModelStatus(models({ anthropic: { configured: true, keySource: 'settings', keyHint: '1234', baseURL: null } }))).toMatchObject({ ready: true, label: 'Claude (claude-sonnet-5-5)' })
    expect(assistantModelStatus(models({ assistantProvider: 'local', local: { configured: true, baseURL: 'http://127.0.0.1:11434/v1', model: 'llama3.2' } }))).toMatchObject({ ready: true, label: 'llama3.2 on a local endpoint' })
  })

  it('describes the key and its storage', () => {
    expect(keyStatus(models()).label).toBe('No key yet')
    expect(keyStatus(models({ anthropic: { configured: true, keySource: 'environment', keyHint: null, baseURL: null } })).label).toBe('Using ANTHROPIC_API_KEY from the environment')
    expect(keyStatus(models({ anthropic: { configured: true, keySource: 'settings', keyHint: '1234', baseURL: null } })).label).toBe('Key ending …1234')
    expect(keyStatus(models({ anthropic: { configured: true, keySource: 'settings', keyHint: null, baseURL: null } })).label).toBe('Key saved on this device')
    expect(keyStorage(models())).toEqual({ secure: false, label: 'Key storage: a private file on this device, not encrypted', warning: 'No OS keychain is available here.' })
    expect(keyStorage(models({ keyProtection: 'keychain', keyWarning: null })).secure).toBe(true)
  })

  it('offers the same Claude models as the agent', () => {
    expect(claudeModels.map((model) => model.id)).toEqual([...CURRENT_MODELS])
  })
})

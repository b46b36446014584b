/**
 * The private assistant: a person's own sessions with the model, on this device only.
 *
 * Sessions live in assistant.json (assistantStore.ts) and never enter a Y.Doc. The model reads the
 * workspace through the read-only tools, as the person, within the channels the person is in. The only
 * ways anything leaves a session are the person's explicit "Share to channel" (a message posted as
 * them, marked shared from the assistant) and "Save as deliverable" (a document).
 */

import { CommonsError, conflict, isCommonsError } from '../../../shared/errors.ts'
import { newId } from '../../../shared/ids.ts'
import { silentLogger, type Logger } from '../../../shared/log.ts'
import type { Deliverable, MessageView } from '../../../shared/model/types.ts'
import { getChannel, listChannels, requireChannelMember } from '../../../shared/operations/channels.ts'
import { createDocument } from '../../../shared/operations/deliverables.ts'
import { findMember } from '../../../shared/operations/members.ts'
import { postMessage } from '../../../shared/operations/messages.ts'
import { toolCatalog } from '../../../shared/toolCatalog.ts'
import type { RunBudgets } from '../../agent/protocol.ts'
import { ModelError, type ModelErrorReason } from '../../agent/providers/modelErrors.ts'
import type { AgentClient, AgentRun, RunRequest, RunResult, ToolCall, ToolCallResult } from '../agent/agentClient.ts'
import type { ModelSettings } from '../settings/modelSettingsTypes.ts'
import type { ToolCaller, ToolRegistry } from '../tools/toolTypes.ts'
import type { WorkspaceSession } from '../workspaceSession.ts'
import type { AssistantProvider, AssistantSession, ContextChip, SessionNote } from './assistantFile.ts'
import { assistantSystemPrompt } from './assistantPrompt.ts'
import type { AssistantStore } from './assistantStore.ts'
import { snapshotChannelContext, type ContextLimits } from './channelContext.ts'
import { forModel, runTail, textOf, userText } from './conversation.ts'
import { transcriptOf, type TranscriptEntry } from './transcript.ts'

export const defaultSessionTitle = 'New conversation'

export interface AssistantLimits {
  /** Per model turn. */
  maxOutputTokensPerTurn: number
  /** Per message the person sends (one run: the reply and the tool calls it takes). */
  budgets: RunBudgets
  /** What a channel snapshot may hold. */
  context: Partial<ContextLimits>
  /** The longest message the person can send. */
  maxMessageChars: number
}

export const defaultAssistantLimits: AssistantLimits = {
  maxOutputTokensPerTurn: 8_192,
  budgets: { maxTurns: 12, maxOutputTokens: 48_000, maxCostUsd: 2 },
  context: {},
  maxMessageChars: 100_000
}

export interface AssistantServiceOptions {
  store: AssistantStore
  agent: AgentClient
  tools: ToolRegistry
  models: ModelSettings
  /** Opens a workspace on this device (Host.openWorkspace). */
  openWorkspace(workspaceId: string): Promise<WorkspaceSession>
  /** The provider a new session uses when none is named: the person's choice in Settings. Default 'anthropic'. */
  preferredProvider?: () => AssistantProvider | Promise<AssistantProvider>
  limits?: Partial<AssistantLimits>
  now?: () => number
  log?: Logger
}

/** A session in the list: everything but the conversation. */
export interface AssistantSessionSummary {
  id: string
  workspaceId: string
  title: string
  createdAt: number
  updatedAt: number
  provider: AssistantProvider
  model: string
  /** The chip, without the snapshot text. */
  contextChip: { channelId: string; channelName: string; label: string } | null
  messageCount: number
  running: boolean
}

export interface AssistantSessionView extends AssistantSession {
  running: boolean
}

export interface CreateSessionInput {
  workspaceId: string
  /** Open it with a snapshot of this channel's context (shown as a chip). */
  channelId?: string | null
  title?: string
  provider?: AssistantProvider
  /** Empty or absent: the provider's default model. */
  model?: string
}

/** What the window shows while a reply streams. */
export interface SendCallbacks {
  onText?(text: string): void
  /** A read-only tool call starting and finishing, for a status line ("reading #launch..."). */
  onTool?(event: { callId: string; name: string; phase: 'started' | 'finished'; isError?: boolean; summary?: string }): void
}

export interface SendResult {
  /** 'stopped': the person stopped it; what had streamed is kept. */
  outcome: 'completed' | 'stopped'
  /** The reply's text. */
  reply: string
  session: AssistantSessionView
}

/** A note to add; without `afterMessage`, it follows the last message. */
interface NewNote {
  kind: SessionNote['kind']
  text: string
  hint: string | null
  at: number
  channelId: string | null
  targetId: string | null
  afterMessage?: number
}

interface ActiveRun {
  run: AgentRun | null
  stopRequested: boolean
}

const writeToolNames: ReadonlySet<string> = new Set(toolCatalog.filter((tool) => tool.access === 'write').map((tool) => tool.name))

export class AssistantService {
  readonly #runs = new Map<string, ActiveRun>()
  readonly #limits: AssistantLimits
  readonly #now: () => number
  readonly #log: Logger

  constructor(private readonly options: AssistantServiceOptions) {
    this.#limits = { ...defaultAssistantLimits, ...options.limits }
    this.#now = options.now ?? Date.now
    this.#log = (options.log ?? silentLogger).child('assistant')
  }

  /** The sessions of a workspace, most recently used first. */
  list(workspaceId: string): AssistantSessionSummary[] {
    return this.options.store.list(workspaceId).map((session) => this.#summary(session))
  }

  get(sessionId: string): AssistantSessionView {
    return { ...this.options.store.get(sessionId), running: this.#runs.has(sessionId) }
  }

  /** A session as the window shows it: its summary and the conversation as text entries. */
  transcript(sessionId: string): { summary: AssistantSessionSummary; messages: TranscriptEntry[] } {
    const session = this.options.store.get(sessionId)
    return { summary: this.#summary(session), messages: transcriptOf(session) }
  }

  async create(input: CreateSessionInput): Promise<AssistantSessionView> {
    const workspace = await this.options.openWorkspace(input.workspaceId)
    const contextChip = input.channelId == null ? null : await this.#snapshot(workspace, input.channelId)
    const provider = input.provider ?? (await this.options.preferredProvider?.()) ?? 'anthropic'
    const now = this.#now()
    const session = await this.options.store.create({
      id: newId('ses'),
      workspaceId: workspace.id,
      title: input.title === undefined ? defaultSessionTitle : checkTitle(input.title),
      createdAt: now,
      updatedAt: now,
      provider,
      model: input.model?.trim() ?? '',
      contextChip,
      messages: [],
      notes: []
    })
    return { ...session, running: false }
  }

  async rename(sessionId: string, title: string): Promise<AssistantSessionView> {
    const checked = checkTitle(title)
    return this.#view(await this.options.store.update(sessionId, (draft) => void (draft.title = checked)))
  }

  /** Switches the model a session uses from its next message on. */
  async setModel(sessionId: string, choice: { provider: AssistantProvider; model?: string }): Promise<AssistantSessionView> {
    return this.#view(
      await this.options.store.update(sessionId, (draft) => {
        draft.provider = choice.provider
        draft.model = choice.model?.trim() ?? ''
      })
    )
  }

  /** Deletes a session (stopping its reply first); false when there was none. */
  async delete(sessionId: string): Promise<boolean> {
    this.stop(sessionId)
    return this.options.store.delete(sessionId)
  }

  /** Removes the channel context chip: the model no longer reads the snapshot. */
  async removeContext(sessionId: string): Promise<AssistantSessionView> {
    return this.#view(await this.options.store.update(sessionId, (draft) => void (draft.contextChip = null)))
  }

  /** Puts a fresh snapshot of a channel's context on the session (replacing the chip it had). */
  async setContext(sessionId: string, channelId: string): Promise<AssistantSessionView> {
    const session = this.options.store.get(sessionId)
    const chip = await this.#snapshot(await this.options.openWorkspace(session.workspaceId), channelId)
    return this.#view(await this.options.store.update(sessionId, (draft) => void (draft.contextChip = chip)))
  }

  /**
   * Sends the person's message and streams the reply. The message is saved before the model is called,
   * and the conversation after the run, so nothing typed is lost; a failed run leaves the message with an
   * error note and rejects with a ModelError (a CommonsError with a hint) the window can show.
   */
  async send(sessionId: string, text: string, callbacks: SendCallbacks = {}): Promise<SendResult> {
    const message = this.#checkMessage(text)
    if (this.#runs.has(sessionId)) throw conflict('the assistant is still answering in this conversation', 'wait for the reply, or stop it first')
    const stored = this.options.store.get(sessionId)
    const active: ActiveRun = { run: null, stopRequested: false }
    this.#runs.set(sessionId, active)
    try {
      const session = await this.options.store.update(sessionId, (draft) => {
        if (draft.messages.length === 0 && draft.title === defaultSessionTitle) draft.title = titleFrom(message)
        draft.messages.push(userText(message))
        draft.updatedAt = this.#now()
      })
      let request: RunRequest
      let workspace: WorkspaceSession
      try {
        workspace = await this.options.openWorkspace(stored.workspaceId)
        request = await this.#request(session, workspace)
      } catch (error) {
        await this.#note(sessionId, noteFor('error', error, this.#now())).catch((noteError) => this.#log.warn('could not note an error in the session', { sessionId, error: noteError }))
        throw error
      }
      return await this.#run(sessionId, workspace, request, active, callbacks)
    } finally {
      this.#runs.delete(sessionId)
    }
  }

  /** Stops the reply being written in a session; false when none is. What streamed so far is kept. */
  stop(sessionId: string): boolean {
    const active = this.#runs.get(sessionId)
    if (active === undefined) return false
    active.stopRequested = true
    active.run?.abort('stopped by you')
    return true
  }

  /**
   * Posts an answer (the message at `messageIndexOrText`, or text the person chose) to a channel, as the
   * person, marked as shared from their assistant. Exactly that text becomes public; nothing else of the
   * session does.
   */
  async shareToChannel(sessionId: string, messageIndexOrText: number | string, channelId: string): Promise<MessageView> {
    const session = this.options.store.get(sessionId)
    const text = pickText(session, messageIndexOrText)
    const workspace = await this.options.openWorkspace(session.workspaceId)
    const posted = await workspace.withChannel(channelId, (docs) => postMessage(docs, { channelId, text, sharedFromAssistant: true }, workspace.context))
    await workspace.flush()
    await this.#note(sessionId, {
      afterMessage: typeof messageIndexOrText === 'number' ? messageIndexOrText + 1 : session.messages.length,
      kind: 'shared',
      text: `Shared to #${getChannel(workspace.root, channelId).name}`,
      hint: null,
      at: this.#now(),
      channelId,
      targetId: posted.id
    }).catch((error) => this.#log.warn('shared, but could not note it in the session', { sessionId, error }))
    return posted
  }

  /** Saves an answer (or text the person chose) as a document, optionally in one of the person's channels. */
  async saveAsDeliverable(sessionId: string, messageIndexOrText: number | string, title: string, channelId?: string | null): Promise<Deliverable> {
    const session = this.options.store.get(sessionId)
    const markdown = pickText(session, messageIndexOrText)
    const workspace = await this.options.openWorkspace(session.workspaceId)
    if (channelId != null) requireChannelMember(workspace.root, channelId, workspace.memberId)
    const deliverableId = newId('dl')
    const deliverable = await workspace.withDeliverable(deliverableId, (docs) =>
      createDocument(docs, { deliverableId, title, channelId: channelId ?? null, markdown }, workspace.context)
    )
    await workspace.flush()
    await this.#note(sessionId, {
      afterMessage: typeof messageIndexOrText === 'number' ? messageIndexOrText + 1 : session.messages.length,
      kind: 'saved',
      text: `Saved as "${deliverable.title}"`,
      hint: null,
      at: this.#now(),
      channelId: channelId ?? null,
      targetId: deliverable.id
    }).catch((error) => this.#log.warn('saved, but could not note it in the session', { sessionId, error }))
    return deliverable
  }

  /** Stops every reply being written (the agent client itself belongs to the caller). */
  close(): void {
    for (const sessionId of [...this.#runs.keys()]) this.stop(sessionId)
  }

  async #run(sessionId: string, workspace: WorkspaceSession, request: RunRequest, active: ActiveRun, callbacks: SendCallbacks): Promise<SendResult> {
    const offered = new Set(request.tools.map((tool) => tool.name))
    let streamed = ''
    let result: RunResult
    try {
      const run = this.options.agent.start(request, {
        onText: (piece) => {
          streamed += piece
          try {
            callbacks.onText?.(piece)
          } catch (error) {
            this.#log.warn('a reply listener threw', { error })
          }
        },
        onToolCall: (call) => this.#runTool(workspace, call, offered, callbacks)
      })
      active.run = run
      if (active.stopRequested) run.abort('stopped by you')
      result = await run.done
    } catch (error) {
      // The run could not start (or its promise broke): keep what streamed, note why.
      result = { outcome: 'crashed', reason: error instanceof Error ? error.message : String(error) }
    }
    const tail = runTail(result.outcome === 'crashed' ? [] : result.messages, request.messages.length, streamed)
    const failure = failureOf(result)
    const note: NewNote | null =
      result.outcome === 'aborted'
        ? { kind: 'stopped', text: 'You stopped this reply.', hint: null, at: this.#now(), channelId: null, targetId: null }
        : failure === null
          ? null
          : noteFor('error', failure, this.#now())
    if (!this.options.store.has(sessionId)) throw new CommonsError('not-found', 'this conversation was deleted while the assistant answered')
    const session = await this.options.store.update(sessionId, (draft) => {
      draft.messages.push(...tail)
      if (note !== null) draft.notes.push({ ...note, afterMessage: draft.messages.length })
      draft.updatedAt = this.#now()
    })
    if (failure !== null) throw failure
    const reply = tail
      .filter((message) => message.role === 'assistant')
      .map(textOf)
      .filter((text) => text !== '')
      .join('\n\n')
    return { outcome: result.outcome === 'aborted' ? 'stopped' : 'completed', reply, session: this.#view(session) }
  }

  /** Runs one tool call the model asked for. Never rejects: a problem is a result with isError. */
  async #runTool(workspace: WorkspaceSession, call: ToolCall, offered: ReadonlySet<string>, callbacks: SendCallbacks): Promise<ToolCallResult> {
    callbacks.onTool?.({ callId: call.callId, name: call.name, phase: 'started' })
    let result: ToolCallResult & { summary: string }
    if (!offered.has(call.name)) {
      // Never offered, so never run, whatever the model or the channel content says.
      result = { content: `"${call.name}" is not one of your tools; you can only read the workspace.`, isError: true, summary: 'refused' }
    } else {
      try {
        const outcome = await this.options.tools.execute(
          { name: call.name, input: call.input },
          { session: workspace, caller: this.#caller(workspace), operation: workspace.context, touchedDeliverables: new Set() }
        )
        result = { content: outcome.content, isError: outcome.isError, summary: outcome.summary }
      } catch (error) {
        this.#log.error('a tool failed', { tool: call.name, error })
        result = { content: `the tool failed: ${error instanceof Error ? error.message : String(error)}`, isError: true, summary: 'failed' }
      }
    }
    try {
      callbacks.onTool?.({ callId: call.callId, name: call.name, phase: 'finished', isError: result.isError, summary: result.summary })
    } catch (error) {
      this.#log.warn('a tool listener threw', { error })
    }
    return { content: result.content, isError: result.isError }
  }

  /** The person, reading: the channels they are in right now (asked at each call, so leaving one takes effect). */
  #caller(workspace: WorkspaceSession): ToolCaller {
    const channelIds = new Set(listChannels(workspace.root, { memberId: workspace.memberId, includeArchived: true }).map((channel) => channel.id))
    return { kind: 'assistant', memberId: workspace.memberId, channelIds }
  }

  async #request(session: AssistantSession, workspace: WorkspaceSession): Promise<RunRequest> {
    const { provider, model } = await this.#provider(session)
    const caller = this.#caller(workspace)
    const tools = this.options.tools.specsFor(caller).filter((spec) => !writeToolNames.has(spec.name))
    const system = assistantSystemPrompt({
      personName: findMember(workspace.root, workspace.memberId)?.name ?? 'this person',
      workspaceName: workspace.name,
      chip: session.contextChip,
      today: new Date(this.#now()).toISOString().slice(0, 10)
    })
    return {
      provider,
      model,
      system,
      tools,
      messages: forModel(session.messages),
      maxOutputTokens: this.#limits.maxOutputTokensPerTurn,
      budgets: this.#limits.budgets
    }
  }

  /** The provider config from Settings; a ModelError 'not-configured' says how to set one up. */
  async #provider(session: AssistantSession): Promise<{ provider: RunRequest['provider']; model: string }> {
    if (session.provider === 'local') {
      const config = await this.options.models.local()
      const model = session.model !== '' ? session.model : config.kind === 'openai-compatible' ? config.model : ''
      return { provider: config, model }
    }
    const config = await this.options.models.anthropic()
    return { provider: config, model: session.model !== '' ? session.model : this.options.models.defaultModel() }
  }

  async #snapshot(workspace: WorkspaceSession, channelId: string): Promise<ContextChip> {
    const snapshot = await snapshotChannelContext(workspace, channelId, this.#limits.context, this.#now)
    const { channelName, label, text, takenAt } = snapshot
    return { channelId: snapshot.channelId, channelName, label, text, takenAt }
  }

  async #note(sessionId: string, note: NewNote): Promise<void> {
    if (!this.options.store.has(sessionId)) return
    await this.options.store.update(sessionId, (draft) => {
      draft.notes.push({ ...note, afterMessage: Math.min(note.afterMessage ?? draft.messages.length, draft.messages.length) })
      draft.updatedAt = this.#now()
    })
  }

  #checkMessage(text: string): string {
    if (typeof text !== 'string' || text.trim() === '') throw new CommonsError('invalid-input', 'the message is empty', 'type something to ask')
    if (text.length > this.#limits.maxMessageChars) {
      throw new CommonsError('invalid-input', `the message is ${text.length} characters; the most is ${this.#limits.maxMessageChars}`, 'shorten it, or save the long text as a file and ask about that')
    }
    return text
  }

  #summary(session: AssistantSession): AssistantSessionSummary {
    const chip = session.contextChip
    return {
      id: session.id,
      workspaceId: session.workspaceId,
      title: session.title,
      createdAt: session.createdAt,
      updatedAt: session.updatedAt,
      provider: session.provider,
      model: session.model,
      contextChip: chip === null ? null : { channelId: chip.channelId, channelName: chip.channelName, label: chip.label },
      messageCount: session.messages.length,
      running: this.#runs.has(session.id)
    }
  }

  #view(session: AssistantSession): AssistantSessionView {
    return { ...session, running: this.#runs.has(session.id) }
  }
}

/** A run that did not end well, as the error the window shows; null for a completed or stopped one. */
function failureOf(result: RunResult): ModelError | null {
  switch (result.outcome) {
    case 'completed':
    case 'aborted':
      return null
    case 'budget':
      return new ModelError('budget', result.reason ?? 'this reply reached its limit', 'send another message to continue where it stopped')
    case 'failed': {
      const error = result.error
      if (error === null) return new ModelError('server-error', result.reason ?? 'the model failed to answer', 'send the message again')
      return new ModelError(knownReason(error.reason), error.message, error.hint ?? undefined)
    }
    case 'crashed':
      return new ModelError('server-error', `the assistant stopped unexpectedly (${result.reason})`, 'send the message again; your message was kept')
  }
}

const modelErrorReasons: ReadonlySet<string> = new Set<ModelErrorReason>([
  'not-configured',
  'bad-key',
  'forbidden',
  'unknown-model',
  'rate-limited',
  'overloaded',
  'unreachable',
  'aborted',
  'bad-request',
  'too-large',
  'server-error',
  'interrupted',
  'budget'
])

function knownReason(reason: string): ModelErrorReason {
  return modelErrorReasons.has(reason) ? (reason as ModelErrorReason) : 'server-error'
}

function noteFor(kind: 'error', error: unknown, at: number): NewNote {
  const message = error instanceof Error ? error.message : String(error)
  const hint = isCommonsError(error) ? (error.hint ?? null) : null
  return { kind, text: message, hint, at, channelId: null, targetId: null }
}

function pickText(session: AssistantSession, messageIndexOrText: number | string): string {
  if (typeof messageIndexOrText === 'string') {
    if (messageIndexOrText.trim() === '') throw new CommonsError('invalid-input', 'there is nothing to share', 'pick an answer, or type the text to share')
    return messageIndexOrText
  }
  const message = session.messages[messageIndexOrText]
  if (message === undefined || message.role !== 'assistant') {
    throw new CommonsError('invalid-input', `message ${messageIndexOrText} of this conversation is not one of the assistant's answers`, 'pick one of its answers')
  }
  const text = textOf(message)
  if (text === '') throw new CommonsError('invalid-input', 'that answer has no text to share', 'pick another answer')
  return text
}

function checkTitle(title: string): string {
  const trimmed = typeof title === 'string' ? title.trim() : ''
  if (trimmed.length < 1 || trimmed.length > 120) throw new CommonsError('invalid-input', 'a conversation title must be 1 to 120 characters')
  return trimmed
}

/** A title from the first message: its first line, cut to a readable length. */
function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0]!.replace(/\s+/g, ' ')
  return line.length <= 60 ? line : line.slice(0, 59).trimEnd() + '…'
}

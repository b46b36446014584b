import type { Bridge, EventPayload, RequestOutput } from '../../../shared/bridge/contract.ts'
import { toProblem, type Problem } from '../data/problems.ts'

/**
 * The private assistant as a window sees it: the sessions of one workspace, each one's transcript, and
 * the reply being written. It lives outside React (one per open workspace, kept while the panel is
 * closed) so a reply that streams while the panel is hidden is still there when it opens again; views
 * read it through `subscribe` / `version` (useSyncExternalStore).
 *
 * Sessions are stored by the Host on this device only (assistant.json, never a Y.Doc). Nothing here is
 * written anywhere else: drafts stay in memory, and shares and saves go through the Host's explicit
 * assistant.share / assistant.saveAsDeliverable.
 */

export type SessionSummary = RequestOutput<'assistant.list'>[number]
export type TranscriptMessage = RequestOutput<'assistant.get'>['messages'][number]
export type DoneEvent = EventPayload<'assistant.done'>

/** The default title the Host gives a new session; the first message replaces it. */
export const defaultSessionTitle = 'New conversation'

/** A reply being written: the person's message (null when it was sent from another window) and what has streamed. */
export interface LiveReply {
  userText: string | null
  text: string
  phase: 'sending' | 'streaming' | 'stopping'
}

/** Something done with an answer in this window: where it was shared or saved. */
export interface AnswerNote {
  kind: 'shared' | 'saved'
  /** The channel (shared) or deliverable (saved). */
  targetId: string
  label: string
  /** For a share: the posted message. */
  messageId?: string
}

export interface SessionState {
  /** null until loaded. */
  messages: TranscriptMessage[] | null
  loading: boolean
  loadProblem: Problem | null
  live: LiveReply | null
  /** How the last reply in this window ended: a failure is shown inline under it, with its hint. */
  lastOutcome: { outcome: string; error: { message: string; hint: string | null } | null } | null
  /** The Host refused the message itself (it was not sent); the text went back to the draft. */
  sendProblem: Problem | null
  /** Per transcript index of an assistant answer. */
  notes: Map<number, AnswerNote[]>
  draft: string
}

/** What `open` decides for Cmd/Ctrl+J. */
export type OpenChoice = { kind: 'resume'; sessionId: string } | { kind: 'create' }

/** Sessions used this recently are picked up again by Cmd/Ctrl+J instead of starting a new one. */
export const resumeWithinMs = 30 * 60_000

/**
 * Which session Cmd/Ctrl+J opens: the one you were in, if it was used lately and was opened with the
 * channel you are in now (or you are not in a channel); otherwise a new session with this channel's
 * context. A session with no messages yet is reused whatever its age, if its context matches.
 */
export function chooseSessionOnOpen(input: {
  current: SessionSummary | null
  currentIsEmpty: boolean
  channelId: string | null
  now: number
}): OpenChoice {
  const { current, channelId } = input
  if (current === null) return { kind: 'create' }
  const chipChannel = current.contextChip?.channelId ?? null
  const sameContext = channelId === null || chipChannel === channelId
  if (!sameContext) return { kind: 'create' }
  if (input.currentIsEmpty) return { kind: 'resume', sessionId: current.id }
  return input.now - current.updatedAt <= resumeWithinMs ? { kind: 'resume', sessionId: current.id } : { kind: 'create' }
}

/** The title the Host gives a session from its first message (assistantService titleFrom), shown before the list catches up. */
export function titleFromMessage(text: string): string {
  const line = text.trim().split('\n')[0]!.replace(/\s+/g, ' ')
  return line.length <= 60 ? line : line.slice(0, 59).trimEnd() + '…'
}

/** A deliverable title suggested for an answer: its first heading, else its first line, else the session's title. */
export function suggestTitle(answer: string, sessionTitle: string): string {
  const heading = /^#{1,3}\s+(.+)$/m.exec(answer)?.[1]
  const firstLine = answer
    .trim()
    .split('\n')[0]
    ?.replace(/[*_`#>]/g, '')
    .trim()
  const picked = heading?.replace(/[*_`]/g, '').trim() || (firstLine !== undefined && firstLine.length <= 80 ? firstLine : '') || sessionTitle
  const title = picked.trim() === '' || picked === defaultSessionTitle ? 'Notes from my assistant' : picked.trim()
  return title.length <= 120 ? title : title.slice(0, 119).trimEnd() + '…'
}

function emptyState(): SessionState {
  return { messages: null, loading: false, loadProblem: null, live: null, lastOutcome: null, sendProblem: null, notes: new Map(), draft: '' }
}

export class AssistantClient {
  readonly #bridge: Bridge
  readonly workspaceId: string
  readonly #now: () => number
  #sessions: SessionSummary[] | null = null
  #listProblem: Problem | null = null
  #listing: Promise<void> | null = null
  readonly #states = new Map<string, SessionState>()
  /** Sessions this window created: an unused one is cleaned up when the person moves on. */
  readonly #createdHere = new Set<string>()
  readonly #listeners = new Set<() => void>()
  #version = 0
  #stops: (() => void)[] = []
  /** The session the person last had open (Cmd/Ctrl+J resumes it). */
  current: string | null = null

  constructor(bridge: Bridge, workspaceId: string, options: { now?: () => number } = {}) {
    this.#bridge = bridge
    this.workspaceId = workspaceId
    this.#now = options.now ?? Date.now
  }

  /** Starts listening to the reply events; returns the stop. Safe to call again after a stop. */
  start(): () => void {
    if (this.#stops.length === 0) {
      this.#stops = [this.#bridge.on('assistant.text', (event) => this.#onText(event)), this.#bridge.on('assistant.done', (event) => void this.#onDone(event))]
    }
    return () => {
      for (const stop of this.#stops) stop()
      this.#stops = []
    }
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  get version(): number {
    return this.#version
  }

  #changed(): void {
    this.#version++
    for (const listener of [...this.#listeners]) listener()
  }

  #scheduled = false

  /** For streamed text: at most one re-render per animation frame, not one per token. */
  #changedSoon(): void {
    this.#version++
    if (this.#scheduled) return
    this.#scheduled = true
    const flush = () => {
      this.#scheduled = false
      for (const listener of [...this.#listeners]) listener()
    }
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(flush)
    else setTimeout(flush, 16)
  }

  // --- reading -------------------------------------------------------------------------------------

  /** The sessions, most recently used first; null until the first list arrives. */
  sessions(): SessionSummary[] | null {
    return this.#sessions
  }

  listProblem(): Problem | null {
    return this.#listProblem
  }

  summary(sessionId: string): SessionSummary | null {
    return this.#sessions?.find((session) => session.id === sessionId) ?? null
  }

  state(sessionId: string): SessionState {
    let state = this.#states.get(sessionId)
    if (state === undefined) {
      state = emptyState()
      this.#states.set(sessionId, state)
    }
    return state
  }

  /** Whether a session has nothing in it yet (and nothing on its way). */
  isEmpty(sessionId: string): boolean {
    const state = this.#states.get(sessionId)
    return state !== undefined && state.messages !== null && state.messages.length === 0 && state.live === null
  }

  // --- loading -------------------------------------------------------------------------------------

  refresh(): Promise<void> {
    this.#listing ??= this.#bridge
      .request('assistant.list', { workspaceId: this.workspaceId })
      .then((sessions) => {
        // A title typed into the first message shows at once; keep it until the Host's list has it too.
        this.#sessions = sessions.map((session) => {
          const known = this.summary(session.id)
          return known !== null && session.title === defaultSessionTitle && known.title !== defaultSessionTitle && (this.#states.get(session.id)?.live ?? null) !== null ? { ...session, title: known.title } : session
        })
        this.#listProblem = null
      })
      .catch((error: unknown) => {
        this.#listProblem = toProblem(error, 'check that Commons is still running, then try again')
      })
      .finally(() => {
        this.#listing = null
        this.#changed()
      })
    return this.#listing
  }

  async load(sessionId: string): Promise<void> {
    const state = this.state(sessionId)
    state.loading = true
    state.loadProblem = null
    this.#changed()
    try {
      const { summary, messages } = await this.#bridge.request('assistant.get', { sessionId })
      state.messages = messages
      this.#upsert(summary)
    } catch (error) {
      state.loadProblem = toProblem(error, 'try again; if the conversation was deleted in another window, pick another one')
    } finally {
      state.loading = false
      this.#changed()
    }
  }

  // --- sessions ------------------------------------------------------------------------------------

  async create(channelId: string | null): Promise<SessionSummary> {
    const created = await this.#bridge.request('assistant.create', { workspaceId: this.workspaceId, channelId })
    this.#createdHere.add(created.id)
    const state = this.state(created.id)
    state.messages = []
    this.#sessions = [created, ...(this.#sessions ?? []).filter((session) => session.id !== created.id)]
    this.#changed()
    return created
  }

  /**
   * Cmd/Ctrl+J: the session to show, resumed or created with this channel's context (see
   * chooseSessionOnOpen). Rejects when the Host cannot create one.
   */
  async open(channelId: string | null): Promise<string> {
    if (this.#sessions === null) await this.refresh()
    const current = (this.current !== null ? this.summary(this.current) : null) ?? this.#sessions?.[0] ?? null
    if (current !== null && this.#states.get(current.id)?.messages == null) await this.load(current.id)
    const choice = chooseSessionOnOpen({ current, currentIsEmpty: current !== null && this.isEmpty(current.id), channelId, now: this.#now() })
    const sessionId = choice.kind === 'resume' ? choice.sessionId : (await this.create(channelId)).id
    this.select(sessionId)
    return sessionId
  }

  /** Makes a session the current one; an unused session this window made before is deleted. */
  select(sessionId: string | null): void {
    const previous = this.current
    this.current = sessionId
    if (previous !== null && previous !== sessionId && this.#createdHere.has(previous) && this.isEmpty(previous) && this.state(previous).draft.trim() === '') {
      void this.remove(previous).catch(() => {})
    }
    this.#changed()
  }

  async rename(sessionId: string, title: string): Promise<void> {
    const summary = await this.#bridge.request('assistant.rename', { sessionId, title: title.trim() })
    this.#upsert(summary)
    this.#changed()
  }

  async remove(sessionId: string): Promise<void> {
    await this.#bridge.request('assistant.delete', { sessionId })
    this.#states.delete(sessionId)
    this.#createdHere.delete(sessionId)
    if (this.#sessions !== null) this.#sessions = this.#sessions.filter((session) => session.id !== sessionId)
    if (this.current === sessionId) this.current = null
    this.#changed()
  }

  async removeContext(sessionId: string): Promise<void> {
    this.#upsert(await this.#bridge.request('assistant.removeContext', { sessionId }))
    this.#changed()
  }

  setDraft(sessionId: string, text: string): void {
    this.state(sessionId).draft = text
    this.#changed()
  }

  // --- conversation --------------------------------------------------------------------------------

  /**
   * Sends the draft's text. The reply streams in as `assistant.text` and ends with `assistant.done`.
   * When the Host refuses the message, it goes back into the draft and the reason is on sendProblem.
   */
  async send(sessionId: string, text: string): Promise<boolean> {
    const state = this.state(sessionId)
    if (text.trim() === '' || state.live !== null) return false
    state.live = { userText: text, text: '', phase: 'sending' }
    state.lastOutcome = null
    state.sendProblem = null
    state.draft = ''
    const summary = this.summary(sessionId)
    if (summary !== null && summary.title === defaultSessionTitle && (state.messages?.length ?? 0) === 0) this.#upsert({ ...summary, title: titleFromMessage(text) })
    this.#createdHere.delete(sessionId)
    this.#changed()
    try {
      await this.#bridge.request('assistant.send', { sessionId, text })
      return true
    } catch (error) {
      state.live = null
      state.sendProblem = toProblem(error, 'your message is back in the box; try sending it again')
      if (state.draft.trim() === '') state.draft = text
      this.#changed()
      return false
    }
  }

  async stop(sessionId: string): Promise<void> {
    const state = this.state(sessionId)
    if (state.live === null) return
    state.live = { ...state.live, phase: 'stopping' }
    this.#changed()
    try {
      await this.#bridge.request('assistant.stop', { sessionId })
    } catch (error) {
      if (state.live !== null) state.live = { ...state.live, phase: 'streaming' }
      state.sendProblem = toProblem(error, 'try Stop again')
      this.#changed()
    }
  }

  dismissProblem(sessionId: string): void {
    const state = this.state(sessionId)
    state.sendProblem = null
    if (state.lastOutcome?.error != null) state.lastOutcome = null
    this.#changed()
  }

  /** Posts an answer to a channel, as the person, marked as shared from their assistant. */
  async share(sessionId: string, index: number, text: string, channel: { id: string; name: string }): Promise<string> {
    const { messageId } = await this.#bridge.request('assistant.share', { sessionId, text, channelId: channel.id })
    this.#note(sessionId, index, { kind: 'shared', targetId: channel.id, label: `#${channel.name}`, messageId })
    return messageId
  }

  /** Saves an answer as a document deliverable, linked to a channel when one is given. */
  async saveAsDeliverable(sessionId: string, index: number, text: string, title: string, channelId: string | null): Promise<string> {
    const { deliverableId } = await this.#bridge.request('assistant.saveAsDeliverable', { sessionId, text, title: title.trim(), channelId })
    this.#note(sessionId, index, { kind: 'saved', targetId: deliverableId, label: title.trim() })
    return deliverableId
  }

  // --- events --------------------------------------------------------------------------------------

  #onText(event: EventPayload<'assistant.text'>): void {
    const state = this.#states.get(event.sessionId)
    if (state === undefined) return
    // A reply started in another window (the desktop app's assistant window) streams here too.
    const live = state.live ?? { userText: null, text: '', phase: 'streaming' as const }
    state.live = { ...live, text: live.text + event.text, phase: live.phase === 'stopping' ? 'stopping' : 'streaming' }
    this.#changedSoon()
  }

  async #onDone(event: DoneEvent): Promise<void> {
    const state = this.#states.get(event.sessionId)
    if (state !== undefined) {
      const live = state.live
      state.lastOutcome = { outcome: event.outcome, error: event.error }
      // The Host saved the conversation before it said done: read it back, then drop the live reply.
      if (state.messages !== null) {
        try {
          const { summary, messages } = await this.#bridge.request('assistant.get', { sessionId: event.sessionId })
          state.messages = messages
          this.#upsert(summary)
        } catch {
          // Shown from the live reply below until the next load.
          if (live !== null && live.userText !== null) {
            state.messages = [...state.messages, { role: 'user', text: live.userText, error: event.error?.message ?? null }, ...(live.text.trim() === '' ? [] : [{ role: 'assistant' as const, text: live.text, error: null }])]
          }
        }
      }
      state.live = null
      // Nothing typed is lost: a message whose reply failed goes back into an empty box.
      if (event.error !== null && live?.userText != null && state.draft.trim() === '') state.draft = live.userText
      this.#changed()
    }
    void this.refresh()
  }

  // --- helpers -------------------------------------------------------------------------------------

  #upsert(summary: SessionSummary): void {
    if (this.#sessions === null) {
      this.#sessions = [summary]
      return
    }
    const index = this.#sessions.findIndex((session) => session.id === summary.id)
    if (index === -1) this.#sessions = [summary, ...this.#sessions]
    else this.#sessions = this.#sessions.map((session, at) => (at === index ? summary : session))
  }

  #note(sessionId: string, index: number, note: AnswerNote): void {
    const state = this.state(sessionId)
    const notes = new Map(state.notes)
    notes.set(index, [...(notes.get(index) ?? []), note])
    state.notes = notes
    this.#changed()
  }
}

import type * as Y from 'yjs'
import { silentLogger, type Logger } from '../../../shared/log.ts'
import { channelCollections } from '../../../shared/model/channelDoc.ts'
import { readRecord, type RecordMap } from '../../../shared/model/records.ts'
import { rootCollections } from '../../../shared/model/rootDoc.ts'
import type { Channel, Deliverable, MessageRecord, TaskRecord } from '../../../shared/model/types.ts'
import { listChannels } from '../../../shared/operations/channels.ts'
import type { DocLease } from '../openDocs.ts'
import type { WorkspaceSession } from '../workspaceSession.ts'
import { decideDeliverable, decideMessage, decideTask, type Decision, type DecisionContext, type NotificationPayload } from './decisions.ts'

/**
 * The Host's notification feed: it watches every open workspace session and emits the bridge's
 * `notification` event (shared/bridge/contract.ts) when the person at this device is mentioned in a
 * channel they joined, when a task they asked for finishes, and when a deliverable their workflow made
 * waits for their review (decisions.ts says exactly when). It runs wherever the Host runs: the desktop app
 * shows the events natively when its window is not focused (electron/main.ts), and every renderer, the web
 * host's included, gets them over the bridge.
 *
 *   const services = createHostServices(host)
 *   const feed = NotificationFeed.start({ sessions: host, emit: services.emit })
 *   ...
 *   feed.close()   // before host.close()
 *
 * Only what happens while it watches is news: history already on the device is not told, and neither is
 * anything older than `maxAgeMs` that sync brings in after a stretch offline (a flood of stale pings helps
 * nobody; the channel's unread marks still show it).
 */

export interface SessionSource {
  openedSessions(): WorkspaceSession[]
  onSessionOpened(listener: (session: WorkspaceSession) => void): () => void
}

export interface NotificationFeedOptions {
  sessions: SessionSource
  emit(event: { name: 'notification'; payload: NotificationPayload }): void
  log?: Logger
  now?: () => number
  /** How old an event may be and still be told (default 15 minutes). */
  maxAgeMs?: number
  /**
   * How long a coworker's message that links deliverables waits before it is decided (default 1.5 s): it
   * may be a review request whose status change (another doc, synced separately) has not arrived yet.
   */
  settleMs?: number
}

const defaultMaxAgeMs = 15 * 60_000
const defaultSettleMs = 1_500

type WatcherOptions = { now: () => number; maxAgeMs: number; settleMs: number; log: Logger }

export class NotificationFeed {
  readonly #watchers = new Map<string, SessionWatcher>()
  readonly #told = new Set<string>()
  readonly #stopListening: () => void
  readonly #options: WatcherOptions & Pick<NotificationFeedOptions, 'emit'>
  #closed = false

  private constructor(options: NotificationFeedOptions) {
    this.#options = {
      emit: options.emit,
      now: options.now ?? Date.now,
      maxAgeMs: options.maxAgeMs ?? defaultMaxAgeMs,
      settleMs: options.settleMs ?? defaultSettleMs,
      log: (options.log ?? silentLogger).child('notifications')
    }
    this.#stopListening = options.sessions.onSessionOpened((session) => this.watch(session))
    for (const session of options.sessions.openedSessions()) this.watch(session)
  }

  static start(options: NotificationFeedOptions): NotificationFeed {
    return new NotificationFeed(options)
  }

  /** Watches a session (once; the feed does this itself for every session its source opens). */
  watch(session: WorkspaceSession): void {
    if (this.#closed || this.#watchers.has(session.id)) return
    this.#watchers.set(session.id, new SessionWatcher(session, (decision) => this.#tell(decision), this.#options))
  }

  /** The workspaces being watched. */
  get watching(): string[] {
    return [...this.#watchers.keys()]
  }

  /** Resolves once every joined channel found so far is being watched (its doc is open and observed). */
  async idle(): Promise<void> {
    await Promise.all([...this.#watchers.values()].map((watcher) => watcher.idle()))
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#stopListening()
    for (const watcher of this.#watchers.values()) watcher.close()
    this.#watchers.clear()
  }

  #tell(decision: Decision): void {
    if (this.#closed || this.#told.has(decision.key)) return
    this.#told.add(decision.key)
    // Keys only guard against telling one event twice in a short while; keep the set from growing forever.
    if (this.#told.size > 5_000) this.#told.delete(this.#told.values().next().value!)
    try {
      this.#options.emit({ name: 'notification', payload: decision.payload })
    } catch (error) {
      this.#options.log.error('emitting a notification failed', { error })
    }
  }
}

interface WatchedChannel {
  lease: DocLease | null
  stop: () => void
}

/** One session: its root doc's tasks and deliverables, and the message arrays of the channels the person joined. */
class SessionWatcher {
  readonly #taskStatus = new Map<string, TaskRecord['status']>()
  readonly #deliverableStatus = new Map<string, Deliverable['status']>()
  readonly #channels = new Map<string, WatchedChannel>()
  readonly #stops: Array<() => void> = []
  readonly #timers = new Set<ReturnType<typeof setTimeout>>()
  readonly #opening = new Set<Promise<unknown>>()
  #closed = false

  constructor(
    private readonly session: WorkspaceSession,
    private readonly tell: (decision: Decision) => void,
    private readonly options: WatcherOptions
  ) {
    const { tasks, deliverables, channels } = rootCollections(session.root)
    for (const [id, record] of tasks) this.#taskStatus.set(id, record.get('status') as TaskRecord['status'])
    for (const [id, record] of deliverables) this.#deliverableStatus.set(id, record.get('status') as Deliverable['status'])

    this.#observe(tasks, (ids) => this.#tasksChanged(ids))
    this.#observe(deliverables, (ids) => this.#deliverablesChanged(ids))
    this.#observe(channels, () => this.#syncChannels())
    this.#syncChannels()
  }

  close(): void {
    this.#closed = true
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
    for (const stop of this.#stops.splice(0)) stop()
    for (const watched of this.#channels.values()) {
      watched.stop()
      watched.lease?.release()
    }
    this.#channels.clear()
  }

  async idle(): Promise<void> {
    while (this.#opening.size > 0) await Promise.allSettled([...this.#opening])
  }

  get #context(): DecisionContext {
    return { workspaceId: this.session.id, memberId: this.session.memberId, now: this.options.now(), maxAgeMs: this.options.maxAgeMs }
  }

  /** Observes a root collection deeply and hands over the ids of the records that changed. */
  #observe(map: Y.Map<RecordMap>, changed: (ids: Set<string>) => void): void {
    const observer = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>) => {
      const ids = new Set<string>()
      for (const event of events) {
        const [first] = event.path
        if (typeof first === 'string') ids.add(first)
        else if (event.target === map) for (const key of (event as Y.YMapEvent<RecordMap>).keysChanged) ids.add(key)
      }
      if (ids.size === 0) return
      try {
        changed(ids)
      } catch (error) {
        this.options.log.error('deciding a notification failed', { workspaceId: this.session.id, error })
      }
    }
    map.observeDeep(observer)
    this.#stops.push(() => map.unobserveDeep(observer))
  }

  #tasksChanged(ids: Set<string>): void {
    const { tasks } = rootCollections(this.session.root)
    for (const id of ids) {
      const record = tasks.get(id)
      if (record === undefined) continue
      const task = readRecord<TaskRecord>(record)
      const previous = this.#taskStatus.get(id)
      this.#taskStatus.set(id, task.status)
      if (previous === task.status) continue
      const decision = decideTask(this.session.root, task, previous, this.#context)
      if (decision !== null) this.tell(decision)
    }
  }

  #deliverablesChanged(ids: Set<string>): void {
    const { deliverables } = rootCollections(this.session.root)
    for (const id of ids) {
      const status = deliverables.get(id)?.get('status') as Deliverable['status'] | undefined
      if (status === undefined) continue
      const previous = this.#deliverableStatus.get(id)
      this.#deliverableStatus.set(id, status)
      if (previous === status) continue
      const decision = decideDeliverable(this.session.root, id, previous, this.#context)
      if (decision !== null) this.tell(decision)
    }
  }

  /** Follows the channels the person is in: starts watching joined ones, stops watching ones they left. */
  #syncChannels(): void {
    if (this.#closed || !this.session.hasData) return
    const joined = new Map(listChannels(this.session.root, { memberId: this.session.memberId }).map((channel) => [channel.id, channel]))
    for (const [channelId, watched] of this.#channels) {
      if (joined.has(channelId)) continue
      watched.stop()
      watched.lease?.release()
      this.#channels.delete(channelId)
    }
    for (const channel of joined.values()) if (!this.#channels.has(channel.id)) this.#watchChannel(channel)
  }

  #watchChannel(channel: Channel): void {
    const watched: WatchedChannel = { lease: null, stop: () => {} }
    this.#channels.set(channel.id, watched)
    const opening = this.session.leaseChannel(channel.id).then(
      (lease) => {
        if (this.#closed || this.#channels.get(channel.id) !== watched) return lease.release()
        watched.lease = lease
        const messages = channelCollections(lease.doc).messages
        // Everything in the array now is history; only what is added from here on is news.
        const observer = (event: Y.YArrayEvent<MessageRecord>) => {
          for (const part of event.changes.delta) {
            if (!Array.isArray(part.insert)) continue
            for (const message of part.insert as MessageRecord[]) this.#messageAdded(channel.id, message)
          }
        }
        messages.observe(observer)
        watched.stop = () => messages.unobserve(observer)
      },
      (error: unknown) => {
        this.options.log.warn('could not watch a channel for notifications', { workspaceId: this.session.id, channelId: channel.id, error })
        if (this.#channels.get(channel.id) === watched) this.#channels.delete(channel.id)
      }
    )
    this.#opening.add(opening)
    void opening.finally(() => this.#opening.delete(opening))
  }

  #messageAdded(channelId: string, message: MessageRecord): void {
    const author = rootCollections(this.session.root).members.get(message.authorId)
    if (message.deliverableIds.length > 0 && author?.get('kind') === 'coworker' && this.options.settleMs > 0) {
      const timer = setTimeout(() => {
        this.#timers.delete(timer)
        if (!this.#closed) this.#decideMessage(channelId, message)
      }, this.options.settleMs)
      timer.unref?.()
      this.#timers.add(timer)
      return
    }
    this.#decideMessage(channelId, message)
  }

  #decideMessage(channelId: string, message: MessageRecord): void {
    try {
      const record = rootCollections(this.session.root).channels.get(channelId)
      const name = record === undefined ? 'a channel' : String(record.get('name'))
      const decision = decideMessage(this.session.root, { id: channelId, name }, message, this.#context)
      if (decision !== null) this.tell(decision)
    } catch (error) {
      this.options.log.error('deciding a notification failed', { workspaceId: this.session.id, channelId, error })
    }
  }
}

import { EventEmitter } from 'node:events'
import type { Awareness } from 'y-protocols/awareness'
import type * as Y from 'yjs'
import { channelDocName, deliverableDocName, rootDocName } from '../../shared/docNames.ts'
import { CommonsError } from '../../shared/errors.ts'
import type { Logger } from '../../shared/log.ts'
import { migrateRootDoc } from '../../shared/model/migrations.ts'
import { rootCollections } from '../../shared/model/rootDoc.ts'
import { listChannels } from '../../shared/operations/channels.ts'
import { operationContext, type OperationContext, type OperationOrigin } from '../../shared/operations/context.ts'
import type { DeliverableDocs } from '../../shared/operations/deliverables.ts'
import type { ChannelDocs } from '../../shared/operations/messages.ts'
import { readWorkspaceMeta } from '../../shared/operations/workspace.ts'
import type { BlobStore } from './blobStore.ts'
import type { DeviceWorkspace } from './device/deviceFile.ts'
import { OpenDocs } from './openDocs.ts'
import { SessionSearch } from './search/sessionSearch.ts'
import { WorkspaceFiles } from './workspaceFiles.ts'
import type { DocStore } from './store/index.ts'

export type SyncStatus = 'offline' | 'connecting' | 'syncing' | 'synced' | 'access-denied'

/** What a session needs from client sync (electron/host/sync/); tests may pass their own. */
export interface DocSync {
  readonly status: SyncStatus
  attach(name: string, doc: Y.Doc): void
  detach(name: string): void
  waitForAgreement(options?: { names?: string[]; timeoutMs?: number }): Promise<void>
  /** The presence of an attached doc as its sync provider carries it to other devices. */
  awareness(name: string): Awareness | undefined
  on(event: 'status', listener: (status: SyncStatus, detail?: string) => void): unknown
  destroy(): void
}

export interface WorkspaceSessionOptions {
  workspaceId: string
  device: { deviceId: string; entry: DeviceWorkspace }
  store: DocStore
  blobs: BlobStore
  /** Null when the workspace has no sync server (a workspace that lives on this device only). */
  sync: DocSync | null
  source: OperationOrigin['source']
  log: Logger
  /** Keep the channels this person joined open and syncing (the desktop app); the command line does not. */
  backgroundSync: boolean
  closeUnusedDocsAfterMs?: number
}

export interface SessionEvents {
  status: [status: SyncStatus, detail: string | undefined]
}

/**
 * One open workspace on this device: its root doc, the channel and deliverable docs opened on demand,
 * their persistence and their sync. The shared operations (shared/operations/) do the changes; a session
 * gives them their docs and the context of the person at this device.
 */
export class WorkspaceSession extends EventEmitter<SessionEvents> {
  readonly id: string
  readonly memberId: string
  readonly deviceId: string
  readonly context: OperationContext
  readonly blobs: BlobStore
  readonly #docs: OpenDocs
  readonly #sync: DocSync | null
  readonly #log: Logger
  #root: Y.Doc | null = null
  #files: WorkspaceFiles | null = null
  #search: SessionSearch | null = null
  #keptChannels = new Set<string>()

  private constructor(private readonly options: WorkspaceSessionOptions) {
    super()
    this.id = options.workspaceId
    this.memberId = options.device.entry.memberId
    this.deviceId = options.device.deviceId
    this.context = operationContext(this.memberId, options.source, { deviceId: options.device.deviceId })
    this.blobs = options.blobs
    this.#sync = options.sync
    this.#log = options.log.child('workspace')
    this.#docs = new OpenDocs(
      options.store,
      {
        opened: (name, doc) => this.#sync?.attach(name, doc),
        closing: (name) => this.#sync?.detach(name)
      },
      this.#log,
      options.closeUnusedDocsAfterMs
    )
    this.#sync?.on('status', (status, detail) => this.emit('status', status, detail))
  }

  /** Opens the workspace: loads its root doc (and nothing else) and starts syncing it. */
  static async open(options: WorkspaceSessionOptions): Promise<WorkspaceSession> {
    const session = new WorkspaceSession(options)
    session.#root = await session.#docs.keep(rootDocName(options.workspaceId))
    session.#migrate()
    if (options.backgroundSync) {
      void session.#keepJoinedChannels()
      rootCollections(session.root).channels.observeDeep(() => void session.#keepJoinedChannels())
    }
    return session
  }

  get root(): Y.Doc {
    if (this.#root === null) throw new Error('the workspace session is not open')
    return this.#root
  }

  /** The workspace's files: add, read, and carry to the server. */
  get files(): WorkspaceFiles {
    this.#files ??= new WorkspaceFiles(this.id, this.root, this.blobs, this.options.device.entry.server, this.#log)
    return this.#files
  }

  /** Full-text search over the workspace, made on first use and kept current until the session closes. */
  get search(): SessionSearch {
    this.#search ??= new SessionSearch(this)
    return this.#search
  }

  /** The sync provider's presence for an open doc (who is here, who is typing), or undefined with no server. */
  syncAwareness(docName: string): Awareness | undefined {
    return this.#sync?.awareness(docName)
  }

  get syncStatus(): SyncStatus {
    return this.#sync?.status ?? 'offline'
  }

  get hasServer(): boolean {
    return this.#sync !== null
  }

  get name(): string {
    return this.hasData ? readWorkspaceMeta(this.root).name : this.options.device.entry.name
  }

  /** False until the root doc holds the workspace (a device that joined but has not synced yet). */
  get hasData(): boolean {
    return rootCollections(this.root).meta.get('id') !== undefined
  }

  /** The names of the docs open right now (the root doc, joined channels kept for sync, docs in use). */
  get openDocNames(): string[] {
    return this.#docs.openNames
  }

  /** Runs `change` with the root doc and a channel's doc, opened for the time it runs. */
  async withChannel<T>(channelId: string, change: (docs: ChannelDocs) => T | Promise<T>): Promise<T> {
    const lease = await this.#docs.lease(channelDocName(this.id, channelId))
    try {
      return await change({ root: this.root, channel: lease.doc })
    } finally {
      lease.release()
    }
  }

  /** Runs `change` with the root doc and a deliverable's doc, opened for the time it runs. */
  async withDeliverable<T>(deliverableId: string, change: (docs: DeliverableDocs) => T | Promise<T>): Promise<T> {
    const lease = await this.#docs.lease(deliverableDocName(this.id, deliverableId))
    try {
      return await change({ root: this.root, deliverable: lease.doc })
    } finally {
      lease.release()
    }
  }

  /** Holds a channel's doc open (a view showing it, a live tail) until the lease is released. */
  leaseChannel(channelId: string) {
    return this.#docs.lease(channelDocName(this.id, channelId))
  }

  leaseDeliverable(deliverableId: string) {
    return this.#docs.lease(deliverableDocName(this.id, deliverableId))
  }

  /**
   * Waits until this device and the server agree on every open doc: the device has the server's state,
   * and the server has durably stored everything the device sent. Throws a `connection` error when they
   * cannot within the timeout, an `access` error when the server refuses the token, and a `config` error
   * when the workspace has no server.
   */
  async waitForSync(timeoutMs = 10_000): Promise<void> {
    if (this.#sync === null) throw new CommonsError('config', 'this workspace has no sync server', 'it lives on this device only')
    await this.#sync.waitForAgreement({ timeoutMs, names: this.#docs.openNames })
    // A root doc that arrived by sync may need migrating, and may name channels to keep.
    this.#migrate()
  }

  /** Opens and syncs every channel this person joined (what `commons sync` and the desktop app do). */
  async openJoinedChannels(): Promise<string[]> {
    return this.#keepJoinedChannels()
  }

  /** Resolves once every change made so far is on disk; rejects with a write error that did not vanish. */
  flush(): Promise<void> {
    return this.#docs.flush()
  }

  async close(): Promise<void> {
    this.removeAllListeners()
    this.#search?.dispose()
    this.#search = null
    try {
      await this.#docs.closeAll()
    } finally {
      this.#sync?.destroy()
    }
  }

  #migrate(): void {
    if (!this.hasData) return
    const result = migrateRootDoc(this.root, this.context.origin)
    if (result.applied.length > 0) this.#log.info('migrated the workspace', { workspaceId: this.id, ...result })
  }

  /** Keeps every joined channel open; resolves once they are loaded. A channel that fails to load is logged and retried next time. */
  async #keepJoinedChannels(): Promise<string[]> {
    if (!this.hasData) return []
    const joined = listChannels(this.root, { memberId: this.memberId }).map((channel) => channel.id)
    const added = joined.filter((channelId) => !this.#keptChannels.has(channelId))
    await Promise.all(
      added.map(async (channelId) => {
        this.#keptChannels.add(channelId)
        try {
          await this.#docs.keep(channelDocName(this.id, channelId))
        } catch (error) {
          this.#keptChannels.delete(channelId)
          this.#log.error('could not open a joined channel', { channelId, error })
        }
      })
    )
    return joined
  }
}

import os from 'node:os'
import path from 'node:path'
import { CommonsError } from '../../shared/errors.ts'
import { newId } from '../../shared/ids.ts'
import { createLogger, type Logger } from '../../shared/log.ts'
import type { OperationOrigin } from '../../shared/operations/context.ts'
import { addPerson } from '../../shared/operations/members.ts'
import { createWorkspace } from '../../shared/operations/workspace.ts'
import { BlobStore } from './blobStore.ts'
import type { DeviceWorkspace, ServerLink } from './device/deviceFile.ts'
import { DeviceStore } from './device/deviceStore.ts'
import { decodeInvite, encodeInvite } from './invites.ts'
import { DocStore } from './store/index.ts'
import { createInvite, joinWithInvite, registerWorkspace } from './sync/serverApi.ts'
import { WorkspaceSync } from './sync/workspaceSync.ts'
import { WorkspaceSession, type DocSync } from './workspaceSession.ts'
import { CoworkerRuntime } from './coworkerRuntime.ts'
import { createAgentClient, type AgentClient, type AgentTransportFactory } from './agent/index.ts'
import { ModelSettingsStore, type SecretProtector } from './settings/index.ts'
import { createToolRegistry } from './tools/registry.ts'
import { AssistantService } from './assistant/assistantService.ts'
import { AssistantStore } from './assistant/assistantStore.ts'
import type { ToolRegistry } from './tools/toolTypes.ts'

export interface HostOptions {
  /** The device's data directory (electron/host/dataDirectory.ts picks the platform default). */
  dataDir: string
  /** Who is driving: the desktop UI, the command line, a test. Recorded as each change's origin. */
  source: OperationOrigin['source']
  log?: Logger
  /** Keep joined channels open and syncing in the background (the desktop app). */
  backgroundSync?: boolean
  /** Run coworker tasks and workflow schedules for every workspace this Host opens (the desktop app, the web host). */
  runCoworkers?: boolean
  /** How long a doc nobody holds stays open (default a minute). */
  closeUnusedDocsAfterMs?: number
  /** Seals API keys at rest: Electron's safeStorage in the desktop app; none (a private file) elsewhere. */
  secretProtector?: SecretProtector
  /** How to start the agent process: Electron's utilityProcess in the desktop app; a forked Node process by default. */
  agentTransport?: AgentTransportFactory
  /** Where ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL are read; process.env by default. */
  env?: Record<string, string | undefined>
  /** Makes the sync client of a workspace; tests pass their own. */
  createSync?: (options: { serverUrl: string; token: string; workspaceId: string; log: Logger }) => DocSync
}

export interface WorkspaceSummary {
  id: string
  name: string
  memberId: string
  server: { url: string; role: ServerLink['role'] } | null
}

/**
 * The Host: everything a Commons device does, with no Electron in it. It owns the device's data
 * directory (docs, blobs, device.json), opens workspaces, and brings them to and from sync servers. The
 * desktop app, the command line, the web host and the tests all drive this one API.
 */
export class Host {
  readonly #sessions = new Map<string, Promise<WorkspaceSession>>()
  /** The sessions that finished opening, for callers that cannot wait (presence lookups). */
  readonly #opened = new Map<string, WorkspaceSession>()
  #agent: AgentClient | null = null
  #tools: ToolRegistry | null = null
  #assistant: Promise<AssistantService> | null = null
  readonly #runtimes = new Map<string, Promise<CoworkerRuntime>>()
  readonly #openedListeners = new Set<(session: WorkspaceSession) => void>()

  private constructor(
    readonly dataDir: string,
    readonly device: DeviceStore,
    readonly docs: DocStore,
    readonly blobs: BlobStore,
    /** Which models this device can use (settings.json, never synced). */
    readonly settings: ModelSettingsStore,
    private readonly options: HostOptions,
    private readonly log: Logger
  ) {}

  static async open(options: HostOptions): Promise<Host> {
    const log = options.log ?? createLogger({ scope: 'host' })
    const device = await DeviceStore.open({ directory: options.dataDir, log })
    const docs = await DocStore.open({ directory: options.dataDir, log })
    docs.on('error', (error) => log.error('a write to the device store failed', { error }))
    const settings = await ModelSettingsStore.open({
      dataDir: options.dataDir,
      log,
      ...(options.secretProtector ? { protector: options.secretProtector } : {}),
      ...(options.env ? { env: options.env } : {})
    })
    return new Host(options.dataDir, device, docs, new BlobStore(path.join(options.dataDir, 'blobs')), settings, options, log)
  }

  /** The agent process, started the first time a model run needs it. */
  get agent(): AgentClient {
    this.#agent ??= createAgentClient({ log: this.log, ...(this.options.agentTransport ? { createTransport: this.options.agentTransport } : {}) })
    return this.#agent
  }

  /** This person's private assistant: sessions in `<data>/assistant.json`, never synced. */
  assistant(): Promise<AssistantService> {
    this.#assistant ??= AssistantStore.open({ directory: this.dataDir, log: this.log }).then(
      (store) =>
        new AssistantService({
          store,
          agent: this.agent,
          tools: this.tools,
          models: this.settings,
          openWorkspace: (workspaceId) => this.openWorkspace(workspaceId),
          preferredProvider: () => this.settings.privateAssistantProvider(),
          log: this.log
        })
    )
    this.#assistant.catch(() => (this.#assistant = null))
    return this.#assistant
  }

  /** The one registry of tools coworkers and assistants call. */
  get tools(): ToolRegistry {
    this.#tools ??= createToolRegistry(undefined, { log: this.log })
    return this.#tools
  }

  get deviceId(): string {
    return this.device.deviceId
  }

  listWorkspaces(): WorkspaceSummary[] {
    return Object.entries(this.device.get().workspaces)
      .map(([id, entry]) => ({ id, name: entry.name, memberId: entry.memberId, server: entry.server ? { url: entry.server.url, role: entry.server.role } : null }))
      .sort((a, b) => a.name.localeCompare(b.name))
  }

  /**
   * Finds a workspace on this device by id or name; with none given, the only one there is, or the one
   * used last. Throws `not-found` with what to do when there is none or the choice is ambiguous.
   */
  resolveWorkspace(idOrName?: string): WorkspaceSummary {
    const all = this.listWorkspaces()
    if (idOrName !== undefined) {
      const found = all.find((workspace) => workspace.id === idOrName) ?? all.filter((workspace) => workspace.name.toLowerCase() === idOrName.toLowerCase())[0]
      if (found === undefined) throw new CommonsError('not-found', `no workspace "${idOrName}" on this device`, 'list them with `commons workspaces`')
      return found
    }
    if (all.length === 0) throw new CommonsError('not-found', 'there is no workspace on this device yet', 'create one with `commons init --name NAME`, or join one with `commons join INVITE`')
    if (all.length === 1) return all[0]!
    const current = this.device.get().settings.currentWorkspace
    const chosen = all.find((workspace) => workspace.id === current)
    if (chosen === undefined) throw new CommonsError('invalid-input', 'this device has several workspaces', 'name one with --workspace')
    return chosen
  }

  /** Creates a workspace on this device, registered with a sync server when `serverUrl` is given. */
  async createWorkspace(input: { name: string; userName: string; serverUrl?: string }): Promise<WorkspaceSession> {
    const workspaceId = newId('ws')
    const memberId = newId('mem')
    let server: ServerLink | undefined
    if (input.serverUrl !== undefined) {
      const registered = await registerWorkspace(input.serverUrl, { workspaceId, name: input.name, ownerName: input.userName })
      server = { url: input.serverUrl, token: registered.token, tokenId: registered.tokenId, role: 'owner' }
    }
    const entry: DeviceWorkspace = { name: input.name, memberId, addedAt: new Date().toISOString(), ...(server ? { server } : {}) }
    // The doc is written before the device file names it, so a crash in between leaves no workspace that points at nothing.
    const session = await this.#openSession(workspaceId, entry)
    createWorkspace(session.root, { workspaceId, name: input.name, creator: { memberId, name: input.userName } }, session.context)
    await session.flush()
    await this.#remember(workspaceId, entry)
    return session
  }

  /** Joins a workspace with an invite: redeems it for a member token and syncs the workspace down. */
  async joinWorkspace(input: { invite: string; userName: string; timeoutMs?: number }): Promise<WorkspaceSession> {
    const invite = decodeInvite(input.invite)
    if (this.device.workspace(invite.workspaceId) !== undefined) {
      throw new CommonsError('conflict', `this device is already in workspace "${invite.workspaceName}"`)
    }
    const joined = await joinWithInvite(invite.server, invite.workspaceId, { code: invite.code, name: input.userName })
    const memberId = newId('mem')
    const entry: DeviceWorkspace = {
      name: joined.workspaceName,
      memberId,
      addedAt: new Date().toISOString(),
      server: { url: invite.server, token: joined.token, tokenId: joined.tokenId, role: 'member' }
    }
    await this.#remember(invite.workspaceId, entry)
    const session = await this.#openSession(invite.workspaceId, entry)
    await session.waitForSync(input.timeoutMs)
    if (!session.hasData) {
      throw new CommonsError('connection', 'the server has no data for this workspace yet', 'ask the person who invited you to run `commons sync`, then try again')
    }
    addPerson(session.root, { memberId, name: input.userName }, session.context)
    await session.flush()
    return session
  }

  /** Mints an invite to a workspace; only its owner's device can. */
  async createInvite(workspaceId: string, options: { maxUses?: number; expiresInHours?: number } = {}): Promise<string> {
    const entry = this.device.workspace(workspaceId)
    if (entry === undefined) throw new CommonsError('not-found', `no workspace ${workspaceId} on this device`)
    if (entry.server === undefined) {
      throw new CommonsError('config', `"${entry.name}" has no sync server, so nobody else can join it`, 'create a workspace with --server to share it')
    }
    if (entry.server.role !== 'owner') throw new CommonsError('forbidden', 'only the workspace owner can invite people', 'ask the owner for an invite')
    const created = await createInvite(entry.server.url, entry.server.token, workspaceId, options)
    return encodeInvite({ server: entry.server.url, workspaceId, workspaceName: entry.name, code: created.code, expiresAt: created.expiresAt })
  }

  /**
   * Starts running coworker tasks and workflow schedules for an open workspace on this device (once; later
   * calls share it). The desktop app does this for every workspace; the command line for a command that
   * follows a task to its end.
   */
  startCoworkers(session: WorkspaceSession): Promise<CoworkerRuntime> {
    let runtime = this.#runtimes.get(session.id)
    if (runtime === undefined) {
      runtime = CoworkerRuntime.start(session, { agent: this.agent, tools: this.tools, models: this.settings, log: this.log })
      this.#runtimes.set(session.id, runtime)
      runtime.catch(() => this.#runtimes.delete(session.id))
    }
    return runtime
  }

  /** The session of a workspace if it is open right now. */
  openedSession(workspaceId: string): WorkspaceSession | undefined {
    return this.#opened.get(workspaceId)
  }

  /** The sessions open right now (see `onSessionOpened` for the ones that open later). */
  openedSessions(): WorkspaceSession[] {
    return [...this.#opened.values()]
  }

  /**
   * Calls `listener` with each session that finishes opening from now on (the notification feed watches
   * them this way); returns an unsubscribe. A listener that throws is logged and does not stop the others.
   */
  onSessionOpened(listener: (session: WorkspaceSession) => void): () => void {
    this.#openedListeners.add(listener)
    return () => void this.#openedListeners.delete(listener)
  }

  /** Opens a workspace on this device (shared between callers until the host closes). */
  openWorkspace(workspaceId: string): Promise<WorkspaceSession> {
    const entry = this.device.workspace(workspaceId)
    if (entry === undefined) return Promise.reject(new CommonsError('not-found', `no workspace ${workspaceId} on this device`))
    return this.#openSession(workspaceId, entry)
  }

  async close(): Promise<void> {
    // Runners first: they give their leases up and publish nothing half-done, while the docs are still open.
    const runtimes = await Promise.allSettled(this.#runtimes.values())
    this.#runtimes.clear()
    await Promise.allSettled(runtimes.flatMap((result) => (result.status === 'fulfilled' ? [result.value.close()] : [])))
    const sessions = await Promise.allSettled(this.#sessions.values())
    this.#sessions.clear()
    this.#opened.clear()
    this.#openedListeners.clear()
    const closing = sessions.flatMap((result) => (result.status === 'fulfilled' ? [result.value.close()] : []))
    const results = await Promise.allSettled(closing)
    if (this.#assistant !== null) await (await this.#assistant.catch(() => null))?.close()
    await this.#agent?.close()
    this.#agent = null
    await this.docs.close()
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected')
    if (failure !== undefined) throw failure.reason
  }

  #openSession(workspaceId: string, entry: DeviceWorkspace): Promise<WorkspaceSession> {
    let session = this.#sessions.get(workspaceId)
    if (session === undefined) {
      const sync =
        entry.server === undefined
          ? null
          : (this.options.createSync ?? defaultSync)({ serverUrl: entry.server.url, token: entry.server.token, workspaceId, log: this.log })
      session = WorkspaceSession.open({
        workspaceId,
        device: { deviceId: this.deviceId, entry },
        store: this.docs,
        blobs: this.blobs,
        sync,
        source: this.options.source,
        log: this.log,
        backgroundSync: this.options.backgroundSync ?? false,
        ...(this.options.closeUnusedDocsAfterMs !== undefined ? { closeUnusedDocsAfterMs: this.options.closeUnusedDocsAfterMs } : {})
      })
      this.#sessions.set(workspaceId, session)
      session.then(
        (opened) => {
          this.#opened.set(workspaceId, opened)
          for (const listener of [...this.#openedListeners]) {
            try {
              listener(opened)
            } catch (error) {
              this.log.error('a session-opened listener failed', { workspaceId, error })
            }
          }
          if (this.options.runCoworkers === true) {
            this.startCoworkers(opened).catch((error: unknown) => this.log.error('coworkers could not start', { workspaceId, error }))
          }
        },
        () => this.#sessions.delete(workspaceId)
      )
    }
    return session
  }

  async #remember(workspaceId: string, entry: DeviceWorkspace): Promise<void> {
    await this.device.update((draft) => {
      draft.workspaces[workspaceId] = entry
      draft.settings.currentWorkspace = workspaceId
    })
  }
}

function defaultSync(options: { serverUrl: string; token: string; workspaceId: string; log: Logger }): DocSync {
  return new WorkspaceSync(options)
}

/** A name for this person when none is given: the login name, else the host name. */
export function defaultUserName(): string {
  try {
    return os.userInfo().username || os.hostname()
  } catch {
    return os.hostname()
  }
}

/**
 * `<dataDir>/assistant.json`: the private assistant's sessions, on this device only (lowdb).
 *
 * Written like device.json: every change is validated first, then written atomically with mode 0600
 * (privateJsonFile.ts), one change at a time. A file that does not parse or validate is never
 * overwritten: opening fails with an error naming the file and the problem, and the person decides.
 */

import { chmod, mkdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { Low } from 'lowdb'
import { CommonsError, notFound } from '../../../shared/errors.ts'
import { silentLogger, type Logger } from '../../../shared/log.ts'
import { firstProblem } from '../device/deviceFile.ts'
import { PrivateJSONFile, privateFileMode } from '../device/privateJsonFile.ts'
import { assistantFileSchema, assistantSchemaVersion, type AssistantFile, type AssistantSession } from './assistantFile.ts'

export const assistantFileName = 'assistant.json'

/** assistant.json could not be read or does not hold what it should; it was left untouched. */
export class AssistantFileError extends CommonsError {
  override name = 'AssistantFileError'
  constructor(
    readonly file: string,
    problem: string,
    options?: { cause?: unknown; hint?: string }
  ) {
    super(
      'storage',
      `${file} ${problem}; Commons did not change it`,
      options?.hint ?? 'fix the file, or move it aside to start the private assistant afresh (its past conversations stay in the file you moved)',
      { cause: options?.cause }
    )
  }
}

export interface OpenAssistantStoreOptions {
  /** The device's data directory. */
  directory: string
  log?: Logger
}

export class AssistantStore {
  static async open(options: OpenAssistantStoreOptions): Promise<AssistantStore> {
    const log = (options.log ?? silentLogger).child('assistant')
    await mkdir(options.directory, { recursive: true, mode: 0o700 })
    const file = path.join(options.directory, assistantFileName)
    const adapter = new PrivateJSONFile<AssistantFile>(file)
    let stored: unknown
    try {
      stored = await adapter.read()
    } catch (error) {
      const problem = error instanceof SyntaxError ? `is not valid JSON (${error.message})` : `could not be read (${(error as Error).message})`
      throw new AssistantFileError(file, problem, { cause: error })
    }
    // No file yet: it is written with the first session.
    if (stored === null) return new AssistantStore(file, new Low(adapter, { schemaVersion: assistantSchemaVersion, sessions: {} }), log)
    const data = parseAssistantFile(file, stored)
    // Tighten the mode of a file that was copied in or written by hand; it holds private conversations.
    if (process.platform !== 'win32' && ((await stat(file)).mode & 0o077) !== 0) await chmod(file, privateFileMode)
    return new AssistantStore(file, new Low(adapter, data), log)
  }

  #queue: Promise<unknown> = Promise.resolve()

  private constructor(
    readonly file: string,
    private readonly db: Low<AssistantFile>,
    private readonly log: Logger
  ) {}

  /** The sessions of one workspace (or all), most recently changed first. Copies. */
  list(workspaceId?: string): AssistantSession[] {
    return Object.values(this.db.data.sessions)
      .filter((session) => workspaceId === undefined || session.workspaceId === workspaceId)
      .sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id))
      .map((session) => structuredClone(session))
  }

  /** A copy of one session; throws `not-found` when there is none. */
  get(sessionId: string): AssistantSession {
    return structuredClone(this.#require(this.db.data, sessionId))
  }

  has(sessionId: string): boolean {
    return this.db.data.sessions[sessionId] !== undefined
  }

  /** Adds a new session. */
  async create(session: AssistantSession): Promise<AssistantSession> {
    const saved = await this.#change((draft) => {
      if (draft.sessions[session.id] !== undefined) throw new CommonsError('conflict', `session ${session.id} already exists`)
      draft.sessions[session.id] = structuredClone(session)
    })
    return structuredClone(this.#require(saved, session.id))
  }

  /**
   * Changes one session: `change` edits a copy, which is validated and then written. When the session is
   * gone, validation fails or the write fails, nothing changes (in memory or on disk) and the promise rejects.
   */
  async update(sessionId: string, change: (draft: AssistantSession) => void): Promise<AssistantSession> {
    const saved = await this.#change((draft) => change(this.#require(draft, sessionId)))
    return structuredClone(this.#require(saved, sessionId))
  }

  /** Removes a session; false when there was none. */
  async delete(sessionId: string): Promise<boolean> {
    if (!this.has(sessionId)) return false
    await this.#change((draft) => {
      delete draft.sessions[sessionId]
    })
    return true
  }

  /** Changes run in order; each validates the whole file before it is written. */
  #change(change: (draft: AssistantFile) => void): Promise<AssistantFile> {
    const run = this.#queue.then(async () => {
      const draft = structuredClone(this.db.data)
      change(draft)
      const checked = assistantFileSchema.safeParse(draft)
      if (!checked.success) {
        throw new CommonsError('invalid-input', `refused to save ${this.file}: ${firstProblem(checked.error)}; nothing was changed`)
      }
      const previous = this.db.data
      this.db.data = checked.data
      try {
        await this.db.write()
      } catch (error) {
        this.db.data = previous
        this.log.error('could not write the assistant file', { file: this.file, error })
        throw new CommonsError('storage', `could not write ${this.file} (${(error as Error).message}); nothing was changed`, 'check free disk space and permissions', {
          cause: error
        })
      }
      return checked.data
    })
    this.#queue = run.catch(() => {})
    return run
  }

  #require(data: AssistantFile, sessionId: string): AssistantSession {
    const session = data.sessions[sessionId]
    if (session === undefined) throw notFound('assistant session', sessionId, 'it may have been deleted; start a new conversation')
    return session
  }
}

function parseAssistantFile(file: string, stored: unknown): AssistantFile {
  const version = (stored as { schemaVersion?: unknown } | null)?.schemaVersion
  if (typeof version === 'number' && version > assistantSchemaVersion) {
    throw new AssistantFileError(file, `was written by a newer version of Commons (schemaVersion ${version}; this one reads ${assistantSchemaVersion})`, {
      hint: 'update Commons to open these conversations'
    })
  }
  const checked = assistantFileSchema.safeParse(stored)
  if (!checked.success) throw new AssistantFileError(file, `is invalid at ${firstProblem(checked.error)}`, { cause: checked.error })
  return checked.data
}

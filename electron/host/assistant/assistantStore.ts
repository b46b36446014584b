/**
 * `<dataDir>/assistant.json`: the private assistant's sessions, on this device only (lowdb).
 *
 * Written like device.json: every change is validated first, then written atomically with mode 0600
 * (privateJsonFile.ts), one change at a time. A file that does not parse or validate is never
 * overwritten: opening fails with an error naming the file and the problem, and the person decides.
 */

import path from 'node:path'
import { CommonsError, notFound } from '../../../shared/errors.ts'
import { silentLogger, type Logger } from '../../../shared/log.ts'
import { UnusableFileError, ValidatedJsonFile } from '../device/validatedJsonFile.ts'
import { assistantFileSchema, assistantSchemaVersion, type AssistantFile, type AssistantSession } from './assistantFile.ts'

export const assistantFileName = 'assistant.json'

/** assistant.json could not be read or does not hold what it should; it was left untouched. */
export class AssistantFileError extends UnusableFileError {
  override name = 'AssistantFileError'
  constructor(file: string, problem: string, options?: { cause?: unknown; hint?: string }) {
    super(file, problem, options?.hint ?? 'fix the file, or move it aside to start the private assistant afresh (its past conversations stay in the file you moved)', options?.cause)
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
    const file = path.join(options.directory, assistantFileName)
    const store = await ValidatedJsonFile.open<AssistantFile>({
      file,
      schema: assistantFileSchema,
      schemaVersion: assistantSchemaVersion,
      // No file yet: it is written with the first session.
      fresh: () => ({ schemaVersion: assistantSchemaVersion, sessions: {} }),
      createOnOpen: false,
      quoteParseErrors: true,
      unusable: (problem, { newerVersion, cause }) =>
        new AssistantFileError(file, problem, { ...(cause !== undefined ? { cause } : {}), ...(newerVersion ? { hint: 'update Commons to open these conversations' } : {}) })
    })
    return new AssistantStore(store, log)
  }

  private constructor(
    private readonly store: ValidatedJsonFile<AssistantFile>,
    private readonly log: Logger
  ) {}

  get file(): string {
    return this.store.file
  }

  /** The sessions of one workspace (or all), most recently changed first. Copies. */
  list(workspaceId?: string): AssistantSession[] {
    return Object.values(this.store.data.sessions)
      .filter((session) => workspaceId === undefined || session.workspaceId === workspaceId)
      .sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id))
      .map((session) => structuredClone(session))
  }

  /** A copy of one session; throws `not-found` when there is none. */
  get(sessionId: string): AssistantSession {
    return structuredClone(this.#require(this.store.data, sessionId))
  }

  has(sessionId: string): boolean {
    return this.store.data.sessions[sessionId] !== undefined
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
  async #change(change: (draft: AssistantFile) => void): Promise<AssistantFile> {
    try {
      return await this.store.update(change)
    } catch (error) {
      this.log.error('could not save the assistant file', { file: this.file, error })
      throw error
    }
  }


  #require(data: AssistantFile, sessionId: string): AssistantSession {
    const session = data.sessions[sessionId]
    if (session === undefined) throw notFound('assistant session', sessionId, 'it may have been deleted; start a new conversation')
    return session
  }
}

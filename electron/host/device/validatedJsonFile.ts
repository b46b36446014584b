import { chmod, mkdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { Low } from 'lowdb'
import type { z } from 'zod'
import { CommonsError } from '../../../shared/errors.ts'
import { firstProblem } from './deviceFile.ts'
import { PrivateJSONFile, privateFileMode } from './privateJsonFile.ts'

/**
 * A JSON file that stays on this device (device.json, settings.json, assistant.json), kept with lowdb:
 * - written atomically with mode 0600 (privateJsonFile.ts), and only after the whole file validates;
 * - never overwritten when it cannot be used: a file that does not parse or validate, or that a newer
 *   Commons wrote, fails to open with an error naming the file and the problem, and the person decides;
 * - changed one change at a time; a change that fails validation or the write changes nothing, in memory
 *   or on disk.
 */
/** A private file that could not be used; it was left as it is, for the person to decide. */
export class UnusableFileError extends CommonsError {
  override name = 'UnusableFileError'
  constructor(
    readonly file: string,
    problem: string,
    hint: string,
    cause?: unknown
  ) {
    super('storage', `${file} ${problem}; Commons did not change it`, hint, cause === undefined ? undefined : { cause })
  }
}

export interface ValidatedJsonFileOptions<T> {
  file: string
  schema: z.ZodType<T>
  schemaVersion: number
  /** The contents of a file that does not exist yet. */
  fresh: () => T
  /** Write the fresh contents when the file is first opened, rather than with the first change. */
  createOnOpen: boolean
  /** The error for a file that cannot be used; `problem` completes "<file> …" ("is not valid JSON"). */
  unusable: (problem: string, options: { newerVersion: boolean; cause?: unknown }) => CommonsError
  /** False when the file may hold a secret: a JSON parser's message quotes the file. */
  quoteParseErrors: boolean
}

export class ValidatedJsonFile<T> {
  #queue: Promise<unknown> = Promise.resolve()

  private constructor(
    readonly file: string,
    private readonly db: Low<T>,
    private readonly schema: z.ZodType<T>,
    /** True when this open created the file (or will, with the first change). */
    readonly created: boolean
  ) {}

  static async open<T>(options: ValidatedJsonFileOptions<T>): Promise<ValidatedJsonFile<T>> {
    // 0700 when we create it: the directory holds the device's private files.
    await mkdir(path.dirname(options.file), { recursive: true, mode: 0o700 })
    const adapter = new PrivateJSONFile<T>(options.file)
    let stored: unknown
    try {
      stored = await adapter.read()
    } catch (error) {
      const reason = options.quoteParseErrors ? (error as Error).message : ((error as NodeJS.ErrnoException).code ?? 'unknown error')
      const problem = error instanceof SyntaxError ? (options.quoteParseErrors ? `is not valid JSON (${reason})` : 'is not valid JSON') : `could not be read (${reason})`
      throw options.unusable(problem, { newerVersion: false, ...(options.quoteParseErrors ? { cause: error } : {}) })
    }
    if (stored === null) {
      const store = new ValidatedJsonFile(options.file, new Low(adapter, options.fresh()), options.schema, true)
      if (options.createOnOpen) await store.#write(store.db.data)
      return store
    }
    const version = (stored as { schemaVersion?: unknown } | null)?.schemaVersion
    if (typeof version === 'number' && version > options.schemaVersion) {
      throw options.unusable(`was written by a newer version of Commons (schemaVersion ${version}; this one reads ${options.schemaVersion})`, { newerVersion: true })
    }
    const checked = options.schema.safeParse(stored)
    if (!checked.success) throw options.unusable(`is invalid at ${firstProblem(checked.error)}`, { newerVersion: false })
    // Tighten the mode of a file that was copied in or written by hand: it holds private things.
    if (process.platform !== 'win32' && ((await stat(options.file)).mode & 0o077) !== 0) await chmod(options.file, privateFileMode)
    return new ValidatedJsonFile(options.file, new Low(adapter, checked.data), options.schema, false)
  }

  /** The file's contents. Read-only: change them with `update`. */
  get data(): T {
    return this.db.data
  }

  /** Edits a copy with `change`, validates it and writes it; resolves with what was saved. Changes run in order. */
  update(change: (draft: T) => void): Promise<T> {
    const run = this.#queue.then(async () => {
      const draft = structuredClone(this.db.data)
      change(draft)
      const checked = this.schema.safeParse(draft)
      if (!checked.success) throw new CommonsError('invalid-input', `refused to save ${this.file}: ${firstProblem(checked.error)}; nothing was changed`)
      await this.#write(checked.data)
      return checked.data
    })
    this.#queue = run.catch(() => {})
    return run
  }

  /** Resolves once every change so far is on disk (or has failed). */
  async flush(): Promise<void> {
    await this.#queue
  }

  async #write(next: T): Promise<void> {
    const previous = this.db.data
    this.db.data = next
    try {
      await this.db.write()
    } catch (error) {
      this.db.data = previous
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message
      throw new CommonsError('storage', `could not write ${this.file} (${reason}); nothing was changed`, 'check free disk space and permissions', { cause: error })
    }
  }
}

/**
 * `<dataDir>/device.json`: this device's id and name, the workspaces it has joined (with their sync
 * server links and tokens) and its settings. Never synced.
 *
 * Every write is validated first and then written atomically with mode 0600 (privateJsonFile.ts). A file
 * that does not parse or validate is never overwritten: opening fails with an error that names the
 * file and the field, and the user decides what to do with it.
 */

import { chmod, mkdir, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Low } from 'lowdb'
import { CommonsError } from '../../../shared/errors.ts'
import { newId } from '../../../shared/ids.ts'
import { silentLogger, type Logger } from '../../../shared/log.ts'
import { deviceFileSchema, deviceSchemaVersion, firstProblem, type DeviceFile, type DeviceWorkspace } from './deviceFile.ts'
import { PrivateJSONFile, privateFileMode } from './privateJsonFile.ts'

export const deviceFileName = 'device.json'

/** device.json could not be read or does not hold what it should; it was left untouched. */
export class DeviceFileError extends CommonsError {
  override name = 'DeviceFileError'
  constructor(
    readonly file: string,
    problem: string,
    options?: { cause?: unknown; hint?: string }
  ) {
    super(
      'storage',
      `${file} ${problem}; Commons did not change it`,
      options?.hint ?? 'fix the file, or move it aside to start this device afresh (you will have to join your workspaces again)',
      { cause: options?.cause }
    )
  }
}

export interface OpenDeviceStoreOptions {
  /** The device's data directory. */
  directory: string
  log?: Logger
  /** The device name when the file is first created; the host name by default. */
  displayName?: string
}

export class DeviceStore {
  static async open(options: OpenDeviceStoreOptions): Promise<DeviceStore> {
    const log = (options.log ?? silentLogger).child('device')
    // 0700 when we create it: the directory holds device.json and the docs of every workspace.
    await mkdir(options.directory, { recursive: true, mode: 0o700 })
    const file = path.join(options.directory, deviceFileName)
    const adapter = new PrivateJSONFile<DeviceFile>(file)
    let stored: unknown
    try {
      stored = await adapter.read()
    } catch (error) {
      const problem = error instanceof SyntaxError ? `is not valid JSON (${error.message})` : `could not be read (${(error as Error).message})`
      throw new DeviceFileError(file, problem, { cause: error })
    }
    if (stored === null) {
      const fresh: DeviceFile = {
        schemaVersion: deviceSchemaVersion,
        deviceId: newId('dev'),
        displayName: options.displayName ?? os.hostname(),
        workspaces: {},
        settings: {}
      }
      await adapter.write(fresh)
      log.info('created the device file', { file, deviceId: fresh.deviceId })
      return new DeviceStore(file, new Low(adapter, fresh))
    }
    const data = parseDeviceFile(file, stored)
    // Tighten the mode of a file that was copied in or written by hand; it holds tokens.
    if (process.platform !== 'win32' && ((await stat(file)).mode & 0o077) !== 0) await chmod(file, privateFileMode)
    return new DeviceStore(file, new Low(adapter, data))
  }

  #queue: Promise<unknown> = Promise.resolve()

  private constructor(
    readonly file: string,
    private readonly db: Low<DeviceFile>
  ) {}

  /** A copy of the whole file. */
  get(): DeviceFile {
    return structuredClone(this.db.data)
  }

  get deviceId(): string {
    return this.db.data.deviceId
  }

  workspace(workspaceId: string): DeviceWorkspace | undefined {
    const entry = this.db.data.workspaces[workspaceId]
    return entry === undefined ? undefined : structuredClone(entry)
  }

  /**
   * Changes the file: `change` edits a copy, which is validated and then written. When validation or
   * the write fails, nothing changes (in memory or on disk) and the promise rejects. Updates run in order.
   */
  update(change: (draft: DeviceFile) => void): Promise<DeviceFile> {
    const run = this.#queue.then(async () => {
      const draft = structuredClone(this.db.data)
      change(draft)
      const checked = deviceFileSchema.safeParse(draft)
      if (!checked.success) {
        throw new CommonsError('invalid-input', `refused to save ${this.file}: ${firstProblem(checked.error)}; nothing was changed`)
      }
      const previous = this.db.data
      this.db.data = checked.data
      try {
        await this.db.write()
      } catch (error) {
        this.db.data = previous
        throw new CommonsError('storage', `could not write ${this.file} (${(error as Error).message}); nothing was changed`, 'check free disk space and permissions', {
          cause: error
        })
      }
      return structuredClone(checked.data)
    })
    this.#queue = run.catch(() => {})
    return run
  }

  setWorkspace(workspaceId: string, entry: DeviceWorkspace): Promise<DeviceFile> {
    return this.update((draft) => {
      draft.workspaces[workspaceId] = entry
    })
  }

  removeWorkspace(workspaceId: string): Promise<DeviceFile> {
    return this.update((draft) => {
      delete draft.workspaces[workspaceId]
    })
  }
}

function parseDeviceFile(file: string, stored: unknown): DeviceFile {
  const version = (stored as { schemaVersion?: unknown } | null)?.schemaVersion
  if (typeof version === 'number' && version > deviceSchemaVersion) {
    throw new DeviceFileError(
      file,
      `was written by a newer version of Commons (schemaVersion ${version}; this one reads ${deviceSchemaVersion})`,
      { hint: 'update Commons to open this data directory' }
    )
  }
  const checked = deviceFileSchema.safeParse(stored)
  if (!checked.success) throw new DeviceFileError(file, `is invalid at ${firstProblem(checked.error)}`, { cause: checked.error })
  return checked.data
}

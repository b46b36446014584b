/**
 * `<dataDir>/device.json`: this device's id and name, the workspaces it has joined (with their sync
 * server links and tokens) and its settings. Never synced.
 *
 * Every write is validated first and then written atomically with mode 0600 (privateJsonFile.ts). A file
 * that does not parse or validate is never overwritten: opening fails with an error that names the
 * file and the field, and the user decides what to do with it.
 */

import os from 'node:os'
import path from 'node:path'
import { newId } from '../../../shared/ids.ts'
import { silentLogger, type Logger } from '../../../shared/log.ts'
import { deviceFileSchema, deviceSchemaVersion, type DeviceFile, type DeviceWorkspace } from './deviceFile.ts'
import { UnusableFileError, ValidatedJsonFile } from './validatedJsonFile.ts'

export const deviceFileName = 'device.json'

/** device.json could not be read or does not hold what it should; it was left untouched. */
export class DeviceFileError extends UnusableFileError {
  override name = 'DeviceFileError'
  constructor(file: string, problem: string, options?: { cause?: unknown; hint?: string }) {
    super(file, problem, options?.hint ?? 'fix the file, or move it aside to start this device afresh (you will have to join your workspaces again)', options?.cause)
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
    const file = path.join(options.directory, deviceFileName)
    const store = await ValidatedJsonFile.open<DeviceFile>({
      file,
      schema: deviceFileSchema,
      schemaVersion: deviceSchemaVersion,
      fresh: () => ({ schemaVersion: deviceSchemaVersion, deviceId: newId('dev'), displayName: options.displayName ?? os.hostname(), workspaces: {}, settings: {} }),
      createOnOpen: true,
      quoteParseErrors: true,
      unusable: (problem, { newerVersion, cause }) =>
        new DeviceFileError(file, problem, { ...(cause !== undefined ? { cause } : {}), ...(newerVersion ? { hint: 'update Commons to open this data directory' } : {}) })
    })
    if (store.created) log.info('created the device file', { file, deviceId: store.data.deviceId })
    return new DeviceStore(store)
  }

  private constructor(private readonly store: ValidatedJsonFile<DeviceFile>) {}

  get file(): string {
    return this.store.file
  }

  /** A copy of the whole file. */
  get(): DeviceFile {
    return structuredClone(this.store.data)
  }

  get deviceId(): string {
    return this.store.data.deviceId
  }

  workspace(workspaceId: string): DeviceWorkspace | undefined {
    const entry = this.store.data.workspaces[workspaceId]
    return entry === undefined ? undefined : structuredClone(entry)
  }

  /**
   * Changes the file: `change` edits a copy, which is validated and then written. When validation or
   * the write fails, nothing changes (in memory or on disk) and the promise rejects. Updates run in order.
   */
  async update(change: (draft: DeviceFile) => void): Promise<DeviceFile> {
    return structuredClone(await this.store.update(change))
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

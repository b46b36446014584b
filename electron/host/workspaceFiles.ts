import { extractText, guessMimeType } from '../../shared/content/extractText.ts'
import { CommonsError } from '../../shared/errors.ts'
import type { Logger } from '../../shared/log.ts'
import type { FileRecord } from '../../shared/model/types.ts'
import type { OperationContext } from '../../shared/operations/context.ts'
import { addFile, getFile, listFiles } from '../../shared/operations/files.ts'
import type * as Y from 'yjs'
import type { BlobStore } from './blobStore.ts'
import type { ServerLink } from './device/deviceFile.ts'
import { downloadBlob, hasBlob, uploadBlob } from './sync/blobClient.ts'

/**
 * A workspace's files on this device: bytes in the device's blob store by sha256, metadata (with the
 * text of text-like files) in the root doc, and the bytes carried to and from the sync server's blob
 * endpoint. Adding a file works offline; the upload happens then or at the next `reconcile`.
 */
export class WorkspaceFiles {
  constructor(
    private readonly workspaceId: string,
    private readonly root: Y.Doc,
    private readonly blobs: BlobStore,
    private readonly server: ServerLink | undefined,
    private readonly log: Logger
  ) {}

  async add(input: { name: string; bytes: Uint8Array; mimeType?: string; channelId?: string | null }, context: OperationContext): Promise<FileRecord> {
    const mimeType = input.mimeType ?? guessMimeType(input.name)
    const sha256 = await this.blobs.put(input.bytes)
    const extracted = extractText(input.name, mimeType, input.bytes)
    const record = addFile(
      this.root,
      { name: input.name, size: input.bytes.byteLength, sha256, mimeType, text: extracted?.text ?? null, textTruncated: extracted?.truncated ?? false, channelId: input.channelId ?? null },
      context
    )
    await this.#upload(sha256, input.bytes).catch((error: unknown) => this.log.info('file upload deferred', { sha256, error }))
    return record
  }

  /** A file's bytes: from this device, or downloaded from the server (and kept) when this device lacks them. */
  async read(fileId: string): Promise<Uint8Array> {
    const file = getFile(this.root, fileId)
    const local = await this.blobs.get(file.sha256)
    if (local !== null) return local
    if (this.server === undefined) throw new CommonsError('not-found', `the bytes of ${file.name} are not on this device`, 'the workspace has no server to fetch them from')
    try {
      const bytes = await downloadBlob(this.server.url, this.server.token, this.workspaceId, file.sha256)
      await this.blobs.put(bytes)
      return bytes
    } catch (error) {
      throw new CommonsError('connection', `could not fetch ${file.name}: ${(error as Error).message}`, 'try again when the sync server is reachable', { cause: error })
    }
  }

  /** Uploads every file whose bytes this device has and the server lacks. Returns how many it uploaded. */
  async reconcile(): Promise<number> {
    if (this.server === undefined) return 0
    let uploaded = 0
    for (const file of listFiles(this.root)) {
      const bytes = await this.blobs.get(file.sha256)
      if (bytes === null) continue
      if (await hasBlob(this.server.url, this.server.token, this.workspaceId, file.sha256)) continue
      await this.#upload(file.sha256, bytes)
      uploaded++
    }
    return uploaded
  }

  async #upload(sha256: string, bytes: Uint8Array): Promise<void> {
    if (this.server === undefined) return
    await uploadBlob(this.server.url, this.server.token, this.workspaceId, sha256, bytes)
  }
}

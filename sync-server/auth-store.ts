/**
 * Workspaces, tokens and invites, stored in the server's database and mirrored in memory so that the
 * check before each websocket upgrade needs no disk read. Only hashes of token secrets and invite
 * codes are stored. Changes go to disk first (one synced batch each), then to memory, one at a time.
 */

import { decodeJson, encodeJson, prefixRange, type Database } from './database.ts'
import { matchesHash, mintInviteCode, mintToken, parseToken, sha256Hex } from './secrets.ts'

export type Role = 'owner' | 'member'

export interface WorkspaceRecord {
  workspaceId: string
  name: string
  createdAt: string
}

export interface TokenRecord {
  tokenId: string
  workspaceId: string
  name: string
  role: Role
  /** sha256 of the token's secret part, hex. */
  secretHash: string
  createdAt: string
  revokedAt: string | null
}

interface InviteRecord {
  workspaceId: string
  maxUses: number
  uses: number
  expiresAt: string
  createdAt: string
}

export type Authentication =
  | { ok: true; token: TokenRecord }
  | { ok: false; reason: 'no_token' | 'bad_token' | 'revoked' }

export class WorkspaceTakenError extends Error {
  override readonly name = 'WorkspaceTakenError'
}

export class InviteRejectedError extends Error {
  override readonly name = 'InviteRejectedError'
}

export class AuthStore {
  private readonly workspaces = new Map<string, WorkspaceRecord>()
  private readonly tokens = new Map<string, TokenRecord>()
  private tail: Promise<unknown> = Promise.resolve()

  private constructor(private readonly db: Database, private readonly now: () => Date) {}

  static async open(db: Database, now: () => Date = () => new Date()): Promise<AuthStore> {
    const store = new AuthStore(db, now)
    for await (const [, value] of db.iterator(prefixRange('ws!'))) {
      const record = decodeJson<WorkspaceRecord>(value)
      store.workspaces.set(record.workspaceId, record)
    }
    for await (const [, value] of db.iterator(prefixRange('tok!'))) {
      const record = decodeJson<TokenRecord>(value)
      store.tokens.set(record.tokenId, record)
    }
    return store
  }

  /** Checks a presented token: well formed, known, secret matching (in constant time), not revoked. */
  authenticate(token: string | undefined | null): Authentication {
    if (token === undefined || token === null || token === '') return { ok: false, reason: 'no_token' }
    const parsed = parseToken(token)
    if (parsed === undefined) return { ok: false, reason: 'bad_token' }
    const record = this.tokens.get(parsed.tokenId)
    if (record === undefined || !matchesHash(parsed.secret, record.secretHash)) return { ok: false, reason: 'bad_token' }
    if (record.revokedAt !== null) return { ok: false, reason: 'revoked' }
    return { ok: true, token: record }
  }

  workspace(workspaceId: string): WorkspaceRecord | undefined {
    return this.workspaces.get(workspaceId)
  }

  listWorkspaces(): WorkspaceRecord[] {
    return [...this.workspaces.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt))
  }

  token(tokenId: string): TokenRecord | undefined {
    return this.tokens.get(tokenId)
  }

  listTokens(workspaceId: string): TokenRecord[] {
    return [...this.tokens.values()].filter((token) => token.workspaceId === workspaceId).sort((a, b) => a.createdAt.localeCompare(b.createdAt))
  }

  registerWorkspace(input: { workspaceId: string; name: string; ownerName: string }): Promise<{ token: string; record: TokenRecord }> {
    return this.serially(async () => {
      if (this.workspaces.has(input.workspaceId)) throw new WorkspaceTakenError(`workspace ${input.workspaceId} is already registered`)
      const createdAt = this.now().toISOString()
      const workspace: WorkspaceRecord = { workspaceId: input.workspaceId, name: input.name, createdAt }
      const minted = mintToken()
      const record = this.tokenRecord(minted, input.workspaceId, input.ownerName, 'owner', createdAt)
      await this.db.batch(
        [
          { type: 'put', key: `ws!${workspace.workspaceId}`, value: encodeJson(workspace) },
          { type: 'put', key: `tok!${record.tokenId}`, value: encodeJson(record) }
        ],
        { sync: true }
      )
      this.workspaces.set(workspace.workspaceId, workspace)
      this.tokens.set(record.tokenId, record)
      return { token: minted.token, record }
    })
  }

  createInvite(workspaceId: string, options: { maxUses: number; expiresInHours: number }): Promise<{ code: string; expiresAt: string; maxUses: number }> {
    return this.serially(async () => {
      const now = this.now()
      const { code, codeHash } = mintInviteCode()
      const invite: InviteRecord = {
        workspaceId,
        maxUses: options.maxUses,
        uses: 0,
        expiresAt: new Date(now.getTime() + options.expiresInHours * 3_600_000).toISOString(),
        createdAt: now.toISOString()
      }
      await this.db.put(`inv!${codeHash}`, encodeJson(invite), { sync: true })
      return { code, expiresAt: invite.expiresAt, maxUses: invite.maxUses }
    })
  }

  /** Spends one use of an invite on a new member token. Throws InviteRejectedError for an unknown, used up or expired code. */
  join(workspaceId: string, code: string, name: string): Promise<{ token: string; record: TokenRecord; workspace: WorkspaceRecord }> {
    return this.serially(async () => {
      // The key is the code's hash, so looking it up reveals nothing about codes that exist.
      const key = `inv!${sha256Hex(code)}`
      const stored = await this.db.get(key)
      const invite = stored === undefined ? undefined : decodeJson<InviteRecord>(stored)
      const workspace = this.workspaces.get(workspaceId)
      if (invite === undefined || invite.workspaceId !== workspaceId || workspace === undefined) throw new InviteRejectedError('unknown invite code')
      if (invite.uses >= invite.maxUses) throw new InviteRejectedError('this invite code has been used up')
      const now = this.now()
      if (Date.parse(invite.expiresAt) <= now.getTime()) throw new InviteRejectedError('this invite code has expired')
      const minted = mintToken()
      const record = this.tokenRecord(minted, workspaceId, name, 'member', now.toISOString())
      await this.db.batch(
        [
          { type: 'put', key, value: encodeJson({ ...invite, uses: invite.uses + 1 }) },
          { type: 'put', key: `tok!${record.tokenId}`, value: encodeJson(record) }
        ],
        { sync: true }
      )
      this.tokens.set(record.tokenId, record)
      return { token: minted.token, record, workspace }
    })
  }

  /** Marks a token revoked (once; revoking again keeps the first time). Undefined for an unknown token. */
  revoke(tokenId: string): Promise<TokenRecord | undefined> {
    return this.serially(async () => {
      const record = this.tokens.get(tokenId)
      if (record === undefined || record.revokedAt !== null) return record
      const revoked: TokenRecord = { ...record, revokedAt: this.now().toISOString() }
      await this.db.put(`tok!${tokenId}`, encodeJson(revoked), { sync: true })
      this.tokens.set(tokenId, revoked)
      return revoked
    })
  }

  private tokenRecord(minted: { tokenId: string; secretHash: string }, workspaceId: string, name: string, role: Role, createdAt: string): TokenRecord {
    return { tokenId: minted.tokenId, workspaceId, name, role, secretHash: minted.secretHash, createdAt, revokedAt: null }
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task)
    this.tail = result.catch(() => undefined)
    return result
  }
}

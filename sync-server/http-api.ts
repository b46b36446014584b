/**
 * The HTTP API of docs/sync-protocol.md: workspaces, invites, tokens, blobs, health, metrics and the
 * admin routes. Every answer is JSON (blobs aside); every error is `{ error, hint }`.
 */

import type { IncomingMessage, ServerResponse } from 'node:http'
import { z } from 'zod'
import { isId } from '../shared/ids.ts'
import type { Logger } from '../shared/log.ts'
import { InviteRejectedError, WorkspaceTakenError, type AuthStore, type TokenRecord } from './auth-store.ts'
import { BlobHashMismatchError, BlobTooLargeError, isSha256, type BlobStore } from './blob-store.ts'
import type { ConnectionTracker } from './connection-tracker.ts'
import { bearerToken, HttpError, readJson, sendError, sendJson } from './http-util.ts'
import type { SyncServerLimits } from './limits.ts'
import { matchesHash } from './secrets.ts'
import type { SyncMetrics } from './sync-metrics.ts'

export interface HttpApiDeps {
  auth: AuthStore
  blobs: BlobStore
  connections: ConnectionTracker
  metrics: SyncMetrics
  limits: SyncServerLimits
  logger: Logger
  /** sha256 of the admin token. */
  adminTokenHash: string
  /** sha256 of the registration secret, when registering needs one. */
  registrationSecretHash: string | undefined
  /** Revokes a token and closes its live connections (4401). */
  revokeToken(tokenId: string): Promise<{ revokedAt: string | null; closedConnections: number } | undefined>
  health(): { shuttingDown: boolean; uptimeSeconds: number; docsLoaded: number; connections: number; roomsFailingWrites: number }
}

export interface TokenView {
  tokenId: string
  name: string
  role: string
  createdAt: string
  revokedAt: string | null
  connections: number
}

type Params = Record<string, string>
type Handler = (req: IncomingMessage, res: ServerResponse, params: Params) => Promise<void> | void

interface Route {
  method: string
  pattern: RegExp
  handler: Handler
  /** Served while the server shuts down (everything else answers 503). */
  duringShutdown?: boolean
}

const name = z.string().trim().min(1).max(200)
const registerBody = z.object({
  workspaceId: z.string().refine((value) => isId(value, 'ws'), 'must be a workspace id (ws_ and 20 base32 characters)'),
  name,
  ownerName: name
})
const inviteBody = z.object({
  maxUses: z.number().int().min(1).max(1000).default(1),
  expiresInHours: z.number().min(1).max(720).default(168)
})
const joinBody = z.object({ code: z.string().min(1).max(200), name })

export function createHttpApi(deps: HttpApiDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { auth, blobs, connections, metrics, limits, logger } = deps

  const tokenView = (record: TokenRecord): TokenView => ({
    tokenId: record.tokenId,
    name: record.name,
    role: record.role,
    createdAt: record.createdAt,
    revokedAt: record.revokedAt,
    connections: connections.countFor(record.tokenId)
  })

  const parse = <T>(schema: z.ZodType<T>, body: unknown): T => {
    const result = schema.safeParse(body)
    if (result.success) return result.data
    const issue = result.error.issues[0]
    const where = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.join('.')
    throw new HttpError(400, `${where}: ${issue?.message ?? 'invalid'}`, 'see docs/sync-protocol.md for the request shape')
  }

  const requireToken = (req: IncomingMessage, workspaceId: string): TokenRecord => {
    const result = auth.authenticate(bearerToken(req))
    if (!result.ok) {
      if (result.reason === 'no_token') throw new HttpError(401, 'no token', 'send Authorization: Bearer <token>', { 'WWW-Authenticate': 'Bearer' })
      if (result.reason === 'revoked') throw new HttpError(401, 'this token has been revoked', 'ask the workspace owner for a new invite')
      throw new HttpError(401, 'unknown token', 'check the token, or join the workspace again with an invite')
    }
    if (result.token.workspaceId !== workspaceId) throw new HttpError(403, 'this token belongs to another workspace', `use a token of ${workspaceId}`)
    return result.token
  }

  const requireOwner = (req: IncomingMessage, workspaceId: string): TokenRecord => {
    const token = requireToken(req, workspaceId)
    if (token.role !== 'owner') throw new HttpError(403, "only the workspace's owner may do this", "use the owner's token")
    return token
  }

  const requireAdmin = (req: IncomingMessage): void => {
    const token = bearerToken(req)
    if (token === undefined) throw new HttpError(401, 'no admin token', `send Authorization: Bearer <the data directory's admin-token>`)
    if (!matchesHash(token, deps.adminTokenHash)) throw new HttpError(401, 'wrong admin token', `use the token in the server's <data>/admin-token`)
  }

  const routes: Route[] = [
    {
      method: 'GET',
      pattern: /^\/healthz$/,
      duringShutdown: true,
      handler: (_req, res) => {
        const health = deps.health()
        if (health.shuttingDown) return sendJson(res, 503, { status: 'shutting-down' })
        const body = { uptimeSeconds: health.uptimeSeconds, docsLoaded: health.docsLoaded, connections: health.connections }
        if (health.roomsFailingWrites > 0) return sendJson(res, 503, { status: 'degraded', ...body, roomsFailingWrites: health.roomsFailingWrites })
        sendJson(res, 200, { status: 'ok', ...body })
      }
    },
    {
      method: 'GET',
      pattern: /^\/metrics$/,
      duringShutdown: true,
      handler: (_req, res) => {
        const text = metrics.registry.render()
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Content-Length': Buffer.byteLength(text) })
        res.end(text)
      }
    },
    {
      method: 'POST',
      pattern: /^\/v1\/workspaces$/,
      handler: async (req, res) => {
        if (deps.registrationSecretHash !== undefined) {
          const secret = bearerToken(req)
          if (secret === undefined || !matchesHash(secret, deps.registrationSecretHash)) {
            throw new HttpError(401, 'registering a workspace on this server needs its registration secret', "send Authorization: Bearer <the server's registration secret>; ask the server's operator for it")
          }
        }
        const body = parse(registerBody, await readJson(req))
        try {
          const { token, record } = await auth.registerWorkspace(body)
          logger.info('workspace registered', { workspaceId: body.workspaceId })
          sendJson(res, 201, { workspaceId: body.workspaceId, token, tokenId: record.tokenId, role: 'owner' })
        } catch (error) {
          if (error instanceof WorkspaceTakenError) throw new HttpError(409, error.message, 'register with a new workspace id, or join this workspace with an invite')
          throw error
        }
      }
    },
    {
      method: 'POST',
      pattern: /^\/v1\/workspaces\/(?<ws>[^/]+)\/invites$/,
      handler: async (req, res, { ws }) => {
        requireOwner(req, ws!)
        const body = parse(inviteBody, await readJson(req))
        sendJson(res, 201, await auth.createInvite(ws!, body))
      }
    },
    {
      method: 'POST',
      pattern: /^\/v1\/workspaces\/(?<ws>[^/]+)\/join$/,
      handler: async (req, res, { ws }) => {
        const body = parse(joinBody, await readJson(req))
        try {
          const { token, record, workspace } = await auth.join(ws!, body.code, body.name)
          logger.info('member joined', { workspaceId: ws, tokenId: record.tokenId })
          sendJson(res, 201, { workspaceId: ws, workspaceName: workspace.name, token, tokenId: record.tokenId, role: 'member' })
        } catch (error) {
          if (error instanceof InviteRejectedError) throw new HttpError(401, error.message, 'ask the workspace owner for a new invite code')
          throw error
        }
      }
    },
    {
      method: 'GET',
      pattern: /^\/v1\/workspaces\/(?<ws>[^/]+)\/tokens$/,
      handler: (req, res, { ws }) => {
        requireOwner(req, ws!)
        sendJson(res, 200, { tokens: auth.listTokens(ws!).map(tokenView) })
      }
    },
    {
      method: 'DELETE',
      pattern: /^\/v1\/workspaces\/(?<ws>[^/]+)\/tokens\/(?<tokenId>[^/]+)$/,
      handler: async (req, res, { ws, tokenId }) => {
        requireOwner(req, ws!)
        if (auth.token(tokenId!)?.workspaceId !== ws) throw new HttpError(404, `no token ${tokenId} in this workspace`, 'list the tokens with GET /v1/workspaces/:ws/tokens')
        await answerRevocation(res, tokenId!)
      }
    },
    {
      method: 'PUT',
      pattern: /^\/v1\/workspaces\/(?<ws>[^/]+)\/blobs\/(?<sha>[^/]+)$/,
      handler: async (req, res, { ws, sha }) => {
        requireToken(req, ws!)
        const hash = blobHash(sha!)
        const declared = Number(req.headers['content-length'])
        if (Number.isFinite(declared) && declared > limits.maxBlobBytes) throw blobTooLarge()
        try {
          const outcome = await blobs.put(ws!, hash, req, limits.maxBlobBytes)
          sendJson(res, outcome === 'created' ? 201 : 200, { sha256: hash, stored: outcome })
        } catch (error) {
          if (error instanceof BlobTooLargeError) throw blobTooLarge()
          if (error instanceof BlobHashMismatchError) {
            metrics.refusals.incWith({ reason: 'blob_hash_mismatch' })
            throw new HttpError(400, error.message, 'upload the exact bytes whose sha256 is in the path')
          }
          throw error
        }
      }
    },
    {
      method: 'GET',
      pattern: /^\/v1\/workspaces\/(?<ws>[^/]+)\/blobs\/(?<sha>[^/]+)$/,
      handler: async (req, res, { ws, sha }) => {
        requireToken(req, ws!)
        const blob = await blobs.read(ws!, blobHash(sha!))
        if (blob === undefined) throw new HttpError(404, 'no such blob in this workspace', 'upload it first with PUT')
        res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': blob.size, 'Cache-Control': 'private, max-age=31536000, immutable' })
        if (req.method === 'HEAD') {
          blob.stream.destroy()
          res.end()
          return
        }
        blob.stream.on('error', (error) => {
          logger.error('reading a blob failed', { sha256: sha, error })
          res.destroy(error)
        })
        blob.stream.pipe(res)
      }
    },
    {
      method: 'GET',
      pattern: /^\/v1\/admin\/workspaces$/,
      handler: (req, res) => {
        requireAdmin(req)
        const workspaces = auth.listWorkspaces().map((workspace) => {
          const tokens = auth.listTokens(workspace.workspaceId)
          return {
            workspaceId: workspace.workspaceId,
            name: workspace.name,
            createdAt: workspace.createdAt,
            tokens: tokens.filter((token) => token.revokedAt === null).length,
            connections: tokens.reduce((sum, token) => sum + connections.countFor(token.tokenId), 0)
          }
        })
        sendJson(res, 200, { workspaces })
      }
    },
    {
      method: 'GET',
      pattern: /^\/v1\/admin\/workspaces\/(?<ws>[^/]+)\/tokens$/,
      handler: (req, res, { ws }) => {
        requireAdmin(req)
        if (auth.workspace(ws!) === undefined) throw new HttpError(404, `no workspace ${ws}`, 'list the workspaces with GET /v1/admin/workspaces')
        sendJson(res, 200, { tokens: auth.listTokens(ws!).map(tokenView) })
      }
    },
    {
      method: 'DELETE',
      pattern: /^\/v1\/admin\/tokens\/(?<tokenId>[^/]+)$/,
      handler: async (req, res, { tokenId }) => {
        requireAdmin(req)
        if (auth.token(tokenId!) === undefined) throw new HttpError(404, `no token ${tokenId}`, "list a workspace's tokens with GET /v1/admin/workspaces/:ws/tokens")
        await answerRevocation(res, tokenId!)
      }
    }
  ]

  const blobTooLarge = (): HttpError => {
    metrics.refusals.incWith({ reason: 'blob_too_large' })
    return new HttpError(413, `the blob is larger than the server's limit of ${limits.maxBlobBytes} bytes`, 'store smaller files, or raise --max-blob-bytes', { Connection: 'close' })
  }

  const answerRevocation = async (res: ServerResponse, tokenId: string): Promise<void> => {
    const revoked = await deps.revokeToken(tokenId)
    if (revoked === undefined) throw new HttpError(404, `no token ${tokenId}`, 'check the token id')
    sendJson(res, 200, { tokenId, revokedAt: revoked.revokedAt, closedConnections: revoked.closedConnections })
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET')
    let allowed: string[] = []
    for (const route of routes) {
      const match = route.pattern.exec(path)
      if (match === null) continue
      if (route.method !== method) {
        allowed.push(route.method)
        continue
      }
      if (deps.health().shuttingDown && route.duringShutdown !== true) {
        metrics.refusals.incWith({ reason: 'shutting_down' })
        throw new HttpError(503, 'the server is shutting down', 'retry in a moment', { Connection: 'close' })
      }
      await route.handler(req, res, { ...match.groups })
      return
    }
    if (allowed.length > 0) {
      allowed = [...new Set(allowed.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])))]
      throw new HttpError(405, `${req.method} is not allowed here`, `use ${allowed.join(' or ')}`, { Allow: allowed.join(', ') })
    }
    throw new HttpError(404, `no route ${req.method} ${path}`, 'see docs/sync-protocol.md for the API')
  }

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!(error instanceof HttpError)) {
        metrics.errors.incWith({ kind: 'http' })
        logger.error('request failed', { method: req.method, url: req.url?.replace(/token=[^&]*/, 'token=...'), error })
      }
      if (res.headersSent) {
        res.destroy()
        return
      }
      sendError(res, error instanceof HttpError ? error : new HttpError(500, 'internal error', 'retry; if it persists, see the server log'))
    })
  }
}

function blobHash(value: string): string {
  if (!isSha256(value)) throw new HttpError(400, 'the blob name must be a sha256: 64 lowercase hex characters', 'name the blob by the sha256 of its bytes')
  return value
}

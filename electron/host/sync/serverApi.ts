/**
 * The sync server's workspace and token API (docs/sync-protocol.md, "HTTP API"), typed.
 * Every failure is a SyncServerError with the status, the server's `{ error, hint }` and what to do.
 */

import { z } from 'zod'
import { SyncServerError, errorFromResponse, request } from './httpError.ts'
import { apiUrl } from './serverUrl.ts'

const registeredSchema = z.object({
  workspaceId: z.string(),
  token: z.string(),
  tokenId: z.string(),
  role: z.literal('owner')
})
const inviteSchema = z.object({ code: z.string(), expiresAt: z.string(), maxUses: z.number() })
const joinedSchema = z.object({
  workspaceId: z.string(),
  workspaceName: z.string(),
  token: z.string(),
  tokenId: z.string(),
  role: z.literal('member')
})
const tokenInfoSchema = z.object({
  tokenId: z.string(),
  name: z.string(),
  role: z.enum(['owner', 'member']),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  connections: z.number()
})
const tokensSchema = z.object({ tokens: z.array(tokenInfoSchema) })
const revokedSchema = z.object({ tokenId: z.string(), revokedAt: z.string(), closedConnections: z.number() })

export type RegisteredWorkspace = z.infer<typeof registeredSchema>
export type Invite = z.infer<typeof inviteSchema>
export type JoinedWorkspace = z.infer<typeof joinedSchema>
export type TokenInfo = z.infer<typeof tokenInfoSchema>
export type RevokedToken = z.infer<typeof revokedSchema>

export interface RegisterWorkspaceInput {
  workspaceId: string
  name: string
  /** The owner's display name, which names the owner token in token lists. */
  ownerName: string
  /** The server's registration secret, when it requires one. */
  registrationSecret?: string
}

/** Registers a workspace on the server; the answer carries the owner token (keep it in device.json only). */
export function registerWorkspace(serverUrl: string, input: RegisterWorkspaceInput): Promise<RegisteredWorkspace> {
  const { registrationSecret, ...body } = input
  return callJson(`register workspace ${input.workspaceId}`, serverUrl, ['workspaces'], {
    method: 'POST',
    token: registrationSecret,
    body,
    schema: registeredSchema
  })
}

export interface InviteOptions {
  /** 1..1000; the server's default is 1. */
  maxUses?: number
  /** 1..720; the server's default is 168 (a week). */
  expiresInHours?: number
}

/** Mints an invite code (owner only). */
export function createInvite(serverUrl: string, ownerToken: string, workspaceId: string, options: InviteOptions = {}): Promise<Invite> {
  return callJson(`create an invite for workspace ${workspaceId}`, serverUrl, ['workspaces', workspaceId, 'invites'], {
    method: 'POST',
    token: ownerToken,
    body: options,
    schema: inviteSchema
  })
}

/** Trades an invite code for a member token. */
export function joinWithInvite(serverUrl: string, workspaceId: string, input: { code: string; name: string }): Promise<JoinedWorkspace> {
  return callJson(`join workspace ${workspaceId}`, serverUrl, ['workspaces', workspaceId, 'join'], {
    method: 'POST',
    body: input,
    schema: joinedSchema,
    hints: { 401: 'the invite code is unknown, used up or expired; ask an owner for a new one' }
  })
}

/** The workspace's tokens, revoked ones included (owner only). */
export async function listTokens(serverUrl: string, ownerToken: string, workspaceId: string): Promise<TokenInfo[]> {
  const answer = await callJson(`list the tokens of workspace ${workspaceId}`, serverUrl, ['workspaces', workspaceId, 'tokens'], {
    method: 'GET',
    token: ownerToken,
    schema: tokensSchema
  })
  return answer.tokens
}

/** Revokes a token; the server closes its live connections at once with 4401 (owner only). */
export function revokeToken(serverUrl: string, ownerToken: string, workspaceId: string, tokenId: string): Promise<RevokedToken> {
  return callJson(`revoke token ${tokenId} of workspace ${workspaceId}`, serverUrl, ['workspaces', workspaceId, 'tokens', tokenId], {
    method: 'DELETE',
    token: ownerToken,
    schema: revokedSchema
  })
}

interface Call<T> {
  method: 'GET' | 'POST' | 'DELETE'
  token?: string | undefined
  body?: unknown
  schema: z.ZodType<T>
  /** Our own hint per status, used when the server sends none. */
  hints?: Record<number, string>
}

async function callJson<T>(action: string, serverUrl: string, path: string[], call: Call<T>): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (call.token !== undefined) headers.authorization = `Bearer ${call.token}`
  if (call.body !== undefined) headers['content-type'] = 'application/json'
  const response = await request(action, apiUrl(serverUrl, ...path), {
    method: call.method,
    headers,
    body: call.body === undefined ? undefined : JSON.stringify(call.body)
  })
  if (!response.ok) {
    const error = await errorFromResponse(action, response)
    const ours = call.hints?.[response.status]
    throw ours !== undefined && error.serverError === undefined
      ? new SyncServerError(action, response.status, undefined, ours)
      : error
  }
  let body: unknown
  try {
    body = await response.json()
  } catch (error) {
    throw new SyncServerError(action, response.status, 'the answer is not JSON', 'check that the URL points at a Commons sync server', { cause: error })
  }
  const parsed = call.schema.safeParse(body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue === undefined ? '' : `${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`
    throw new SyncServerError(
      action,
      response.status,
      `unexpected answer (${field})`,
      'the server speaks another version of the protocol; update Commons or the server'
    )
  }
  return parsed.data
}

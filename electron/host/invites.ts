import { z } from 'zod'
import { CommonsError } from '../../shared/errors.ts'
import { isId } from '../../shared/ids.ts'

/**
 * An invite is everything another device needs to join a workspace, in one string a person can paste or
 * click: `commons://join/<base64url JSON>`. It carries the server's address and a one-time code, never a
 * token: the token is minted by the server when the code is redeemed.
 */
export interface Invite {
  server: string
  workspaceId: string
  workspaceName: string
  code: string
  expiresAt: string
}

const invitePrefix = 'commons://join/'

const inviteSchema = z.object({
  v: z.literal(1),
  server: z.url({ protocol: /^https?$/ }),
  workspaceId: z.string().refine((value) => isId(value, 'ws')),
  workspaceName: z.string(),
  code: z.string().min(8),
  expiresAt: z.string()
})

export function encodeInvite(invite: Invite): string {
  const json = JSON.stringify({ v: 1, ...invite })
  return invitePrefix + Buffer.from(json, 'utf8').toString('base64url')
}

export function decodeInvite(text: string): Invite {
  const trimmed = text.trim()
  const malformed = (why: string) =>
    new CommonsError('invalid-input', `this is not a Commons invite (${why})`, 'ask for a new invite: it starts with commons://join/')
  if (!trimmed.startsWith(invitePrefix)) throw malformed('it does not start with commons://join/')
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(trimmed.slice(invitePrefix.length), 'base64url').toString('utf8'))
  } catch {
    throw malformed('it was cut or changed')
  }
  const parsed = inviteSchema.safeParse(json)
  if (!parsed.success) throw malformed('it was cut or changed')
  const { v: _version, ...invite } = parsed.data
  return invite
}

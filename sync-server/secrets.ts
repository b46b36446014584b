/**
 * Token, invite and admin secrets: how they are minted, parsed, hashed and compared.
 *
 * A token is `cst_<tokenId>.<secret>` (docs/sync-protocol.md, "Tokens"); an invite code is
 * `inv_<26 base32>`; the admin token is `csa_<secret>`. Only sha256 hashes of the secret parts are
 * stored, and hashes are compared in constant time.
 */

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

const base32 = 'abcdefghijklmnopqrstuvwxyz234567'
const tokenPattern = /^cst_([a-z2-7]{16})\.([A-Za-z0-9_-]{43})$/
const tokenIdPattern = /^[a-z2-7]{16}$/

function randomBase32(length: number): string {
  let out = ''
  for (const byte of randomBytes(length)) out += base32[byte & 31]
  return out
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex')
}

/** Whether `value` hashes to `expectedHashHex`, in time that does not depend on where they differ. */
export function matchesHash(value: string, expectedHashHex: string): boolean {
  const actual = createHash('sha256').update(value, 'utf8').digest()
  const expected = Buffer.from(expectedHashHex, 'hex')
  return expected.length === actual.length && timingSafeEqual(actual, expected)
}

export interface MintedToken {
  token: string
  tokenId: string
  secretHash: string
}

export function mintToken(): MintedToken {
  const tokenId = randomBase32(16)
  const secret = randomBytes(32).toString('base64url')
  return { token: `cst_${tokenId}.${secret}`, tokenId, secretHash: sha256Hex(secret) }
}

export function parseToken(token: string): { tokenId: string; secret: string } | undefined {
  const match = tokenPattern.exec(token)
  if (match === null) return undefined
  return { tokenId: match[1]!, secret: match[2]! }
}

export function isTokenId(value: string): boolean {
  return tokenIdPattern.test(value)
}

export function mintInviteCode(): { code: string; codeHash: string } {
  const code = `inv_${randomBase32(26)}`
  return { code, codeHash: sha256Hex(code) }
}

export function mintAdminToken(): string {
  return `csa_${randomBytes(32).toString('base64url')}`
}

import { createHash, randomBytes } from 'node:crypto'

/**
 * JSON with object keys sorted, so two values that differ only in key order serialize (and hash) the same.
 * `undefined` members are dropped, as JSON.stringify drops them.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (typeof value !== 'object' || value === null) return value
  const sorted: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key]
    if (member !== undefined) sorted[key] = sortKeys(member)
  }
  return sorted
}

/** The fakes' token estimate: a quarter of the characters, rounded up. Strings count as their own text. */
export function estimateTokens(value: unknown): number {
  const text = typeof value === 'string' ? value : canonicalJson(value)
  return Math.ceil(text.length / 4)
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** An id shaped like the API's: prefix, then 24 base62-ish characters. */
export function fakeId(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  const bytes = randomBytes(24)
  let id = prefix
  for (const byte of bytes) id += alphabet[byte % alphabet.length]
  return id
}

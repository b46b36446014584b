/**
 * The bounds the server puts on what a client can send. Defaults and names follow the limits table of
 * docs/sync-protocol.md; the command line maps its flags and env onto these fields.
 */

export interface SyncServerLimits {
  /** Largest websocket frame; a larger one closes the connection with 1009. */
  maxFrameBytes: number
  /** Sustained messages per second per connection; the burst is two seconds' worth. */
  maxMessagesPerSecond: number
  /** Live connections one token may hold (one room each). */
  maxConnectionsPerToken: number
  /** A connection that sends nothing for this long is closed with 4508. */
  idleTimeoutSeconds: number
  /** Largest blob accepted by the blob endpoint. */
  maxBlobBytes: number
  /** A loaded doc with no connections is written out and dropped from memory after this long. */
  evictAfterSeconds: number
}

const MiB = 1024 * 1024

export const defaultLimits: Readonly<SyncServerLimits> = Object.freeze({
  maxFrameBytes: 8 * MiB,
  maxMessagesPerSecond: 200,
  maxConnectionsPerToken: 500,
  idleTimeoutSeconds: 90,
  maxBlobBytes: 100 * MiB,
  evictAfterSeconds: 30
})

/** The limits to run with: the defaults, overridden field by field. Throws on a value that is not a positive number. */
export function resolveLimits(overrides: Partial<SyncServerLimits> = {}): SyncServerLimits {
  const limits: SyncServerLimits = { ...defaultLimits }
  for (const key of Object.keys(defaultLimits) as Array<keyof SyncServerLimits>) {
    const value = overrides[key]
    if (value === undefined) continue
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new RangeError(`limit ${key} must be a positive number, got ${String(value)}`)
    }
    limits[key] = value
  }
  return limits
}

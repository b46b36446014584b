import { isPlainObject } from './http.ts'
import { canonicalJson, estimateTokens, sha256 } from './tokens.ts'

/**
 * Prompt caching, measured rather than assumed.
 *
 * A request's prompt is a list of segments in the API's prefix order: each tool, then each system block,
 * then each content block of each message. A `cache_control` marker on a segment is a breakpoint (the
 * top-level `cache_control` marks the last segment). At each breakpoint whose prefix reaches the
 * minimum size, the prefix (hashed, with the model) is remembered. A later request reads the longest
 * remembered prefix that it repeats exactly, looking at block boundaries up to LOOKBACK_BLOCKS before
 * each of its own breakpoints, as the API does; what it adds up to its last breakpoint is written.
 */

/** The API checks this many block boundaries before each breakpoint for an earlier cache entry. */
export const LOOKBACK_BLOCKS = 20

export interface PromptSegment {
  /** What the cache compares: the block without its cache_control, and where it sits. */
  key: unknown
  tokens: number
  /** Set when the block carries cache_control. */
  breakpoint?: { ttl: '5m' | '1h' }
}

export interface CacheUsage {
  input_tokens: number
  cache_read_input_tokens: number
  cache_creation_input_tokens: number
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number }
}

export interface CacheStats {
  /** Requests that read from the cache. */
  reads: number
  /** Requests that wrote to the cache. */
  writes: number
  readTokens: number
  writtenTokens: number
}

/** The request fields that make up the prompt; shapes are checked before this runs. */
export interface PromptFields {
  tools?: unknown
  system?: unknown
  messages?: unknown
  cache_control?: unknown
}

export function promptSegments(prompt: PromptFields): PromptSegment[] {
  const segments: PromptSegment[] = []
  const add = (block: unknown, where: Record<string, unknown>) => {
    const object: Record<string, unknown> = isPlainObject(block) ? block : { value: block }
    const { cache_control: cacheControl, ...rest } = object
    const key = { ...where, block: rest }
    segments.push({ key, tokens: estimateTokens(rest), ...breakpointOf(cacheControl) })
  }

  for (const tool of asArray(prompt.tools)) add(tool, { section: 'tools' })
  for (const block of textBlocks(prompt.system)) add(block, { section: 'system' })
  asArray(prompt.messages).forEach((message, index) => {
    if (!isPlainObject(message)) return
    for (const block of textBlocks(message['content'])) add(block, { section: 'messages', message: index, role: message['role'] })
  })

  const last = segments.at(-1)
  const automatic = breakpointOf(prompt.cache_control)
  if (last && automatic.breakpoint && !last.breakpoint) last.breakpoint = automatic.breakpoint
  return segments
}

/** Counts the breakpoints a request asks for (the API allows four). */
export function countBreakpoints(prompt: PromptFields): number {
  let count = 0
  for (const tool of asArray(prompt.tools)) if (hasCacheControl(tool)) count++
  for (const block of textBlocks(prompt.system)) if (hasCacheControl(block)) count++
  for (const message of asArray(prompt.messages)) {
    if (isPlainObject(message)) for (const block of textBlocks(message['content'])) if (hasCacheControl(block)) count++
  }
  if (isPlainObject(prompt.cache_control)) count++
  return count
}

export class PromptCache {
  readonly stats: CacheStats = { reads: 0, writes: 0, readTokens: 0, writtenTokens: 0 }
  readonly #minimumTokens: number
  /** prefix hash → tokens in that prefix */
  readonly #entries = new Map<string, number>()

  constructor(minimumCacheableTokens: number) {
    this.#minimumTokens = minimumCacheableTokens
  }

  /** Splits a request's input tokens into read, written and uncached, and remembers what it wrote. */
  account(model: string, segments: PromptSegment[]): CacheUsage {
    const hashes: string[] = []
    const prefixTokens: number[] = []
    let hash = sha256(canonicalJson({ model }))
    let total = 0
    for (const segment of segments) {
      hash = sha256(hash + canonicalJson(segment.key))
      total += segment.tokens
      hashes.push(hash)
      prefixTokens.push(total)
    }

    const breakpoints = segments.flatMap((segment, index) => (segment.breakpoint ? [index] : []))
    const readEnd = this.#longestCachedPrefix(hashes, breakpoints)
    const readTokens = readEnd < 0 ? 0 : (prefixTokens[readEnd] ?? 0)

    const lastBreakpoint = breakpoints.at(-1)
    let writtenTokens = 0
    if (lastBreakpoint !== undefined && (prefixTokens[lastBreakpoint] ?? 0) >= this.#minimumTokens) {
      for (const index of breakpoints) {
        const tokens = prefixTokens[index] ?? 0
        const prefixHash = hashes[index]
        if (tokens >= this.#minimumTokens && prefixHash !== undefined) this.#entries.set(prefixHash, tokens)
      }
      writtenTokens = Math.max(0, (prefixTokens[lastBreakpoint] ?? 0) - readTokens)
    }

    if (readTokens > 0) {
      this.stats.reads++
      this.stats.readTokens += readTokens
    }
    if (writtenTokens > 0) {
      this.stats.writes++
      this.stats.writtenTokens += writtenTokens
    }
    const ttl = lastBreakpoint === undefined ? '5m' : (segments[lastBreakpoint]?.breakpoint?.ttl ?? '5m')
    return {
      input_tokens: total - readTokens - writtenTokens,
      cache_read_input_tokens: readTokens,
      cache_creation_input_tokens: writtenTokens,
      cache_creation: {
        ephemeral_5m_input_tokens: ttl === '5m' ? writtenTokens : 0,
        ephemeral_1h_input_tokens: ttl === '1h' ? writtenTokens : 0
      }
    }
  }

  /** Index of the last segment of the longest remembered prefix within lookback reach; -1 if none. */
  #longestCachedPrefix(hashes: string[], breakpoints: number[]): number {
    let best = -1
    for (const breakpoint of breakpoints) {
      for (let index = breakpoint; index > best && index >= breakpoint - LOOKBACK_BLOCKS; index--) {
        const hash = hashes[index]
        if (hash !== undefined && this.#entries.has(hash)) {
          best = index
          break
        }
      }
    }
    return best
  }
}

function breakpointOf(cacheControl: unknown): Pick<PromptSegment, 'breakpoint'> {
  if (!isPlainObject(cacheControl)) return {}
  return { breakpoint: { ttl: cacheControl['ttl'] === '1h' ? '1h' : '5m' } }
}

function hasCacheControl(block: unknown): boolean {
  return isPlainObject(block) && block['cache_control'] !== undefined && block['cache_control'] !== null
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}

/** `content: "hi"` is shorthand for `[{ type: 'text', text: 'hi' }]`; both cache alike. */
function textBlocks(content: unknown): unknown[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }]
  return asArray(content)
}

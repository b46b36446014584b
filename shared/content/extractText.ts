/**
 * The text of a file, for search and for model context: text-like files only (plain text, markdown,
 * CSV, JSON, code and any other `text/*`), decoded as UTF-8 (or UTF-16 when a byte order mark says so),
 * JSON pretty-printed, capped in length. Binary files and other types have no text here.
 */

import { formatJson } from './jsonFormat.ts'
import { essenceOf, guessMimeType, isJsonMimeType, isTextMimeType, unknownMimeType } from './mimeTypes.ts'

export { guessMimeType } from './mimeTypes.ts'

export interface ExtractedText {
  text: string
  /** The file had more text than `maxLength`; `text` is its beginning. */
  truncated: boolean
}

export interface ExtractTextOptions {
  /** Longest text returned, in UTF-16 code units. */
  maxLength?: number
}

export const defaultMaxTextLength = 200_000

/** A NUL in the first bytes is the usual sign of a binary file (text has none). */
const binarySniffLength = 8192
/** Larger JSON is not parsed to be pretty-printed; its raw beginning is returned instead. */
const maxJsonFormatBytes = 16 * 1024 * 1024

export function extractText(name: string, mimeType: string, bytes: Uint8Array, options: ExtractTextOptions = {}): ExtractedText | null {
  const maxLength = Math.max(0, Math.floor(options.maxLength ?? defaultMaxTextLength))
  const kind = textKind(name, mimeType, bytes)
  if (kind === null) return null
  const encoding = encodingOf(bytes)
  if (encoding === 'utf-8' && bytes.subarray(0, binarySniffLength).includes(0)) return null

  const formatAsJson = kind === 'json' && bytes.length <= maxJsonFormatBytes
  // A UTF-16 code unit takes at least one byte of UTF-8 (two of UTF-16), so this many bytes always hold
  // more than maxLength units, plus a byte order mark and a sequence cut at the end.
  const enough = formatAsJson ? bytes.length : maxLength * 3 + 8
  let text = decode(bytes.subarray(0, enough), encoding)
  if (text === null) return null
  if (text.startsWith('\ufeff')) text = text.slice(1)
  if (formatAsJson) text = formatJson(text) ?? text
  if (text.length <= maxLength && enough >= bytes.length) return { text, truncated: false }
  if (text.length <= maxLength) return { text, truncated: true }
  return { text: cutAt(text, maxLength), truncated: true }
}

type TextKind = 'text' | 'json'

function textKind(name: string, mimeType: string, bytes: Uint8Array): TextKind | null {
  const declared = essenceOf(mimeType)
  const guessed = guessMimeType(name)
  if (isJsonMimeType(declared) || isJsonMimeType(guessed)) return 'json'
  // The name counts as much as the declared type: systems label `.ts` files as MPEG video, `.md` as
  // nothing at all.
  if (isTextMimeType(declared) || isTextMimeType(guessed)) return 'text'
  const nothingKnown = (declared === '' || declared === unknownMimeType) && guessed === unknownMimeType && !hasExtension(name)
  // README, LICENSE, Makefile: no extension, no type, but text when the bytes are valid UTF-8.
  return nothingKnown && looksLikeUtf8Text(bytes) ? 'text' : null
}

function hasExtension(name: string): boolean {
  const base = name.split(/[\\/]/).pop() ?? ''
  return base.lastIndexOf('.') > 0
}

function looksLikeUtf8Text(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, binarySniffLength)
  if (sample.includes(0)) return false
  try {
    // `stream` leaves a sequence cut by the sample's end undecided instead of calling it an error.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true })
    return true
  } catch {
    return false
  }
}

type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be'

function encodingOf(bytes: Uint8Array): Encoding {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le'
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be'
  return 'utf-8'
}

function decode(bytes: Uint8Array, encoding: Encoding): string | null {
  try {
    return new TextDecoder(encoding, { fatal: false }).decode(bytes)
  } catch {
    // A runtime without UTF-16 support.
    return null
  }
}

/** The first `length` code units, one fewer when that would split a surrogate pair. */
function cutAt(text: string, length: number): string {
  const last = text.charCodeAt(length - 1)
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? length - 1 : length)
}

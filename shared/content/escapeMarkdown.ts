/**
 * Writing literal text, code and link destinations as markdown that reads back as exactly that text.
 *
 * `readable` mode escapes only what markdown (as marked reads it) would take as syntax; `paranoid` mode
 * escapes every ASCII punctuation character, which CommonMark always allows, for the rare text the
 * readable rules get wrong.
 */

import { startsCharacterReference } from './htmlEntities.ts'

export type EscapeMode = 'readable' | 'paranoid'

export interface TextContext {
  mode: EscapeMode
  /** The text begins a markdown line, where `#`, `>`, `-`, `1.` and the like start blocks. */
  atLineStart: boolean
  /** The block spans several lines, so a `|` could start a table. */
  multiline: boolean
  /** The text is a link's text: marked misses a link whose text holds `\[a\](b)` with bare parentheses. */
  insideLink: boolean
}

const alwaysEscaped = new Set(['\\', '`', '*', '[', ']', '~'])
const blockStartChars = new Set(['#', '>', '-', '+', '='])
const asciiPunctuation = /[!-/:-@[-`{-~]/
const wordChar = /[\p{L}\p{N}]/u
const emailLocalChar = /[A-Za-z0-9._+-]/
const emailDomainChar = /[A-Za-z0-9_-]/
// GitHub-flavoured markdown turns these into links by themselves; a backslash keeps them text.
const autolinkSchemeBefore = /(?:https?|ftp|mailto|xmpp)$/i

export function escapeText(text: string, context: TextContext): string {
  const orderedMarkerEnd = context.atLineStart ? /^\d{1,9}(?=[.)])/.exec(text)?.[0].length : undefined
  let out = ''
  for (let index = 0; index < text.length; index++) {
    const char = text[index] as string
    const escape =
      context.mode === 'paranoid'
        ? asciiPunctuation.test(char)
        : needsEscape(text, index, context) || index === orderedMarkerEnd
    out += escape ? '\\' + char : char
  }
  return out
}

function needsEscape(text: string, index: number, context: TextContext): boolean {
  const char = text[index] as string
  if (alwaysEscaped.has(char)) return true
  if (index === 0 && context.atLineStart && blockStartChars.has(char)) return true
  switch (char) {
    case '_':
      return !isIntraword(text, index)
    case '<':
      // `<` followed by a space can open neither a tag nor an autolink.
      return index + 1 < text.length && !/\s/.test(text[index + 1] as string)
    case '|':
      return context.multiline
    case '(':
    case ')':
      return context.insideLink
    case '&':
      return startsCharacterReference(text, index)
    case ':':
      return autolinkSchemeBefore.test(text.slice(Math.max(0, index - 6), index))
    case '.':
      return index >= 3 && text.slice(index - 3, index) === 'www'
    case '@':
      return emailLocalChar.test(text[index - 1] ?? '') && emailDomainChar.test(text[index + 1] ?? '')
    default:
      return false
  }
}

/** An underscore run between two letters or digits (`snake_case`) cannot be emphasis. */
function isIntraword(text: string, index: number): boolean {
  let start = index
  let end = index + 1
  while (start > 0 && text[start - 1] === '_') start--
  while (end < text.length && text[end] === '_') end++
  return wordChar.test(text[start - 1] ?? '') && wordChar.test(text[end] ?? '')
}

/** A code span: backtick fence longer or shorter than any backtick run inside, padded where needed. */
export function codeSpan(text: string): string {
  const runLengths = new Set((text.match(/`+/g) ?? []).map((run) => run.length))
  let length = 1
  while (runLengths.has(length)) length++
  const fence = '`'.repeat(length)
  // Markdown strips one space from each side when both have one, and a backtick at an edge would
  // join the fence.
  const pad = text.startsWith('`') || text.endsWith('`') || (text.startsWith(' ') && text.endsWith(' ') && /[^ ]/.test(text))
  return pad ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`
}

/** The `(...)` part of an inline link. */
export function linkDestination(href: string): string {
  const safeAmpersands = escapeReferences(href)
  if (/[\s\x00-\x1f<>]/.test(href) || !balancedParentheses(href)) {
    return '<' + safeAmpersands.replace(/[\\<>]/g, '\\$&') + '>'
  }
  return safeAmpersands.replace(/[\\()]/g, '\\$&')
}

export type AutolinkStyle = 'angle' | 'bare'

/**
 * A link that shows its own address, written as markdown's `<https://example.com>` or as GitHub's bare
 * `https://example.com`; null when the link is not of that kind.
 */
export function autolink(text: string, href: string, style: AutolinkStyle): string | null {
  if (href.includes('&')) return null
  const isEmail = href === 'mailto:' + text
  if (style === 'angle') {
    if (text === href && /^[a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s\x00-\x1f<>]*$/.test(href)) return `<${href}>`
    if (isEmail && /^[a-zA-Z0-9.!#$%'*+/=?_`{|}~-]+@[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+$/.test(text)) return `<${text}>`
    return null
  }
  if (text === href && /^(?:https?|ftp):\/\/[^\s<]+$/i.test(href)) return text
  if (href === 'http://' + text && /^www\.[^\s<]+$/.test(text)) return text
  if (isEmail && /^[A-Za-z0-9._+-]+@[a-zA-Z0-9_-]+(?:\.[a-zA-Z0-9_-]*[a-zA-Z0-9])+$/.test(text)) return text
  return null
}

function balancedParentheses(text: string): boolean {
  let depth = 0
  for (const char of text) {
    if (char === '(') depth++
    else if (char === ')' && --depth < 0) return false
  }
  return depth === 0
}

/** Markdown decodes `&amp;` in a destination; writing `&` as `&amp;` there keeps such text literal. */
function escapeReferences(text: string): string {
  let out = ''
  for (let index = 0; index < text.length; index++) {
    out += text[index] === '&' && startsCharacterReference(text, index) ? '&amp;' : text[index]
  }
  return out
}

/** The fences of a code block: longer than any run of the fence character inside. */
export function codeFence(text: string, language: string | null): { open: string; close: string } {
  const char = language?.includes('`') ? '~' : '`'
  const runs = text.match(char === '`' ? /`+/g : /~+/g) ?? []
  const longestRun = runs.reduce((longest, run) => Math.max(longest, run.length), 0)
  const fence = char.repeat(Math.max(3, longestRun + 1))
  // marked removes a backslash before punctuation in the info string, so backslashes are doubled.
  const info = language === null ? '' : language.replace(/[\r\n]+/g, ' ').trim().replace(/\\/g, '\\\\')
  return { open: fence + info, close: fence }
}

/**
 * marked's inline tokens to inline items. What the editor has no mark for (images, inline HTML, task
 * checkboxes) stays as its markdown source text, so nothing written is lost.
 */

import type { MarkedToken, Token, Tokens } from 'marked'
import { decodeCharacterReferences } from './htmlEntities.ts'
import { cleanMarks, type InlineItem, type InlineMarks } from './inlineContent.ts'

export function inlineTokensToItems(tokens: readonly Token[], marks: InlineMarks = {}): InlineItem[] {
  const out: InlineItem[] = []
  const text = (value: string, withMarks: InlineMarks = marks) => {
    if (value !== '') out.push({ kind: 'text', text: value, marks: cleanMarks(withMarks) })
  }
  for (const generic of tokens) {
    const token = generic as MarkedToken
    switch (token.type) {
      case 'text':
        if (token.tokens !== undefined && token.tokens.length > 0) out.push(...inlineTokensToItems(token.tokens, marks))
        else text(softBreaksToSpaces(decodeCharacterReferences(token.text)))
        break
      case 'escape':
        text(token.text)
        break
      case 'strong':
        out.push(...inlineTokensToItems(token.tokens, { ...marks, bold: true }))
        break
      case 'em':
        out.push(...inlineTokensToItems(token.tokens, { ...marks, italic: true }))
        break
      case 'del':
        out.push(...inlineTokensToItems(token.tokens, { ...marks, strike: true }))
        break
      case 'codespan':
        // Code spans are literal: no character references, no escapes.
        text(token.text, { ...marks, code: true })
        break
      case 'link':
        out.push(...inlineTokensToItems(token.tokens, { ...marks, link: decodeCharacterReferences(token.href) }))
        break
      case 'br':
        out.push({ kind: 'break' })
        break
      case 'checkbox':
        text(token.checked ? '[x] ' : '[ ] ')
        break
      case 'image':
      case 'html':
        text(softBreaksToSpaces(token.raw))
        break
      default:
        out.push(...unknownTokenToItems(generic as Tokens.Generic, marks))
    }
  }
  return out
}

function unknownTokenToItems(token: Tokens.Generic, marks: InlineMarks): InlineItem[] {
  if (Array.isArray(token.tokens) && token.tokens.length > 0) return inlineTokensToItems(token.tokens, marks)
  const raw = typeof token.raw === 'string' ? token.raw : ''
  return raw === '' ? [] : [{ kind: 'text', text: softBreaksToSpaces(raw), marks: cleanMarks(marks) }]
}

/** A newline inside a markdown paragraph is a soft break: it reads as a space. */
function softBreaksToSpaces(text: string): string {
  return text.includes('\n') ? text.replace(/[ \t]*\n[ \t]*/g, ' ') : text
}

/**
 * A document's blocks as plain data: what markdown import builds before writing to Yjs, and what
 * markdown and plain-text export read from Yjs. Node names are TipTap StarterKit's, as y-prosemirror
 * stores them in `doc.getXmlFragment('default')`.
 */

import type { InlineItem } from './inlineContent.ts'

export type Block =
  | { type: 'paragraph'; content: InlineItem[] }
  | { type: 'heading'; level: HeadingLevel; content: InlineItem[] }
  | { type: 'codeBlock'; language: string | null; text: string }
  | { type: 'blockquote'; children: Block[] }
  | { type: 'bulletList'; items: ListItem[] }
  | { type: 'orderedList'; start: number; items: ListItem[] }
  | { type: 'horizontalRule' }

/** A list item's blocks. The editor's schema wants a paragraph first (`paragraph block*`). */
export type ListItem = Block[]

export type HeadingLevel = 1 | 2 | 3 | 4 | 5 | 6

export function toHeadingLevel(value: unknown): HeadingLevel {
  const level = typeof value === 'number' ? value : Number.parseInt(String(value), 10)
  if (!Number.isFinite(level)) return 1
  return Math.min(6, Math.max(1, Math.trunc(level))) as HeadingLevel
}

/** The node and mark names y-prosemirror writes for TipTap's StarterKit. */
export const nodeNames = {
  paragraph: 'paragraph',
  heading: 'heading',
  codeBlock: 'codeBlock',
  blockquote: 'blockquote',
  bulletList: 'bulletList',
  orderedList: 'orderedList',
  listItem: 'listItem',
  horizontalRule: 'horizontalRule',
  hardBreak: 'hardBreak'
} as const

export function emptyParagraph(): Block {
  return { type: 'paragraph', content: [] }
}

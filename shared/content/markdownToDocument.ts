/**
 * Markdown into a document's Y.XmlFragment, in the shape TipTap's StarterKit (through y-prosemirror)
 * reads. What StarterKit cannot show (tables, HTML, images, task boxes) becomes plain paragraph text:
 * nothing that was written is lost, and nothing throws.
 *
 * The result always fits the editor's schema, because y-prosemirror deletes from the shared doc any
 * element that does not: list items start with a paragraph, containers are never empty, code blocks
 * hold plain text only.
 */

import type * as Y from 'yjs'
import type { MarkedToken, Token, Tokens } from 'marked'
import { emptyParagraph, toHeadingLevel, type Block, type ListItem } from './documentModel.ts'
import { inlineTokensToItems } from './inlineFromMarkdown.ts'
import { normalizeInline, type InlineItem } from './inlineContent.ts'
import { lexMarkdown } from './markdownLexer.ts'
import { blocksToYElements } from './yDocument.ts'

/** Appends the markdown's blocks to the fragment. Callers wrap this in a transaction. */
export function writeMarkdownToFragment(markdown: string, fragment: Y.XmlFragment): void {
  const blocks = markdownToBlocks(markdown)
  if (blocks.length > 0) fragment.insert(fragment.length, blocksToYElements(blocks))
}

export function markdownToBlocks(markdown: string): Block[] {
  try {
    return tokensToBlocks(lexMarkdown(markdown), 0)
  } catch {
    // marked gives up on some pathological input (and deep nesting can exhaust the stack): keep the
    // text, paragraph by paragraph.
    return plainTextToBlocks(markdown)
  }
}

// Deeper than this, nested quotes and lists are flattened into text (the editor cannot show it usefully,
// and recursion must stay well inside the stack).
const maxDepth = 40

function tokensToBlocks(tokens: readonly Token[], depth: number): Block[] {
  const blocks: Block[] = []
  // A task item's box comes as a token of its own, before the item's text: it joins that text.
  let checkbox: InlineItem[] = []
  // Text that normalizes to nothing (a lone `&nbsp;`) makes no paragraph: markdown could not say it again.
  const addParagraph = (items: InlineItem[]) => {
    blocks.push(...paragraphOf([...checkbox, ...items]))
    checkbox = []
  }
  for (const generic of tokens) {
    if (depth >= maxDepth) {
      blocks.push(...plainTextToBlocks(generic.raw))
      continue
    }
    const token = generic as MarkedToken
    switch (token.type) {
      case 'space':
      case 'def': // a link reference definition: its link was resolved where it is used
        break
      case 'paragraph':
        addParagraph(inlineTokensToItems(token.tokens))
        break
      case 'text':
        // A tight list item's text.
        addParagraph(token.tokens !== undefined ? inlineTokensToItems(token.tokens) : textItems(token.text))
        break
      case 'heading':
        blocks.push({ type: 'heading', level: toHeadingLevel(token.depth), content: normalizeInline(inlineTokensToItems(token.tokens), { allowBreaks: false }) })
        break
      case 'code':
        blocks.push({ type: 'codeBlock', language: codeLanguage(token), text: token.text.replace(/\n+$/, '') })
        break
      case 'blockquote':
        blocks.push({ type: 'blockquote', children: nonEmpty(tokensToBlocks(token.tokens, depth + 1)) })
        break
      case 'list':
        blocks.push(listBlock(token, depth))
        break
      case 'hr':
        blocks.push({ type: 'horizontalRule' })
        break
      case 'checkbox':
        checkbox = textItems(token.checked ? '[x] ' : '[ ] ')
        break
      case 'table':
        blocks.push(...tableToParagraphs(token))
        break
      case 'html':
        blocks.push(...plainTextToBlocks(token.text))
        break
      default:
        blocks.push(...unknownBlockToBlocks(generic as Tokens.Generic))
    }
  }
  if (checkbox.length > 0) addParagraph([])
  return blocks
}

/** A paragraph of the items, or none when they normalize to nothing. */
function paragraphOf(items: InlineItem[]): Block[] {
  const content = normalizeInline(items, { allowBreaks: true })
  return content.length > 0 ? [{ type: 'paragraph', content }] : []
}

function textItems(text: string): InlineItem[] {
  return text === '' ? [] : [{ kind: 'text', text, marks: {} }]
}

function codeLanguage(token: Tokens.Code): string | null {
  if (token.codeBlockStyle === 'indented') return null
  const language = token.lang?.trim() ?? ''
  return language === '' ? null : language
}

function listBlock(token: Tokens.List, depth: number): Block {
  const items = token.items.map((item) => listItem(item, depth + 1))
  if (!token.ordered) return { type: 'bulletList', items }
  const start = typeof token.start === 'number' && Number.isSafeInteger(token.start) ? token.start : 1
  return { type: 'orderedList', start, items }
}

function listItem(token: Tokens.ListItem, depth: number): ListItem {
  const blocks = tokensToBlocks(token.tokens, depth)
  // The editor's list item is `paragraph block*`.
  if (blocks[0]?.type !== 'paragraph') blocks.unshift(emptyParagraph())
  return blocks
}

function nonEmpty(blocks: Block[]): Block[] {
  return blocks.length > 0 ? blocks : [emptyParagraph()]
}

/** A table degrades to one paragraph per row, cells separated by ` | `, their formatting kept. */
function tableToParagraphs(token: Tokens.Table): Block[] {
  return [token.header, ...token.rows].flatMap((cells) => {
    const items: InlineItem[] = []
    cells.forEach((cell, index) => {
      if (index > 0) items.push({ kind: 'text', text: ' | ', marks: {} })
      items.push(...inlineTokensToItems(cell.tokens))
    })
    return paragraphOf(items)
  })
}

function unknownBlockToBlocks(token: Tokens.Generic): Block[] {
  if (Array.isArray(token.tokens) && token.tokens.length > 0) return paragraphOf(inlineTokensToItems(token.tokens))
  return plainTextToBlocks(typeof token.raw === 'string' ? token.raw : '')
}

/** Text as paragraphs: blank lines separate paragraphs, single newlines become hard breaks. */
function plainTextToBlocks(text: string): Block[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .flatMap((chunk) => paragraphOf(textItems(chunk)))
}

/**
 * A document's Y.XmlFragment as markdown, the inverse of `writeMarkdownToFragment`: importing the
 * markdown gives the same document again, up to what markdown cannot say (empty paragraphs, trailing
 * blank lines in code, whitespace at line edges, the rare mark that cannot be delimited), and exporting
 * that gives the same markdown.
 */

import type * as Y from 'yjs'
import type { Block, ListItem } from './documentModel.ts'
import { codeFence } from './escapeMarkdown.ts'
import { inlineToMarkdown } from './inlineToMarkdown.ts'
import { yChildrenToBlocks } from './yDocument.ts'

export { fragmentToPlainText } from './documentToPlainText.ts'

export function fragmentToMarkdown(fragment: Y.XmlFragment): string {
  return blocksToMarkdown(yChildrenToBlocks(fragment.toArray()))
}

export function blocksToMarkdown(blocks: readonly Block[]): string {
  const markdown = renderSequence(blocks)
  return markdown === '' ? '' : markdown + '\n'
}

interface Rendered {
  block: Block
  markdown: string
  /** A list written with the other marker (`*`, `1)`). */
  alternateMarker: boolean
}

/** Blocks separated by blank lines; empty paragraphs, which markdown cannot hold, are left out. */
function renderSequence(blocks: readonly Block[]): string {
  return renderBlocks(blocks)
    .map((rendered) => rendered.markdown)
    .join('\n\n')
}

function renderBlocks(blocks: readonly Block[]): Rendered[] {
  const out: Rendered[] = []
  for (const block of blocks) {
    const previous = out.at(-1)
    // Two lists of one kind in a row would read as one list, unless their markers differ.
    const isList = block.type === 'bulletList' || block.type === 'orderedList'
    const alternateMarker = isList && previous?.block.type === block.type && !previous.alternateMarker
    const markdown = renderBlock(block, alternateMarker)
    if (markdown !== '') out.push({ block, markdown, alternateMarker })
  }
  return out
}

function renderBlock(block: Block, alternateMarker: boolean): string {
  switch (block.type) {
    case 'paragraph':
      return inlineToMarkdown(block.content, 'paragraph')
    case 'heading': {
      const hashes = '#'.repeat(block.level)
      const text = inlineToMarkdown(block.content, 'heading')
      return text === '' ? hashes : `${hashes} ${text}`
    }
    case 'codeBlock': {
      const text = block.text.replace(/\n+$/, '')
      const { open, close } = codeFence(text, block.language)
      return text === '' ? `${open}\n${close}` : `${open}\n${text}\n${close}`
    }
    case 'blockquote': {
      const inner = renderSequence(block.children)
      return inner === '' ? '>' : prefixLines(inner, '> ', '>')
    }
    case 'bulletList':
    case 'orderedList': {
      if (block.items.length === 0) return ''
      return block.items
        .map((item, index) => renderListItem(item, listMarker(block, index, alternateMarker)))
        .join('\n')
    }
    case 'horizontalRule':
      return '---'
  }
}

function listMarker(block: Block & { type: 'bulletList' | 'orderedList' }, index: number, alternate: boolean): string {
  if (block.type === 'bulletList') return alternate ? '*' : '-'
  // Markdown list numbers have at most nine digits.
  const number = Math.min(block.start + index, 999_999_999)
  return `${number}${alternate ? ')' : '.'}`
}

function renderListItem(item: ListItem, marker: string): string {
  const rendered = renderBlocks(item)
  if (rendered.length === 0) return marker
  const indent = ' '.repeat(marker.length + 1)
  let body = ''
  rendered.forEach((current, index) => {
    const previous = rendered[index - 1]
    if (previous !== undefined) body += joinsTightly(previous, current) ? '\n' : '\n\n'
    body += current.markdown
  })
  // `- ---` would be a rule, not an item holding one; such a first block starts on the next line.
  const first = rendered[0]
  if (first?.block.type === 'horizontalRule') return `${marker}\n${prefixLines(body, indent, '')}`
  return marker + ' ' + prefixLines(body, indent, '').slice(indent.length)
}

/**
 * A paragraph followed by a nested list needs no blank line between them (`- a` / `  - b`), when the
 * list can interrupt a paragraph: a bullet, or a number 1, with text after the marker. Otherwise the
 * list's first line would continue the paragraph or underline it as a heading.
 */
function joinsTightly(previous: Rendered, current: Rendered): boolean {
  if (previous.block.type !== 'paragraph') return false
  if (current.block.type !== 'bulletList' && current.block.type !== 'orderedList') return false
  return /^(?:[-*]|1[.)]) \S/.test(current.markdown)
}

function prefixLines(text: string, prefix: string, emptyLinePrefix: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? emptyLinePrefix : prefix + line))
    .join('\n')
}

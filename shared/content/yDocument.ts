/**
 * Blocks to and from y-prosemirror's representation in a Y.XmlFragment.
 *
 * y-prosemirror stores a ProseMirror node as a Y.XmlElement named after the node type, with the node's
 * non-null attrs as attributes; a run of text as a Y.XmlText whose formatting attributes are the marks
 * (mark name → mark attrs, e.g. `bold: {}`, `link: { href }`); other inline nodes (`hardBreak`) as
 * elements between the texts.
 */

import * as Y from 'yjs'
import { emptyParagraph, nodeNames, toHeadingLevel, type Block, type ListItem } from './documentModel.ts'
import type { InlineItem, InlineMarks } from './inlineContent.ts'

type Attributes = Record<string, string | number>
type YChild = Y.XmlElement | Y.XmlText | Y.XmlHook

// ---- writing ----

export function blocksToYElements(blocks: readonly Block[]): Y.XmlElement[] {
  return blocks.map(blockToYElement)
}

function blockToYElement(block: Block): Y.XmlElement {
  switch (block.type) {
    case 'paragraph':
      return element(nodeNames.paragraph, {}, inlineToYChildren(block.content))
    case 'heading':
      return element(nodeNames.heading, { level: block.level }, inlineToYChildren(block.content))
    case 'codeBlock': {
      const attributes: Attributes = block.language === null ? {} : { language: block.language }
      return element(nodeNames.codeBlock, attributes, block.text === '' ? [] : [yText([[block.text, {}]])])
    }
    case 'blockquote':
      return element(nodeNames.blockquote, {}, blocksToYElements(block.children))
    case 'bulletList':
      return element(nodeNames.bulletList, {}, block.items.map(listItemToYElement))
    case 'orderedList':
      return element(nodeNames.orderedList, { start: block.start }, block.items.map(listItemToYElement))
    case 'horizontalRule':
      return element(nodeNames.horizontalRule, {}, [])
  }
}

function listItemToYElement(item: ListItem): Y.XmlElement {
  return element(nodeNames.listItem, {}, blocksToYElements(item))
}

function element(name: string, attributes: Attributes, children: Array<Y.XmlElement | Y.XmlText>): Y.XmlElement {
  const node = new Y.XmlElement<Attributes>(name)
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value)
  if (children.length > 0) node.insert(0, children)
  return node as unknown as Y.XmlElement
}

/** Neighbouring text items share one Y.XmlText, as y-prosemirror writes them. */
function inlineToYChildren(items: readonly InlineItem[]): Array<Y.XmlElement | Y.XmlText> {
  const children: Array<Y.XmlElement | Y.XmlText> = []
  let pending: Array<[string, Record<string, object>]> = []
  const flush = () => {
    if (pending.length > 0) children.push(yText(pending))
    pending = []
  }
  for (const item of items) {
    if (item.kind === 'break') {
      flush()
      children.push(new Y.XmlElement(nodeNames.hardBreak))
    } else if (item.text !== '') {
      pending.push([item.text, marksToAttributes(item.marks)])
    }
  }
  flush()
  return children
}

function yText(runs: Array<[string, Record<string, object>]>): Y.XmlText {
  const text = new Y.XmlText()
  let offset = 0
  for (const [value, attributes] of runs) {
    // Attributes are always given, so a run never inherits the marks of the run before it.
    text.insert(offset, value, attributes)
    offset += value.length
  }
  return text
}

function marksToAttributes(marks: InlineMarks): Record<string, object> {
  const attributes: Record<string, object> = {}
  if (marks.bold) attributes.bold = {}
  if (marks.italic) attributes.italic = {}
  if (marks.strike) attributes.strike = {}
  if (marks.code) attributes.code = {}
  if (marks.link !== undefined) attributes.link = { href: marks.link }
  return attributes
}

// ---- reading ----

/**
 * The fragment's blocks. Anything the editor of today would not write (unknown node types, text directly
 * in a container) is read as well as it can be rather than dropped: an unknown element holding text
 * reads as a paragraph, one holding elements as the blocks inside it.
 */
export function yChildrenToBlocks(children: readonly YChild[]): Block[] {
  const blocks: Block[] = []
  for (const child of children) {
    if (child instanceof Y.XmlText) {
      blocks.push({ type: 'paragraph', content: yTextToInline(child) })
      continue
    }
    if (!(child instanceof Y.XmlElement)) continue
    blocks.push(...yElementToBlocks(child))
  }
  return blocks
}

function yElementToBlocks(node: Y.XmlElement): Block[] {
  const children = node.toArray()
  switch (node.nodeName) {
    case nodeNames.paragraph:
      return [{ type: 'paragraph', content: yChildrenToInline(children) }]
    case nodeNames.heading:
      return [{ type: 'heading', level: toHeadingLevel(node.getAttribute('level')), content: yChildrenToInline(children) }]
    case nodeNames.codeBlock:
      return [{ type: 'codeBlock', language: languageAttribute(node), text: plainText(children) }]
    case nodeNames.blockquote:
      return [{ type: 'blockquote', children: yChildrenToBlocks(children) }]
    case nodeNames.bulletList:
      return [{ type: 'bulletList', items: children.map(yChildToListItem) }]
    case nodeNames.orderedList:
      return [{ type: 'orderedList', start: startAttribute(node), items: children.map(yChildToListItem) }]
    case nodeNames.horizontalRule:
      return [{ type: 'horizontalRule' }]
    case nodeNames.hardBreak:
      return []
    default:
      return children.some((child) => child instanceof Y.XmlText)
        ? [{ type: 'paragraph', content: yChildrenToInline(children) }]
        : yChildrenToBlocks(children)
  }
}

function yChildToListItem(child: YChild): ListItem {
  if (child instanceof Y.XmlElement && child.nodeName === nodeNames.listItem) return yChildrenToBlocks(child.toArray())
  const blocks = yChildrenToBlocks([child])
  return blocks.length > 0 ? blocks : [emptyParagraph()]
}

function languageAttribute(node: Y.XmlElement): string | null {
  const language: unknown = node.getAttribute('language')
  return typeof language === 'string' && language.trim() !== '' ? language : null
}

function startAttribute(node: Y.XmlElement): number {
  const start = Number(node.getAttribute('start') as unknown)
  return Number.isSafeInteger(start) && start >= 0 ? start : 1
}

function yChildrenToInline(children: readonly YChild[]): InlineItem[] {
  const items: InlineItem[] = []
  for (const child of children) {
    if (child instanceof Y.XmlText) items.push(...yTextToInline(child))
    else if (child instanceof Y.XmlElement && child.nodeName === nodeNames.hardBreak) items.push({ kind: 'break' })
    else if (child instanceof Y.XmlElement) {
      // An inline node the editor of today does not have (a mention, an image): keep its text.
      const text = plainText(child.toArray())
      if (text !== '') items.push({ kind: 'text', text, marks: {} })
    }
  }
  return items
}

interface DeltaOp {
  insert?: unknown
  attributes?: Record<string, unknown>
}

function yTextToInline(text: Y.XmlText): InlineItem[] {
  const items: InlineItem[] = []
  for (const op of text.toDelta() as DeltaOp[]) {
    if (typeof op.insert !== 'string' || op.insert === '') continue
    items.push({ kind: 'text', text: op.insert, marks: attributesToMarks(op.attributes) })
  }
  return items
}

function attributesToMarks(attributes: Record<string, unknown> | undefined): InlineMarks {
  const marks: InlineMarks = {}
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined) continue
    // y-prosemirror suffixes marks that may overlap themselves with `--<hash>`.
    switch (key.split('--')[0]) {
      case 'bold':
        marks.bold = true
        break
      case 'italic':
        marks.italic = true
        break
      case 'strike':
        marks.strike = true
        break
      case 'code':
        marks.code = true
        break
      case 'link': {
        const href = (value as { href?: unknown }).href
        if (typeof href === 'string') marks.link = href
        break
      }
    }
  }
  return marks
}

/** The text inside, with hard breaks as newlines and marks ignored (code blocks, unknown nodes). */
function plainText(children: readonly YChild[]): string {
  let out = ''
  for (const child of children) {
    if (child instanceof Y.XmlText) {
      for (const op of child.toDelta() as DeltaOp[]) if (typeof op.insert === 'string') out += op.insert
    } else if (child instanceof Y.XmlElement) {
      out += child.nodeName === nodeNames.hardBreak ? '\n' : plainText(child.toArray())
    }
  }
  return out
}

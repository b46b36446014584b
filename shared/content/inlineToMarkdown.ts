/**
 * Inline items to markdown: the text of one paragraph or heading.
 *
 * Markdown cannot say everything a rich-text editor can: `**` does not open emphasis after a letter
 * when punctuation follows (`a**.b**`), neighbouring delimiters can pair up other than meant, and so
 * on. Rather than encode every such rule, each result is read back with the lexer the import uses. When
 * it does not read back as the content it was made from, other ways of writing it are tried (`__` for
 * `**`, more escapes); when none works, marks that cannot be written are left out (the text always
 * stays). Export then import is therefore exact up to those marks, and exporting again gives the same
 * markdown.
 */

import type { Token, Tokens } from 'marked'
import { autolink, codeSpan, escapeText, linkDestination, type AutolinkStyle, type EscapeMode } from './escapeMarkdown.ts'
import { inlineTokensToItems } from './inlineFromMarkdown.ts'
import {
  delimiterMarkNames,
  markNames,
  normalizeInline,
  sameInlineItems,
  type InlineItem,
  type InlineMarks,
  type InlineTextItem
} from './inlineContent.ts'
import { lexMarkdown } from './markdownLexer.ts'

export type TextBlockKind = 'paragraph' | 'heading'

export function inlineToMarkdown(items: readonly InlineItem[], block: TextBlockKind): string {
  const content = normalizeInline(items, { allowBreaks: block === 'paragraph' })
  if (content.length === 0) return ''
  const modes = ['readable', 'paranoid'] as const
  for (const mode of modes) {
    for (const variant of variantsFor(content)) {
      const markdown = render(content, { mode, ...variant }, block)
      if (readsBackAs(markdown, content, block)) return markdown
    }
  }
  // Nothing says it all: say as much as can be said.
  for (const mode of modes) {
    const reduced = renderWithWritableMarks(content, { mode, ...defaultVariant }, block)
    if (reduced !== null) return reduced
  }
  return render(withSpans(content, []), { mode: 'paranoid', ...defaultVariant }, block)
}

/** Ways of writing the same marks. */
interface Variant {
  bold: '**' | '__'
  italic: '*' | '_'
  autolinks: AutolinkStyle
}

interface Style extends Variant {
  mode: EscapeMode
}

const defaultVariant: Variant = { bold: '**', italic: '*', autolinks: 'angle' }

/**
 * Where one way of writing fails another may not: `**a***b*` does not read as bold a then italic b, but
 * `__a__*b*` does; `x*<a@b.c>*` is no emphasis, `x*a@b.c*` is.
 */
function variantsFor(content: readonly InlineItem[]): Variant[] {
  const hasEmphasis = content.some((item) => item.kind === 'text' && (item.marks.bold || item.marks.italic))
  const hasLinks = content.some((item) => item.kind === 'text' && item.marks.link !== undefined)
  const variants: Variant[] = []
  for (const [bold, italic] of hasEmphasis ? emphasisPairs : emphasisPairs.slice(0, 1)) {
    for (const autolinks of hasLinks ? autolinkStyles : autolinkStyles.slice(0, 1)) variants.push({ bold, italic, autolinks })
  }
  return variants
}

const emphasisPairs: Array<[Variant['bold'], Variant['italic']]> = [
  ['**', '*'],
  ['__', '*'],
  ['**', '_'],
  ['__', '_']
]
const autolinkStyles: AutolinkStyle[] = ['angle', 'bare']

type DelimiterMark = { name: (typeof delimiterMarkNames)[number] } | { name: 'link'; href: string }

const nestingOrder: DelimiterMark['name'][] = ['link', 'bold', 'italic', 'strike']

function render(items: readonly InlineItem[], style: Style, block: TextBlockKind): string {
  const multiline = items.some((item) => item.kind === 'break')
  const delimiter = (mark: DelimiterMark) => (mark.name === 'link' ? '[' : mark.name === 'strike' ? '~~' : style[mark.name])
  const open: DelimiterMark[] = []
  let out = ''
  let lineStarted = false
  const closeDownTo = (depth: number) => {
    while (open.length > depth) {
      const mark = open.pop() as DelimiterMark
      out += mark.name === 'link' ? `](${linkDestination(mark.href)})` : delimiter(mark)
    }
  }
  items.forEach((item, index) => {
    if (item.kind === 'break') {
      closeDownTo(0)
      out += '\\\n'
      lineStarted = false
      return
    }
    const asAutolink = autolinkAt(items, index, style.autolinks)
    const wanted = delimiterMarks(item.marks, asAutolink !== null)
    let keep = 0
    while (keep < open.length && wanted.some((mark) => sameDelimiter(mark, open[keep] as DelimiterMark))) keep++
    closeDownTo(keep)
    // Marks that go on longer open first, so they enclose the shorter ones.
    const toOpen = wanted
      .filter((mark) => !open.some((o) => sameDelimiter(o, mark)))
      .sort((a, b) => extent(items, index, b) - extent(items, index, a) || nestingOrder.indexOf(a.name) - nestingOrder.indexOf(b.name))
    for (const mark of toOpen) {
      // `![` would start an image.
      if (mark.name === 'link' && endsWithUnescaped(out, '!')) out = out.slice(0, -1) + '\\!'
      out += delimiter(mark)
      open.push(mark)
      lineStarted = true
    }
    if (asAutolink !== null) out += asAutolink
    else if (item.marks.code) out += codeSpan(item.text)
    else out += escapeText(item.text, { mode: style.mode, atLineStart: !lineStarted, multiline, insideLink: open.some((mark) => mark.name === 'link') })
    lineStarted = true
  })
  closeDownTo(0)
  return block === 'heading' ? protectClosingHashes(out) : out
}

function endsWithUnescaped(markdown: string, char: string): boolean {
  if (!markdown.endsWith(char)) return false
  let backslashes = 0
  while (markdown[markdown.length - 2 - backslashes] === '\\') backslashes++
  return backslashes % 2 === 0
}

function delimiterMarks(marks: InlineMarks, linkWrittenAsAutolink: boolean): DelimiterMark[] {
  const out: DelimiterMark[] = []
  if (marks.link !== undefined && !linkWrittenAsAutolink) out.push({ name: 'link', href: marks.link })
  for (const name of delimiterMarkNames) if (marks[name]) out.push({ name })
  return out
}

function sameDelimiter(a: DelimiterMark, b: DelimiterMark): boolean {
  if (a.name === 'link' || b.name === 'link') return a.name === b.name && (a as { href: string }).href === (b as { href: string }).href
  return a.name === b.name
}

function hasDelimiter(item: InlineItem | undefined, mark: DelimiterMark): boolean {
  if (item?.kind !== 'text') return false
  return mark.name === 'link' ? item.marks.link === mark.href : item.marks[mark.name] === true
}

/** How many items, from `index` on, carry `mark` without a gap. */
function extent(items: readonly InlineItem[], index: number, mark: DelimiterMark): number {
  let end = index
  while (hasDelimiter(items[end], mark)) end++
  return end - index
}

/** A link item that is a whole link showing its own address, written as an autolink. */
function autolinkAt(items: readonly InlineItem[], index: number, style: AutolinkStyle): string | null {
  const item = items[index]
  if (item?.kind !== 'text' || item.marks.link === undefined || item.marks.code) return null
  const link: DelimiterMark = { name: 'link', href: item.marks.link }
  if (hasDelimiter(items[index - 1], link) || hasDelimiter(items[index + 1], link)) return null
  return autolink(item.text, item.marks.link, style)
}

/** A heading's trailing `#`s would be read as its closing sequence. */
function protectClosingHashes(markdown: string): string {
  const trailing = /#+$/.exec(markdown)
  if (trailing === null || !endsWithUnescaped(markdown.slice(0, trailing.index + 1), '#')) return markdown
  return markdown.slice(0, trailing.index) + '\\' + markdown.slice(trailing.index)
}

function readsBackAs(markdown: string, expected: readonly InlineItem[], block: TextBlockKind): boolean {
  const source = block === 'heading' ? '# ' + markdown : markdown
  let tokens: Token[]
  try {
    tokens = lexMarkdown(source).filter((token) => token.type !== 'space')
  } catch {
    return false
  }
  const token = tokens[0]
  if (tokens.length !== 1 || token?.type !== block) return false
  const parsed = inlineTokensToItems((token as Tokens.Paragraph | Tokens.Heading).tokens)
  return sameInlineItems(normalizeInline(parsed, { allowBreaks: block === 'paragraph' }), expected)
}

/** One mark over a run of neighbouring items. */
interface MarkSpan {
  name: (typeof markNames)[number]
  from: number
  to: number
}

// Past this many spans, spans are tried in this many groups, so a long paragraph costs a bounded number
// of reads rather than one per span.
const maxAttempts = 32

/** Keeps each mark span (or group of spans) that can be written alongside those kept before it. */
function renderWithWritableMarks(content: readonly InlineItem[], style: Style, block: TextBlockKind): string | null {
  const attempt = (spans: MarkSpan[]) => {
    const candidate = withSpans(content, spans)
    const markdown = render(candidate, style, block)
    return readsBackAs(markdown, candidate, block) ? markdown : null
  }
  let best = attempt([])
  if (best === null) return null
  const spans = markSpans(content)
  const groupSize = Math.ceil(spans.length / maxAttempts)
  const kept: MarkSpan[] = []
  for (let start = 0; start < spans.length; start += groupSize) {
    const group = spans.slice(start, start + groupSize)
    const markdown = attempt([...kept, ...group])
    if (markdown !== null) {
      kept.push(...group)
      best = markdown
    }
  }
  return best
}

function markSpans(items: readonly InlineItem[]): MarkSpan[] {
  const spans: MarkSpan[] = []
  for (const name of markNames) {
    let index = 0
    while (index < items.length) {
      const value = markValue(items[index], name)
      if (value === undefined) {
        index++
        continue
      }
      let to = index
      while (markValue(items[to + 1], name) === value) to++
      spans.push({ name, from: index, to })
      index = to + 1
    }
  }
  return spans.sort((a, b) => a.from - b.from)
}

function markValue(item: InlineItem | undefined, name: (typeof markNames)[number]): string | true | undefined {
  return item?.kind === 'text' ? item.marks[name] : undefined
}

/** The content with only the marks of `spans`, normalized again (neighbours may now merge). */
function withSpans(content: readonly InlineItem[], spans: readonly MarkSpan[]): InlineItem[] {
  const items = content.map((item, index): InlineItem => {
    if (item.kind === 'break') return item
    const marks: InlineMarks = {}
    for (const span of spans) {
      if (index < span.from || index > span.to) continue
      if (span.name === 'link') marks.link = item.marks.link as string
      else marks[span.name] = true
    }
    return { kind: 'text', text: item.text, marks } satisfies InlineTextItem
  })
  return normalizeInline(items, { allowBreaks: true })
}

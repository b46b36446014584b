/**
 * The inline content of a text block (paragraph, heading), independent of Yjs and of markdown.
 *
 * Both conversions meet here: markdown tokens become inline items before they are written to a Y.XmlText,
 * and a Y.XmlText is read back into inline items before it is written as markdown. Marks follow the
 * TipTap StarterKit names (`bold`, `italic`, `strike`, `code`, `link`).
 */

export interface InlineMarks {
  bold?: true
  italic?: true
  strike?: true
  code?: true
  /** The link's href. */
  link?: string
}

export type InlineItem = { kind: 'text'; text: string; marks: InlineMarks } | { kind: 'break' }

export type InlineTextItem = Extract<InlineItem, { kind: 'text' }>

export const markNames = ['link', 'bold', 'italic', 'strike', 'code'] as const

/** The marks whose markdown is a pair of delimiters around the text (everything except `code`). */
export const delimiterMarkNames = ['bold', 'italic', 'strike'] as const

export function sameMarks(a: InlineMarks, b: InlineMarks): boolean {
  return a.bold === b.bold && a.italic === b.italic && a.strike === b.strike && a.code === b.code && a.link === b.link
}

export function hasAnyMark(marks: InlineMarks): boolean {
  return markNames.some((name) => marks[name] !== undefined)
}

export function inlineItemsToText(items: readonly InlineItem[]): string {
  return items.map((item) => (item.kind === 'break' ? '\n' : item.text)).join('')
}

export function sameInlineItems(a: readonly InlineItem[], b: readonly InlineItem[]): boolean {
  if (a.length !== b.length) return false
  return a.every((item, index) => {
    const other = b[index]
    if (other === undefined || item.kind !== other.kind) return false
    if (item.kind === 'break' || other.kind === 'break') return true
    return item.text === other.text && sameMarks(item.marks, other.marks)
  })
}

export interface NormalizeOptions {
  /** Headings are one markdown line, so their hard breaks become spaces. */
  allowBreaks: boolean
}

interface MarkedChar {
  char: string
  marks: InlineMarks
}

const lineEdgeWhitespace = /[ \t]/
const anyWhitespace = /\s/

/**
 * The canonical form of inline content: the part of it that markdown can say, and only one way.
 *
 * - newlines inside text become hard breaks (or spaces where breaks are not allowed);
 * - spaces and tabs at the start and end of each line go (markdown drops them), except inside inline code;
 * - bold, italic and strike never start or end with whitespace (`** a**` is not emphasis in markdown);
 * - hard breaks at the end go (a trailing `\` is a literal backslash in markdown);
 * - neighbouring items with the same marks merge.
 *
 * Import and export both normalize, so the two directions agree, and normalizing twice changes nothing.
 */
export function normalizeInline(items: readonly InlineItem[], options: NormalizeOptions): InlineItem[] {
  const lines = splitLines(items, options.allowBreaks)
  const out: InlineItem[] = []
  lines.forEach((line, index) => {
    if (index > 0) out.push({ kind: 'break' })
    out.push(...mergeChars(expelWhitespaceFromMarks(trimLine(line))))
  })
  while (out.at(-1)?.kind === 'break') out.pop()
  return out
}

function splitLines(items: readonly InlineItem[], allowBreaks: boolean): MarkedChar[][] {
  const lines: MarkedChar[][] = [[]]
  const newLine = () => {
    if (allowBreaks) lines.push([])
    else lines.at(-1)?.push({ char: ' ', marks: {} })
  }
  for (const item of items) {
    if (item.kind === 'break') {
      newLine()
      continue
    }
    const text = item.text.replace(/\r\n?/g, '\n')
    for (const char of text) {
      if (char === '\n') newLine()
      else lines.at(-1)?.push({ char, marks: item.marks })
    }
  }
  return lines
}

function trimLine(line: MarkedChar[]): MarkedChar[] {
  const trimmable = (c: MarkedChar) => lineEdgeWhitespace.test(c.char) && c.marks.code === undefined
  let start = 0
  let end = line.length
  while (start < end && trimmable(line[start] as MarkedChar)) start++
  while (end > start && trimmable(line[end - 1] as MarkedChar)) end--
  return line.slice(start, end)
}

function expelWhitespaceFromMarks(line: MarkedChar[]): MarkedChar[] {
  const out = line.map((c) => ({ ...c }))
  for (const mark of delimiterMarkNames) {
    let index = 0
    while (index < out.length) {
      if (out[index]?.marks[mark] === undefined) {
        index++
        continue
      }
      let end = index
      while (end < out.length && out[end]?.marks[mark] !== undefined) end++
      let first = index
      let last = end - 1
      while (first <= last && anyWhitespace.test((out[first] as MarkedChar).char)) dropMark(out[first++], mark)
      while (last >= first && anyWhitespace.test((out[last] as MarkedChar).char)) dropMark(out[last--], mark)
      index = end
    }
  }
  return out
}

function dropMark(c: MarkedChar | undefined, mark: (typeof delimiterMarkNames)[number]): void {
  if (c === undefined) return
  const { [mark]: _dropped, ...rest } = c.marks
  c.marks = rest
}

function mergeChars(line: MarkedChar[]): InlineTextItem[] {
  const out: InlineTextItem[] = []
  for (const { char, marks } of line) {
    const last = out.at(-1)
    if (last !== undefined && sameMarks(last.marks, marks)) last.text += char
    else out.push({ kind: 'text', text: char, marks: cleanMarks(marks) })
  }
  return out
}

/** A marks object with no undefined-valued keys, so equal marks also compare equal as JSON. */
export function cleanMarks(marks: InlineMarks): InlineMarks {
  const out: InlineMarks = {}
  if (marks.link !== undefined) out.link = marks.link
  if (marks.bold) out.bold = true
  if (marks.italic) out.italic = true
  if (marks.strike) out.strike = true
  if (marks.code) out.code = true
  return out
}

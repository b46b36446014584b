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

// marked trims lines with String#trim, which takes any Unicode whitespace (a no-break space too).
const whitespace = /\s/

/**
 * The canonical form of inline content: the part of it that markdown can say, and only one way.
 *
 * - newlines inside text become hard breaks (or spaces where breaks are not allowed);
 * - whitespace at the start and end of each line goes (markdown drops it), except inside inline code;
 * - bold, italic and strike never start or end with whitespace (`** a**` is not emphasis in markdown);
 * - hard breaks at the end go (a trailing `\` is a literal backslash in markdown);
 * - neighbouring items with the same marks merge.
 *
 * Import and export both normalize, so the two directions agree, and normalizing twice changes nothing.
 */
export function normalizeInline(items: readonly InlineItem[], options: NormalizeOptions): InlineItem[] {
  const out: InlineItem[] = []
  splitLines(items, options.allowBreaks).forEach((line, index) => {
    if (index > 0) out.push({ kind: 'break' })
    let segments = trimLine(line)
    for (const mark of delimiterMarkNames) segments = expelWhitespace(segments, mark)
    out.push(...mergeNeighbours(segments))
  })
  while (out.at(-1)?.kind === 'break') out.pop()
  return out
}

function splitLines(items: readonly InlineItem[], allowBreaks: boolean): InlineTextItem[][] {
  const lines: InlineTextItem[][] = [[]]
  const current = () => lines[lines.length - 1] as InlineTextItem[]
  const newLine = () => {
    if (allowBreaks) lines.push([])
    else current().push({ kind: 'text', text: ' ', marks: {} })
  }
  for (const item of items) {
    if (item.kind === 'break') {
      newLine()
      continue
    }
    item.text
      .replace(/\r\n?/g, '\n')
      .split('\n')
      .forEach((part, index) => {
        if (index > 0) newLine()
        if (part !== '') current().push({ kind: 'text', text: part, marks: cleanMarks(item.marks) })
      })
  }
  return lines
}

function trimLine(line: readonly InlineTextItem[]): InlineTextItem[] {
  const out = [...line]
  while (out.length > 0) {
    const first = out[0] as InlineTextItem
    if (first.marks.code) break
    const rest = first.text.slice(leadingWhitespace(first.text))
    if (rest !== '') {
      out[0] = { ...first, text: rest }
      break
    }
    out.shift()
  }
  while (out.length > 0) {
    const last = out[out.length - 1] as InlineTextItem
    if (last.marks.code) break
    const rest = last.text.slice(0, last.text.length - trailingWhitespace(last.text))
    if (rest !== '') {
      out[out.length - 1] = { ...last, text: rest }
      break
    }
    out.pop()
  }
  return out
}

/** Moves whitespace at the edges of each run of `mark` out of the mark. */
function expelWhitespace(line: readonly InlineTextItem[], mark: (typeof delimiterMarkNames)[number]): InlineTextItem[] {
  const out: InlineTextItem[] = []
  let index = 0
  while (index < line.length) {
    if (!(line[index] as InlineTextItem).marks[mark]) {
      out.push(line[index++] as InlineTextItem)
      continue
    }
    let end = index
    while (end < line.length && (line[end] as InlineTextItem).marks[mark]) end++
    const run = line.slice(index, end)
    const text = run.map((item) => item.text).join('')
    const markFrom = leadingWhitespace(text)
    const markTo = markFrom === text.length ? markFrom : text.length - trailingWhitespace(text)
    // Split the run's items where the mark now starts and ends.
    let offset = 0
    for (const item of run) {
      const from = offset
      const to = offset + item.text.length
      offset = to
      const piece = (start: number, stop: number, marks: InlineMarks) => {
        if (stop > start) out.push({ kind: 'text', text: item.text.slice(start - from, stop - from), marks })
      }
      const { [mark]: _dropped, ...unmarked } = item.marks
      piece(from, Math.min(to, markFrom), unmarked)
      piece(Math.max(from, markFrom), Math.min(to, markTo), item.marks)
      piece(Math.max(from, markTo), to, unmarked)
    }
    index = end
  }
  return out
}

// Loops, not /\s+$/: a regular expression anchored at the end backtracks quadratically on long runs.
function leadingWhitespace(text: string): number {
  let count = 0
  while (count < text.length && whitespace.test(text[count] as string)) count++
  return count
}

function trailingWhitespace(text: string): number {
  let count = 0
  while (count < text.length && whitespace.test(text[text.length - 1 - count] as string)) count++
  return count
}

function mergeNeighbours(line: readonly InlineTextItem[]): InlineTextItem[] {
  const out: InlineTextItem[] = []
  for (const item of line) {
    const last = out.at(-1)
    if (last !== undefined && sameMarks(last.marks, item.marks)) out[out.length - 1] = { ...last, text: last.text + item.text }
    else out.push({ kind: 'text', text: item.text, marks: cleanMarks(item.marks) })
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

/**
 * CSV as RFC 4180 writes it: fields separated by commas, records by CRLF, a field quoted when it holds
 * a comma, a quote, a line break or edge whitespace, quotes inside doubled.
 *
 * The parser is more forgiving than the RFC about what it reads: LF or CR line ends as well as CRLF, a
 * UTF-8 byte order mark, a missing line break at the end, blank lines (skipped). Only an unterminated
 * quote is an error, because from there on nothing can be read reliably.
 */

export class CsvParseError extends Error {
  override readonly name = 'CsvParseError'

  constructor(
    message: string,
    /** 1-based line of the input where the problem starts. */
    readonly line: number
  ) {
    super(message)
  }
}

export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map(recordToCsv).join('')
}

function recordToCsv(row: readonly string[]): string {
  // A record of one empty field would be a blank line, which readers skip; quoting keeps it.
  if (row.length === 1 && row[0] === '') return '""\r\n'
  return row.map(fieldToCsv).join(',') + '\r\n'
}

function fieldToCsv(field: string): string {
  const needsQuotes = /[",\r\n]/.test(field) || field !== field.trim()
  return needsQuotes ? `"${field.replace(/"/g, '""')}"` : field
}

export function parseCsv(text: string): string[][] {
  const input = text.startsWith('\ufeff') ? text.slice(1) : text
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  // A record that is one empty unquoted field is a blank line.
  let fieldWasQuoted = false
  let line = 1
  let index = 0

  const endField = () => {
    row.push(field)
    field = ''
  }
  const endRecord = () => {
    endField()
    const blank = row.length === 1 && row[0] === '' && !fieldWasQuoted
    if (!blank) rows.push(row)
    row = []
    fieldWasQuoted = false
  }

  while (index < input.length) {
    const char = input[index] as string
    if (char === '"' && field === '') {
      const quoteLine = line
      index++
      fieldWasQuoted = true
      for (;;) {
        if (index >= input.length) {
          throw new CsvParseError(`unterminated quoted field: the quote opened on line ${quoteLine} is never closed`, quoteLine)
        }
        const inside = input[index] as string
        if (inside === '"') {
          if (input[index + 1] === '"') {
            field += '"'
            index += 2
            continue
          }
          index++
          break
        }
        if (inside === '\n' || (inside === '\r' && input[index + 1] !== '\n')) line++
        field += inside
        index++
      }
      // Text after the closing quote (`"a"b`) is not RFC 4180; it is kept as written, as spreadsheets do.
      continue
    }
    if (char === ',') {
      endField()
      index++
    } else if (char === '\r' || char === '\n') {
      endRecord()
      index += char === '\r' && input[index + 1] === '\n' ? 2 : 1
      line++
    } else {
      field += char
      index++
    }
  }
  if (field !== '' || row.length > 0 || fieldWasQuoted) endRecord()
  return rows
}

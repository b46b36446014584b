import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CsvParseError, parseCsv, toCsv } from '../../shared/content/csv.ts'
import { defaultMaxTextLength, extractText, guessMimeType } from '../../shared/content/extractText.ts'
import { formatJson } from '../../shared/content/jsonFormat.ts'
import { readTracker, trackerToCsv } from '../../shared/content/trackerTable.ts'

// Markdown import and export are tested in content-markdown.test.ts.

const utf8 = (text: string) => new TextEncoder().encode(text)

describe('csv', () => {
  it('writes RFC 4180: CRLF records, quotes only where needed, quotes doubled', () => {
    expect(toCsv([['name', 'note'], ['Ada', 'plain'], ['Grace, R.', 'said "hi"'], ['multi\nline', ' padded '], ['', 'x']])).toBe(
      'name,note\r\nAda,plain\r\n"Grace, R.","said ""hi"""\r\n"multi\nline"," padded "\r\n,x\r\n'
    )
    expect(toCsv([])).toBe('')
    expect(toCsv([['']])).toBe('""\r\n')
  })

  it('parses quoted fields with commas, quotes and line breaks inside', () => {
    expect(parseCsv('a,"b,c","say ""hi""","line\r\nbreak",\r\n1,2,3,4,5')).toEqual([
      ['a', 'b,c', 'say "hi"', 'line\r\nbreak', ''],
      ['1', '2', '3', '4', '5']
    ])
  })

  it('reads LF, CRLF and CR line ends, a BOM, a missing final line end, and skips blank lines', () => {
    expect(parseCsv('\ufeffa,b\nc,d\r\ne,f\rg,h')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
      ['g', 'h']
    ])
    expect(parseCsv('a\r\n\r\n\nb\r\n')).toEqual([['a'], ['b']])
    expect(parseCsv('')).toEqual([])
    expect(parseCsv('""')).toEqual([['']])
    expect(parseCsv(',')).toEqual([['', '']])
  })

  it('keeps stray quotes as written, as spreadsheets do', () => {
    expect(parseCsv('a"b,"c"d')).toEqual([['a"b', 'cd']])
  })

  it('reports an unterminated quote with the line it opened on', () => {
    const input = 'a,b\r\nc,"never\nclosed,d\ne,f'
    expect(() => parseCsv(input)).toThrow(CsvParseError)
    try {
      parseCsv(input)
    } catch (error) {
      expect(error).toBeInstanceOf(CsvParseError)
      expect((error as CsvParseError).line).toBe(2)
      expect((error as CsvParseError).message).toMatch(/line 2/)
    }
    expect(() => parseCsv('"a""')).toThrow(/line 1/)
  })

  it('round-trips any table of strings', () => {
    const alphabet = ['a', 'b', ' ', ',', '"', '\n', '\r\n', '\r', 'é', '😀', '']
    let seed = 7
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
    for (let round = 0; round < 500; round++) {
      const rows = Array.from({ length: 1 + Math.floor(next() * 4) }, () =>
        Array.from({ length: 1 + Math.floor(next() * 4) }, () => Array.from({ length: Math.floor(next() * 5) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''))
      )
      expect(parseCsv(toCsv(rows))).toEqual(rows)
    }
  })
})

function trackerDoc(): Y.Doc {
  const doc = new Y.Doc()
  doc.transact(() => {
    doc.getArray('columns').push([
      { id: 'col_name', name: 'Name', type: 'text' },
      { id: 'col_value', name: 'Value', type: 'number' },
      { id: 'col_won', name: 'Won', type: 'checkbox' },
      { id: 'col_close', name: 'Close, date', type: 'date' },
      { id: 'col_stage', name: 'Stage', type: 'select', options: ['lead', 'won'] }
    ])
    const rows = doc.getMap<Y.Map<unknown>>('rows')
    const row = (id: string, values: Record<string, unknown>) => {
      const cells = new Y.Map<unknown>()
      rows.set(id, cells)
      for (const [key, value] of Object.entries(values)) cells.set(key, value)
    }
    row('row_a', { col_name: 'Acme', col_value: 1200.5, col_won: true, col_close: '2026-12-01', col_stage: 'won' })
    row('row_b', { col_name: 'Globex "big"', col_value: null, col_won: false })
    row('row_c', { col_name: 'Initech', col_stale: 'from a deleted column' })
    doc.getArray<string>('rowOrder').push(['row_b', 'row_gone', 'row_a', 'row_b', 'row_c'])
  })
  return doc
}

describe('trackerTable', () => {
  it('reads rows in rowOrder, first place wins, missing rows skipped, a value for every column', () => {
    const table = readTracker(trackerDoc())
    expect(table.columns.map((column) => column.id)).toEqual(['col_name', 'col_value', 'col_won', 'col_close', 'col_stage'])
    expect(table.columns[4]).toEqual({ id: 'col_stage', name: 'Stage', type: 'select', options: ['lead', 'won'] })
    expect(table.rows).toEqual([
      { id: 'row_b', values: { col_name: 'Globex "big"', col_value: null, col_won: false, col_close: null, col_stage: null } },
      { id: 'row_a', values: { col_name: 'Acme', col_value: 1200.5, col_won: true, col_close: '2026-12-01', col_stage: 'won' } },
      { id: 'row_c', values: { col_name: 'Initech', col_value: null, col_won: null, col_close: null, col_stage: null } }
    ])
  })

  it('exports CSV with a header of column names and values by type', () => {
    expect(trackerToCsv(trackerDoc())).toBe(
      'Name,Value,Won,"Close, date",Stage\r\n' + '"Globex ""big""",,false,,\r\n' + 'Acme,1200.5,true,2026-12-01,won\r\n' + 'Initech,,,,\r\n'
    )
    expect(parseCsv(trackerToCsv(trackerDoc()))[1]).toEqual(['Globex "big"', '', 'false', '', ''])
  })

  it('reads an empty doc and tolerates odd entries', () => {
    expect(readTracker(new Y.Doc())).toEqual({ columns: [], rows: [] })
    expect(trackerToCsv(new Y.Doc())).toBe('')
    const doc = new Y.Doc()
    doc.getArray('columns').push([{ id: 'c1', name: 'A', type: 'rating' }, { id: 'c1', name: 'Duplicate', type: 'text' }, { name: 'no id' }, 42])
    const cells = new Y.Map<unknown>()
    doc.getMap('rows').set('r1', cells)
    cells.set('c1', { nested: true })
    doc.getArray('rowOrder').push(['r1', 7])
    expect(readTracker(doc)).toEqual({ columns: [{ id: 'c1', name: 'A', type: 'text' }], rows: [{ id: 'r1', values: { c1: '{"nested":true}' } }] })
  })

  it('agrees on row order across devices after concurrent moves', () => {
    const a = trackerDoc()
    const b = new Y.Doc()
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    const move = (doc: Y.Doc, id: string, to: number) =>
      doc.transact(() => {
        const order = doc.getArray<string>('rowOrder')
        const ids = order.toArray()
        for (let index = ids.length - 1; index >= 0; index--) if (ids[index] === id) order.delete(index, 1)
        order.insert(Math.min(to, order.length), [id])
      })
    move(a, 'row_c', 0)
    move(b, 'row_c', 2)
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b))
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    const ids = readTracker(a).rows.map((row) => row.id)
    expect(ids).toEqual(readTracker(b).rows.map((row) => row.id))
    expect([...ids].sort()).toEqual(['row_a', 'row_b', 'row_c'])
  })
})

describe('extractText', () => {
  it('decodes text-like files', () => {
    expect(extractText('notes.md', 'text/markdown', utf8('# Notes\n\nünïcödé 😀'))).toEqual({ text: '# Notes\n\nünïcödé 😀', truncated: false })
    expect(extractText('data.csv', 'text/csv; charset=utf-8', utf8('a,b\n1,2'))).toEqual({ text: 'a,b\n1,2', truncated: false })
    expect(extractText('page.html', 'text/html', utf8('<p>hi</p>'))?.text).toBe('<p>hi</p>')
    expect(extractText('empty.txt', 'text/plain', new Uint8Array())).toEqual({ text: '', truncated: false })
  })

  it('trusts the name when the declared type is missing or wrong', () => {
    expect(extractText('notes.md', '', utf8('x'))?.text).toBe('x')
    expect(extractText('notes.md', 'application/octet-stream', utf8('x'))?.text).toBe('x')
    expect(extractText('main.ts', 'video/mp2t', utf8('const a = 1'))?.text).toBe('const a = 1')
    expect(extractText('README', '', utf8('read me'))?.text).toBe('read me')
    expect(extractText('Makefile', 'application/octet-stream', utf8('all:\n\tbuild'))?.text).toBe('all:\n\tbuild')
  })

  it('strips a byte order mark, replaces invalid UTF-8, and reads UTF-16 with a BOM', () => {
    expect(extractText('a.txt', 'text/plain', new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69]))?.text).toBe('hi')
    expect(extractText('a.txt', 'text/plain', new Uint8Array([0x68, 0xff, 0x69]))?.text).toBe('h\ufffdi')
    expect(extractText('a.txt', 'text/plain', new Uint8Array([0xff, 0xfe, 0x68, 0x00, 0x69, 0x00]))?.text).toBe('hi')
    expect(extractText('a.txt', 'text/plain', new Uint8Array([0xfe, 0xff, 0x00, 0x68, 0x00, 0x69]))?.text).toBe('hi')
  })

  it('pretty-prints JSON that parses, keeping numbers and keys as written', () => {
    const json = '{"a":1,"big":12345678901234567890,"f":1.0,"a":[],"o":{},"s":"x\\"y,{}","list":[true,null,{"k":"v"}]}'
    expect(extractText('data.json', 'application/json', utf8(json))?.text).toBe(
      [
        '{',
        '  "a": 1,',
        '  "big": 12345678901234567890,',
        '  "f": 1.0,',
        '  "a": [],',
        '  "o": {},',
        '  "s": "x\\"y,{}",',
        '  "list": [',
        '    true,',
        '    null,',
        '    {',
        '      "k": "v"',
        '    }',
        '  ]',
        '}'
      ].join('\n')
    )
    expect(extractText('broken.json', 'application/json', utf8('{"a":'))?.text).toBe('{"a":')
    expect(extractText('x.geo', 'application/geo+json', utf8('[1,2]'))?.text).toBe('[\n  1,\n  2\n]')
    expect(formatJson('  "just a string"  ')).toBe('"just a string"')
    expect(formatJson('nope')).toBeNull()
  })

  it('caps the length, without splitting a character, and says so', () => {
    const long = 'é'.repeat(defaultMaxTextLength + 10)
    const capped = extractText('long.txt', 'text/plain', utf8(long))!
    expect(capped.truncated).toBe(true)
    expect(capped.text).toBe('é'.repeat(defaultMaxTextLength))
    expect(extractText('a.txt', 'text/plain', utf8('abcdef'), { maxLength: 3 })).toEqual({ text: 'abc', truncated: true })
    expect(extractText('a.txt', 'text/plain', utf8('abc'), { maxLength: 3 })).toEqual({ text: 'abc', truncated: false })
    expect(extractText('a.txt', 'text/plain', utf8('a😀'), { maxLength: 2 })).toEqual({ text: 'a', truncated: true })
    const bigJson = utf8(JSON.stringify(Array.from({ length: 50 }, (_, index) => ({ index }))))
    const cappedJson = extractText('a.json', 'application/json', bigJson, { maxLength: 40 })!
    expect(cappedJson).toEqual({ text: formatJson(new TextDecoder().decode(bigJson))!.slice(0, 40), truncated: true })
    expect(cappedJson.text).toMatch(/^\[\n {2}\{\n {4}"index": 0,?/)
  })

  it('returns null for binary content and non-text types', () => {
    expect(extractText('a.txt', 'text/plain', new Uint8Array([0x68, 0x00, 0x69]))).toBeNull()
    expect(extractText('photo.png', 'image/png', new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBeNull()
    expect(extractText('report.pdf', 'application/pdf', utf8('%PDF-1.7 text-looking'))).toBeNull()
    expect(extractText('archive.bin', 'application/octet-stream', utf8('looks like text'))).toBeNull()
    expect(extractText('README', '', new Uint8Array([0xc3, 0x28, 0xa0]))).toBeNull()
    const late = new Uint8Array(9000).fill(0x61)
    late[8500] = 0
    expect(extractText('a.txt', 'text/plain', late)?.text).toHaveLength(9000)
  })
})

describe('guessMimeType', () => {
  it('maps common extensions, case-insensitively', () => {
    expect(guessMimeType('notes.md')).toBe('text/markdown')
    expect(guessMimeType('REPORT.PDF')).toBe('application/pdf')
    expect(guessMimeType('dir/sub/data.json')).toBe('application/json')
    expect(guessMimeType('table.csv')).toBe('text/csv')
    expect(guessMimeType('photo.JPG')).toBe('image/jpeg')
    expect(guessMimeType('deck.pptx')).toBe('application/vnd.openxmlformats-officedocument.presentationml.presentation')
    expect(guessMimeType('archive.tar.gz')).toBe('application/gzip')
  })

  it('says application/octet-stream when the name tells nothing', () => {
    for (const name of ['README', '.gitignore', 'file.', 'weird.xyz123', '']) expect(guessMimeType(name)).toBe('application/octet-stream')
  })
})

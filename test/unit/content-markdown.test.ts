import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { Block } from '../../shared/content/documentModel.ts'
import { blocksToMarkdown, fragmentToMarkdown, fragmentToPlainText } from '../../shared/content/documentToMarkdown.ts'
import { inlineItemsToText, normalizeInline, type InlineItem, type InlineMarks } from '../../shared/content/inlineContent.ts'
import { markdownToBlocks, writeMarkdownToFragment } from '../../shared/content/markdownToDocument.ts'
import { blocksToYElements, yChildrenToBlocks } from '../../shared/content/yDocument.ts'

// ---- helpers ----

function newFragment(): Y.XmlFragment {
  return new Y.Doc().getXmlFragment('default')
}

function importMarkdown(markdown: string): Y.XmlFragment {
  const fragment = newFragment()
  fragment.doc!.transact(() => writeMarkdownToFragment(markdown, fragment))
  return fragment
}

function roundTrip(markdown: string): string {
  return fragmentToMarkdown(importMarkdown(markdown))
}

function fragmentOf(blocks: Block[]): Y.XmlFragment {
  const fragment = newFragment()
  fragment.insert(0, blocksToYElements(blocks))
  return fragment
}

function blocksOf(fragment: Y.XmlFragment): Block[] {
  return yChildrenToBlocks(fragment.toArray())
}

/** Canonical inline content (merged neighbours), so equal documents compare equal. */
function canonical(blocks: Block[]): Block[] {
  return blocks.map((block): Block => {
    switch (block.type) {
      case 'paragraph':
        return { ...block, content: normalizeInline(block.content, { allowBreaks: true }) }
      case 'heading':
        return { ...block, content: normalizeInline(block.content, { allowBreaks: false }) }
      case 'blockquote':
        return { ...block, children: canonical(block.children) }
      case 'bulletList':
      case 'orderedList':
        return { ...block, items: block.items.map(canonical) }
      default:
        return block
    }
  })
}

const text = (value: string, marks: InlineMarks = {}): InlineItem => ({ kind: 'text', text: value, marks })
const br: InlineItem = { kind: 'break' }
const p = (...content: InlineItem[]): Block => ({ type: 'paragraph', content })

/** The blocks with every mark removed: their structure and text. */
function withoutMarks(blocks: Block[]): Block[] {
  const plain = (content: InlineItem[]) => normalizeInline(content.map((item) => (item.kind === 'text' ? { ...item, marks: {} } : item)), { allowBreaks: true })
  return blocks.map((block): Block => {
    switch (block.type) {
      case 'paragraph':
      case 'heading':
        return { ...block, content: plain(block.content) }
      case 'blockquote':
        return { ...block, children: withoutMarks(block.children) }
      case 'bulletList':
      case 'orderedList':
        return { ...block, items: block.items.map(withoutMarks) }
      default:
        return block
    }
  })
}

/** Deterministic pseudo-random numbers (mulberry32), so a failing seed can be replayed. */
function random(seed: number) {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability: number) => next() < probability,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T
  }
}
type Random = ReturnType<typeof random>

// ---- import ----

describe('writeMarkdownToFragment', () => {
  it('writes the y-prosemirror shape TipTap StarterKit reads', () => {
    const fragment = importMarkdown(
      [
        '## Plan *for* Q4',
        'Some **bold _and italic_** text, ~~struck~~, `code` and [a link](https://example.com/a?b=1&c=2).',
        '- one\n- two\n  1. nested',
        '3. three\n4. four',
        '> quoted\n> still quoted',
        '```ts\nconst a = 1\n\nconst b = 2\n```',
        '---',
        'line one\\\nline two  \nline three'
      ].join('\n\n')
    )
    expect(fragment.toString()).toBe(
      [
        '<heading level="2">Plan <italic>for</italic> Q4</heading>',
        '<paragraph>Some <bold>bold </bold><bold><italic>and italic</italic></bold> text, <strike>struck</strike>, <code>code</code> and <link href="https://example.com/a?b=1&c=2">a link</link>.</paragraph>',
        '<bulletlist><listitem><paragraph>one</paragraph></listitem><listitem><paragraph>two</paragraph><orderedlist start="1"><listitem><paragraph>nested</paragraph></listitem></orderedlist></listitem></bulletlist>',
        '<orderedlist start="3"><listitem><paragraph>three</paragraph></listitem><listitem><paragraph>four</paragraph></listitem></orderedlist>',
        '<blockquote><paragraph>quoted still quoted</paragraph></blockquote>',
        '<codeblock language="ts">const a = 1\n\nconst b = 2</codeblock>',
        '<horizontalrule></horizontalrule>',
        '<paragraph>line one<hardbreak></hardbreak>line two<hardbreak></hardbreak>line three</paragraph>'
      ].join('')
    )
  })

  it('stores attributes with their types and marks as mark attrs', () => {
    const fragment = importMarkdown('### Title\n\n7. item\n\n```\nplain\n```\n\n**[bold link](https://x.test)**')
    const [heading, list, code, paragraph] = fragment.toArray() as Y.XmlElement[]
    expect(heading!.getAttribute('level')).toBe(3)
    expect(list!.getAttribute('start')).toBe(7)
    expect(code!.getAttributes()).toEqual({}) // no language: y-prosemirror leaves null attrs out
    const delta = (paragraph!.get(0) as Y.XmlText).toDelta()
    expect(delta).toEqual([{ insert: 'bold link', attributes: { bold: {}, link: { href: 'https://x.test' } } }])
    // Text of different marks never inherits the marks of its neighbour.
    const mixed = (importMarkdown('**a**b').get(0) as Y.XmlElement).get(0) as Y.XmlText
    expect(mixed.toDelta()).toEqual([{ insert: 'a', attributes: { bold: {} } }, { insert: 'b' }])
  })

  it('appends to what the fragment holds', () => {
    const fragment = importMarkdown('first')
    writeMarkdownToFragment('second', fragment)
    expect(fragmentToMarkdown(fragment)).toBe('first\n\nsecond\n')
  })

  it('fits the editor schema: list items start with a paragraph, containers are never empty', () => {
    const blocks = markdownToBlocks('- # heading\n-\n- ```\n  code\n  ```\n\n>\n\n- > quote')
    expect(blocks).toEqual([
      {
        type: 'bulletList',
        items: [
          [p(), { type: 'heading', level: 1, content: [text('heading')] }],
          [p()],
          [p(), { type: 'codeBlock', language: null, text: 'code' }]
        ]
      },
      { type: 'blockquote', children: [p()] },
      { type: 'bulletList', items: [[p(), { type: 'blockquote', children: [p(text('quote'))] }]] }
    ])
  })

  it('decodes character references in text and links but not in code', () => {
    expect(markdownToBlocks('a &amp; b &copy; &#35; &#x26; &unknownname; `&amp;` [x](a?b=1&amp;c=2)')).toEqual([
      p(text('a & b © # & &unknownname; '), text('&amp;', { code: true }), text(' '), text('x', { link: 'a?b=1&c=2' }))
    ])
  })

  it('reads autolinks, bare URLs, e-mail addresses and reference links as links', () => {
    expect(markdownToBlocks('<https://a.test> https://b.test/x_y, www.c.test and me@d.test\n\n[ref][r]\n\n[r]: https://e.test')).toEqual([
      p(
        text('https://a.test', { link: 'https://a.test' }),
        text(' '),
        text('https://b.test/x_y', { link: 'https://b.test/x_y' }),
        text(', '),
        text('www.c.test', { link: 'http://www.c.test' }),
        text(' and '),
        text('me@d.test', { link: 'mailto:me@d.test' })
      ),
      p(text('ref', { link: 'https://e.test' }))
    ])
  })

  it('degrades what the editor cannot show to paragraph text, keeping every word', () => {
    const markdown = [
      '| Name | **Score** |\n|------|------:|\n| Ada | 3 |',
      '<div class="note">\nraw <em>html</em>\n</div>',
      'An image ![the alt](pic.png "title") and <kbd>Ctrl</kbd>.',
      '- [ ] open task\n- [x] done task'
    ].join('\n\n')
    const blocks = markdownToBlocks(markdown)
    expect(blocks).toEqual([
      p(text('Name | '), text('Score', { bold: true })),
      p(text('Ada | 3')),
      p(text('<div class="note">'), br, text('raw <em>html</em>'), br, text('</div>')),
      p(text('An image ![the alt](pic.png "title") and <kbd>Ctrl</kbd>.')),
      { type: 'bulletList', items: [[p(text('[ ] open task'))], [p(text('[x] done task'))]] }
    ])
    const plain = fragmentToPlainText(importMarkdown(markdown))
    for (const word of ['Name', 'Score', 'Ada', 'note', 'html', 'alt', 'pic.png', 'title', 'Ctrl', 'open task', 'done task']) {
      expect(plain).toContain(word)
    }
  })

  it('takes the whole info string as the code language and drops trailing blank lines', () => {
    expect(markdownToBlocks('```js title="a.js"\nx\n\n\n```\n\n~~~\n```inside```\n~~~\n\n    indented code')).toEqual([
      { type: 'codeBlock', language: 'js title="a.js"', text: 'x' },
      { type: 'codeBlock', language: null, text: '```inside```' },
      { type: 'codeBlock', language: null, text: 'indented code' }
    ])
  })

  it('never throws, and keeps the text of anything', () => {
    const nasty = [
      '',
      '\n\n\n',
      '>'.repeat(5000) + ' deep',
      '- '.repeat(2000) + 'deep list',
      '['.repeat(10000),
      '*'.repeat(10001) + 'a',
      '```\nunterminated fence',
      '<!-- unterminated comment',
      '\u0000\u0001\ufffd\ud800',
      'a\r\nb\rc'
    ]
    for (const markdown of nasty) {
      const fragment = newFragment()
      expect(() => writeMarkdownToFragment(markdown, fragment)).not.toThrow()
      const plain = fragmentToPlainText(fragment)
      for (const word of ['deep', 'deep list', 'unterminated fence', 'unterminated comment']) {
        if (markdown.includes(word)) expect(plain).toContain(word)
      }
    }
  })
})

// ---- export ----

describe('fragmentToMarkdown', () => {
  const cases: Array<[string, string]> = [
    ['# Title', '# Title\n'],
    ['Title\n=====\n\nSub\n---', '# Title\n\n## Sub\n'],
    ['*a* _b_ __c__ **d** ***e*** ~~f~~ ~g~', '*a* *b* **c** **d** ***e*** ~~f~~ ~~g~~\n'],
    ['a *b **c*** d', 'a *b **c*** d\n'],
    ['**bold [link](https://x.test) bold**', '**bold [link](https://x.test) bold**\n'],
    ['[**a** b](u)', '[**a** b](u)\n'],
    ['`a` `` b`c `` ` `` `', '`a` ``b`c`` ` `` `\n'],
    ['[x](<a b>) [y](a\\(b) [z](a(b)c)', '[x](<a b>) [y](<a(b>) [z](a\\(b\\)c)\n'],
    ['* a\n* b\n\n  c', '- a\n- b\n\n  c\n'],
    ['+ a\n    + b\n        + c', '- a\n  - b\n    - c\n'],
    ['1) a\n1) b\n1) c', '1. a\n2. b\n3. c\n'],
    ['- a\n\n\n- b', '- a\n- b\n'],
    ['> a\n>\n> > b', '> a\n>\n> > b\n'],
    ['***\n\n___', '---\n\n---\n'],
    ['a  \nb\\\nc', 'a\\\nb\\\nc\n'],
    ['````\n```\n````', '````\n```\n````\n'],
    ['~~~ a`b\ncode\n~~~', '~~~a`b\ncode\n~~~\n'],
    ['&lt;div&gt; &amp; &#42;', '\\<div> & \\*\n'],
    ['\\# not \\* a \\_ heading', '\\# not \\* a \\_ heading\n'],
    ['snake_case and __dunder__', 'snake_case and **dunder**\n'],
    ['1\\. not a list\n\n\\- nor this\n\n\\+ nor\n\n\\> quote', '1\\. not a list\n\n\\- nor this\n\n\\+ nor\n\n\\> quote\n'],
    ['Text with trailing hashes \\#\\#', 'Text with trailing hashes ##\n'],
    ['# C# and F\\#', '# C# and F\\#\n'],
    ['# Heading ending with a hash \\#', '# Heading ending with a hash \\#\n'],
    ['<https://a.test> [https://a.test](https://a.test) <x@y.test>', '<https://a.test> <https://a.test> <x@y.test>\n'],
    ['call 555 | ok', 'call 555 | ok\n'],
    ['a\\\n| b | c |\\\n|---|---|', 'a\\\n\\| b \\| c \\|\\\n\\|---\\|---\\|\n']
  ]
  it.each(cases)('%j → %j', (markdown, expected) => {
    expect(roundTrip(markdown)).toBe(expected)
    expect(roundTrip(expected)).toBe(expected)
  })

  it('keeps adjacent lists apart with alternating markers', () => {
    const blocks: Block[] = [
      { type: 'bulletList', items: [[p(text('a'))]] },
      { type: 'bulletList', items: [[p(text('b'))]] },
      { type: 'bulletList', items: [[p(text('c'))]] },
      { type: 'orderedList', start: 1, items: [[p(text('d'))]] },
      { type: 'orderedList', start: 5, items: [[p(text('e'))], [p(text('f'))]] },
      p(),
      { type: 'orderedList', start: 1, items: [[p(text('g'))]] }
    ]
    const markdown = blocksToMarkdown(blocks)
    expect(markdown).toBe('- a\n\n* b\n\n- c\n\n1. d\n\n5) e\n6) f\n\n1. g\n')
    expect(canonical(markdownToBlocks(markdown))).toEqual(canonical(blocks.filter((block) => block.type !== 'paragraph')))
  })

  it('writes a list item whose first block is not a paragraph on the marker line, a rule below it', () => {
    const blocks: Block[] = [
      {
        type: 'bulletList',
        items: [
          [p(), { type: 'heading', level: 2, content: [text('h')] }],
          [p(), { type: 'horizontalRule' }],
          [p(text('a')), { type: 'bulletList', items: [[p()]] }],
          [p(text('b')), { type: 'orderedList', start: 2, items: [[p(text('c'))]] }]
        ]
      }
    ]
    const markdown = blocksToMarkdown(blocks)
    expect(markdown).toBe('- ## h\n-\n  ---\n- a\n\n  -\n- b\n\n  2. c\n')
    expect(markdownToBlocks(markdown)).toEqual(blocks)
  })

  it('reads what the editor writes: extra link attrs, hashed mark names, unknown nodes', () => {
    const fragment = newFragment()
    const paragraph = new Y.XmlElement('paragraph')
    const runs = new Y.XmlText()
    paragraph.insert(0, [runs])
    const mention = new Y.XmlElement('mention')
    mention.insert(0, [new Y.XmlText('@ada')])
    paragraph.insert(1, [mention])
    const taskList = new Y.XmlElement('taskList')
    const taskItem = new Y.XmlElement('taskItem')
    const inner = new Y.XmlElement('paragraph')
    inner.insert(0, [new Y.XmlText('a task')])
    taskItem.insert(0, [inner])
    taskList.insert(0, [taskItem])
    const heading = new Y.XmlElement('heading')
    heading.setAttribute('level', '2' as never)
    heading.insert(0, [new Y.XmlText('From a string level')])
    fragment.insert(0, [paragraph, taskList, heading])
    runs.insert(0, 'see ', {})
    runs.insert(4, 'docs', { link: { href: 'https://docs.test', target: '_blank', rel: 'noopener noreferrer nofollow', class: null }, 'comment--abc123': { id: 1 } })
    runs.insert(8, ' now ', { underline: {} })
    expect(fragmentToMarkdown(fragment)).toBe('see [docs](https://docs.test) now @ada\n\na task\n\n## From a string level\n')
    expect(fragmentToPlainText(fragment)).toBe('see docs now @ada\na task\nFrom a string level')
  })

  it('turns newlines inside text into hard breaks and drops what markdown cannot hold', () => {
    const fragment = fragmentOf([
      p(text('  leading and trailing  '), br, br),
      p(),
      p(text('line\nbreak', { bold: true })),
      { type: 'heading', level: 1, content: [text('two'), br, text('lines')] },
      { type: 'codeBlock', language: 'py', text: 'print(1)\n\n' },
      { type: 'blockquote', children: [p()] }
    ])
    expect(fragmentToMarkdown(fragment)).toBe('leading and trailing\n\n**line**\\\n**break**\n\n# two lines\n\n```py\nprint(1)\n```\n\n>\n')
  })

  it('keeps the text when marks cannot be delimited, and leaves those marks out', () => {
    const blocks = [p(text('foo'), text('[x]', { bold: true }), text('bar')), p(text('a'), text('.b', { italic: true }), text('c'))]
    const markdown = blocksToMarkdown(blocks)
    expect(markdown).toBe('foo\\[x\\]bar\n\na.bc\n')
    expect(markdownToBlocks(markdown)).toEqual([p(text('foo[x]bar')), p(text('a.bc'))])
  })

  it('gives an empty string for an empty document', () => {
    expect(fragmentToMarkdown(newFragment())).toBe('')
    expect(fragmentToPlainText(newFragment())).toBe('')
  })
})

describe('fragmentToPlainText', () => {
  it('joins block text with newlines, without markup', () => {
    const fragment = importMarkdown('# Title\n\nSome **bold** [link](u).\n\n- a\n  - b\n\n> q\n\n```\ncode\n  indented\n```\n\n---\n\nx\\\ny')
    expect(fragmentToPlainText(fragment)).toBe('Title\nSome bold link.\na\nb\nq\ncode\n  indented\nx\ny')
  })
})

// ---- properties ----

const words = [
  'plain', 'words', 'snake_case', 'C#', '#tag', 'a*b', 'x_y_', '_lead', '<tag>', '</b>', '&amp;', '&copy;', '&', '50%', '[note]', '](x)',
  '~tilde~', '~~', 'back\\slash', '`tick`', '``', 'me@example.com', 'https://example.com/a_b', 'www.example.com', 'mailto:x', '|', '->',
  '+1', '=', '==', '>', '-', '--', '1.', '2)', '!', '![', '*', '**', '_', '__', '#', '###', 'ends#', '™', '日本語', 'emoji😀', '\u00a0nbsp',
  '(paren)', ':', 'a:b', '"quoted"', "it's", '{}', '$5', '^', '\\'
]
const hrefs = ['https://example.com', 'https://example.com/a?b=1&c=2', 'docs/page.md', 'https://en.wikipedia.org/wiki/Foo_(bar)', 'my file.md', '#anchor', 'a)b', 'mailto:me@example.com', '']
const languages = [null, 'ts', 'js title="x.js"', 'c++', 'weird`lang', 'back\\slash']

function randomMarks(rng: Random): InlineMarks {
  const marks: InlineMarks = {}
  if (rng.chance(0.25)) marks.bold = true
  if (rng.chance(0.2)) marks.italic = true
  if (rng.chance(0.1)) marks.strike = true
  if (rng.chance(0.1)) marks.code = true
  if (rng.chance(0.12)) marks.link = rng.pick(hrefs)
  return marks
}

/** Words separated by single unmarked spaces, marks on whole words: content markdown can always say. */
function friendlyInline(rng: Random, allowBreaks: boolean): InlineItem[] {
  const items: InlineItem[] = []
  const count = rng.int(1, 8)
  for (let index = 0; index < count; index++) {
    if (index > 0) items.push(allowBreaks && rng.chance(0.1) ? br : text(' '))
    const word = rng.chance(0.7) ? rng.pick(words.slice(0, 2)) + rng.int(0, 99) : rng.pick(words)
    const marks = randomMarks(rng)
    // marked cannot read a link whose text is code holding backticks (a known limit, tested below).
    if (marks.link !== undefined && marks.code && word.includes('`')) delete marks.code
    items.push(text(word, marks))
  }
  return items
}

function friendlyBlocks(rng: Random, depth: number, count: number): Block[] {
  const blocks: Block[] = []
  for (let index = 0; index < count; index++) {
    const kind = rng.int(0, depth > 2 ? 3 : 7)
    if (kind <= 1) blocks.push({ type: 'paragraph', content: friendlyInline(rng, true) })
    else if (kind === 2) blocks.push({ type: 'heading', level: rng.pick([1, 2, 3, 4, 5, 6] as const), content: friendlyInline(rng, false) })
    else if (kind === 3) {
      const lines = Array.from({ length: rng.int(1, 4) }, () => rng.pick(['code()', '  indented', '', '```', '~~~', '`x`', '# not heading', '- not list', 'a\tb']))
      const text = lines.join('\n').replace(/\n+$/, '')
      blocks.push({ type: 'codeBlock', language: rng.pick(languages), text: text === '' ? 'x' : text })
    } else if (kind === 4) blocks.push({ type: 'horizontalRule' })
    else if (kind === 5) blocks.push({ type: 'blockquote', children: friendlyBlocks(rng, depth + 1, rng.int(1, 3)) })
    else {
      const items = Array.from({ length: rng.int(1, 4) }, () => [
        { type: 'paragraph', content: friendlyInline(rng, true) } satisfies Block,
        ...friendlyBlocks(rng, depth + 1, rng.int(0, 2))
      ])
      blocks.push(kind === 6 ? { type: 'bulletList', items } : { type: 'orderedList', start: rng.pick([0, 1, 2, 9, 10, 99]), items })
    }
  }
  return blocks
}

/** Any characters, marks starting and ending anywhere. */
function adversarialInline(rng: Random): InlineItem[] {
  const alphabet = 'ab 1.#*_`~[]()<>!&|\\-+=:@/\n\t;"\'{}é😀\u00a0'
  return Array.from({ length: rng.int(1, 10) }, (): InlineItem => {
    if (rng.chance(0.1)) return br
    const value = Array.from({ length: rng.int(1, 6) }, () => rng.pick([...alphabet])).join('')
    return text(rng.chance(0.3) ? rng.pick(words) : value, randomMarks(rng))
  })
}

function randomMarkdownInline(rng: Random): string {
  const pieces = [
    () => rng.pick(words),
    () => 'word',
    () => ' ',
    () => `*${rng.pick(['em', 'two words', ' spaced ', 'a*b'])}*`,
    () => `**${rng.pick(['strong', '*nested*', '`code`', 'x_y'])}**`,
    () => `__${rng.pick(['under', 'a b'])}__`,
    () => `~~${rng.pick(['gone', 'a ~ b'])}~~`,
    () => '`' + rng.pick(['code', ' spaced ', 'a`b', '<b>']) + '`',
    () => `[${rng.pick(['link', '**bold** link', '`code`'])}](${rng.pick(['https://x.test', '<a b>', 'a(b)c', 'u "title"'])})`,
    () => rng.pick(['<https://auto.test>', 'https://bare.test/path_x', 'me@mail.test', 'www.site.test']),
    () => rng.pick(['\\*', '\\_', '\\\\', '\\#', '&amp;', '&#35;', '&nbsp;']),
    () => rng.pick(['![img](src.png)', '<span>html</span>', '<br>']),
    () => rng.pick(['\\\n', '  \n', '\n'])
  ]
  return Array.from({ length: rng.int(1, 10) }, () => rng.pick(pieces)()).join('')
}

function randomMarkdown(rng: Random, depth = 0): string {
  const blocks = Array.from({ length: rng.int(1, depth > 0 ? 3 : 6) }, () => {
    switch (rng.int(0, depth > 2 ? 4 : 10)) {
      case 0:
      case 1:
        return randomMarkdownInline(rng)
      case 2:
        return '#'.repeat(rng.int(1, 6)) + ' ' + randomMarkdownInline(rng).replace(/\n/g, ' ')
      case 3:
        return rng.pick(['```', '~~~', '````']) + rng.pick(['', 'js', 'a b']) + '\n' + rng.pick(['x', 'a\n\nb', '```', '  y']) + '\n' + rng.pick(['```', '~~~', '````'])
      case 4:
        return rng.pick(['---', '***', '___', '- - -'])
      case 5:
        return randomMarkdown(rng, depth + 1)
          .split('\n')
          .map((line) => '> ' + line)
          .join('\n')
      case 6:
      case 7: {
        const ordered = rng.chance(0.5)
        const start = rng.int(0, 12)
        return Array.from({ length: rng.int(1, 4) }, (_, index) => {
          const marker = ordered ? `${start + index}${rng.pick(['.', ')'])}` : rng.pick(['-', '*', '+'])
          const body = rng.chance(0.3) ? randomMarkdown(rng, depth + 1) : randomMarkdownInline(rng)
          const indent = ' '.repeat(marker.length + 1)
          return marker + ' ' + body.split('\n').join('\n' + indent)
        }).join(rng.pick(['\n', '\n\n']))
      }
      case 8:
        return '| a | b |\n|---|---|\n| ' + randomMarkdownInline(rng).replace(/\n/g, ' ') + ' | c |'
      case 9:
        return '<div>\n' + randomMarkdownInline(rng) + '\n</div>'
      default:
        return '- [' + rng.pick([' ', 'x']) + '] ' + randomMarkdownInline(rng).replace(/\n/g, ' ')
    }
  })
  return blocks.join('\n\n')
}

describe('round trips', () => {
  // Each property collects the seeds it fails for, so a failure shows every case at once.
  it('markdown → document → markdown is stable after one pass, and the document survives it', () => {
    const failures: unknown[] = []
    let marksLost = 0
    const seeds = 500
    for (let seed = 1; seed <= seeds; seed++) {
      const markdown = randomMarkdown(random(seed))
      const once = importMarkdown(markdown)
      const exported = fragmentToMarkdown(once)
      const twice = importMarkdown(exported)
      const again = fragmentToMarkdown(twice)
      const [before, after] = [canonical(blocksOf(once)), canonical(blocksOf(twice))]
      const sameText = JSON.stringify(withoutMarks(after)) === JSON.stringify(withoutMarks(before))
      if (again !== exported || !sameText) failures.push({ seed, markdown, exported, again, once: once.toString(), twice: twice.toString() })
      else if (JSON.stringify(after) !== JSON.stringify(before)) marksLost++
    }
    expect(failures).toEqual([])
    // A mark can be lost only where markdown has no way to delimit it, e.g. emphasis ending between
    // punctuation and a letter (`*#**a**b*` as marked reads it): rare in generated soup, rarer in prose.
    expect(marksLost / seeds).toBeLessThan(0.01)
  }, 60_000)

  it('a document markdown can say survives document → markdown → document exactly', () => {
    const failures: unknown[] = []
    for (let seed = 1; seed <= 400; seed++) {
      const rng = random(seed)
      const blocks = canonical(friendlyBlocks(rng, 0, rng.int(1, 6)))
      const exported = fragmentToMarkdown(fragmentOf(blocks))
      const back = canonical(blocksOf(importMarkdown(exported)))
      if (JSON.stringify(back) !== JSON.stringify(blocks)) failures.push({ seed, exported, blocks: JSON.stringify(blocks), back: JSON.stringify(back) })
    }
    expect(failures).toEqual([])
  }, 60_000)

  it('any document keeps its text through markdown, and its markdown is stable', () => {
    const textOf = (list: Block[]) =>
      list.flatMap((block) => {
        if (block.type !== 'paragraph' && block.type !== 'heading') return []
        const content = normalizeInline(block.content, { allowBreaks: block.type === 'paragraph' })
        return block.type === 'paragraph' && content.length === 0 ? [] : [`${block.type}:${inlineItemsToText(content)}`]
      })
    const failures: unknown[] = []
    for (let seed = 1; seed <= 600; seed++) {
      const rng = random(seed)
      const blocks: Block[] = Array.from({ length: rng.int(1, 4) }, () =>
        rng.chance(0.8) ? { type: 'paragraph', content: adversarialInline(rng) } : { type: 'heading', level: 2, content: adversarialInline(rng) }
      )
      const exported = fragmentToMarkdown(fragmentOf(blocks))
      const back = importMarkdown(exported)
      const again = fragmentToMarkdown(back)
      const [expectedText, actualText] = [textOf(blocks), textOf(blocksOf(back))]
      if (again !== exported || JSON.stringify(actualText) !== JSON.stringify(expectedText)) failures.push({ seed, exported, again, expectedText, actualText })
    }
    expect(failures).toEqual([])
  }, 60_000)
})

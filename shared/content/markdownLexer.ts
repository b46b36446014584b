/**
 * marked's lexer with fixed options (CommonMark plus GitHub's extensions), isolated from `marked.use()`
 * calls elsewhere in the renderer that would otherwise change how documents are parsed.
 */

import { Lexer, getDefaults, type TokensList } from 'marked'

function options() {
  return { ...getDefaults(), gfm: true, breaks: false, pedantic: false }
}

export function lexMarkdown(markdown: string): TokensList {
  return Lexer.lex(markdown, options())
}

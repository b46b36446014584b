import DOMPurify from 'dompurify'
import { Marked, type Tokens } from 'marked'
import type { Mention } from '../../../shared/model/types.ts'

/**
 * Message Markdown → safe HTML: marked (GFM, line breaks kept as people type them) and DOMPurify. Raw
 * HTML in a message is shown as text, links open outside the app, images are not loaded (a message must
 * not make the app fetch from elsewhere), code blocks get a language label and a Copy button (handled by
 * event delegation in <Markdown>), and @mentions become chips.
 */

interface MentionTarget {
  memberId: string
  kind: Mention['kind']
}

// The mentions of the message being rendered; set around each synchronous parse.
let currentMentions = new Map<string, MentionTarget>()
let currentSelfId = ''

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!)

const marked = new Marked({
  gfm: true,
  breaks: true,
  renderer: {
    html({ text }: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(text)
    },
    code({ text, lang }: Tokens.Code): string {
      const language = (lang ?? '').trim().split(/\s+/)[0] ?? ''
      return (
        `<div class="code-block"><div class="code-head"><span>${escapeHtml(language || 'code')}</span>` +
        `<button type="button" class="code-copy" data-copy-code="true" aria-label="Copy code">Copy</button></div>` +
        `<pre><code${language ? ` class="language-${escapeHtml(language)}"` : ''}>${escapeHtml(text)}</code></pre></div>`
      )
    },
    image({ href, text }: Tokens.Image): string {
      const label = text.trim() === '' ? href : text
      return `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`
    }
  },
  extensions: [
    {
      name: 'mention',
      level: 'inline',
      start(src: string) {
        if (currentMentions.size === 0) return undefined
        const index = src.indexOf('@')
        return index === -1 ? undefined : index
      },
      tokenizer(src: string) {
        if (currentMentions.size === 0 || src[0] !== '@') return undefined
        const match = /^@([a-z0-9._-]+)/i.exec(src)
        if (match === null) return undefined
        // The longest mentioned handle that the text starts with (`@ada-lovelace` over `@ada`).
        const typed = match[1]!.toLowerCase()
        let handle: string | null = null
        for (const candidate of currentMentions.keys()) {
          if (typed.startsWith(candidate) && !/[a-z0-9_-]/.test(typed[candidate.length] ?? '') && (handle === null || candidate.length > handle.length)) handle = candidate
        }
        if (handle === null) return undefined
        return { type: 'mention', raw: src.slice(0, handle.length + 1), handle }
      },
      renderer(token) {
        const handle = String(token.handle)
        const target = currentMentions.get(handle)
        if (target === undefined) return escapeHtml(token.raw)
        return `<span class="mention" data-member-id="${escapeHtml(target.memberId)}" data-kind="${target.kind}"${target.memberId === currentSelfId ? ' data-self="true"' : ''}>@${escapeHtml(handle)}</span>`
      }
    }
  ]
})

let hooksInstalled = false

function installHooks(): void {
  if (hooksInstalled) return
  hooksInstalled = true
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
      const href = node.getAttribute('href') ?? ''
      if (!/^(https?:|mailto:)/i.test(href)) {
        node.removeAttribute('href')
        return
      }
      node.setAttribute('target', '_blank')
      node.setAttribute('rel', 'noopener noreferrer')
    }
  })
}

const purifyConfig = {
  FORBID_TAGS: ['img', 'style', 'iframe', 'form', 'video', 'audio', 'source', 'picture', 'svg', 'math'],
  FORBID_ATTR: ['style'],
  ALLOW_DATA_ATTR: true
}

const cache = new Map<string, string>()
const cacheLimit = 800

/** The HTML of a message's text. Cached by message (and edit), since scrolling re-renders the same rows. */
export function renderMarkdown(text: string, mentions: readonly Mention[] = [], selfId = '', cacheKey?: string): string {
  const key = cacheKey === undefined ? undefined : `${cacheKey}\u0000${selfId}`
  if (key !== undefined) {
    const hit = cache.get(key)
    if (hit !== undefined) return hit
  }
  installHooks()
  const targets = new Map<string, MentionTarget>()
  for (const mention of mentions) {
    const handle = text.slice(mention.start + 1, mention.end).toLowerCase()
    if (handle !== '') targets.set(handle, { memberId: mention.memberId, kind: mention.kind })
  }
  currentMentions = targets
  currentSelfId = selfId
  let html: string
  try {
    html = marked.parse(text, { async: false })
  } finally {
    currentMentions = new Map()
    currentSelfId = ''
  }
  const clean = DOMPurify.sanitize(html, purifyConfig)
  if (key !== undefined) {
    if (cache.size >= cacheLimit) cache.delete(cache.keys().next().value!)
    cache.set(key, clean)
  }
  return clean
}

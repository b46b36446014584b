import { memo, useCallback, type MouseEvent } from 'react'
import type { Mention } from '../../../shared/model/types.ts'
import { cx } from '../components/ui.tsx'
import { renderMarkdown } from '../lib/markdown.ts'

/**
 * A message's text as Markdown. The HTML comes from marked and is sanitized by DOMPurify
 * (lib/markdown.ts); a code block's Copy button and a mention's click are handled here by delegation.
 */
export const Markdown = memo(function Markdown({
  text,
  mentions = [],
  selfId = '',
  cacheKey,
  streaming = false,
  className,
  onMentionClick
}: {
  text: string
  mentions?: readonly Mention[]
  selfId?: string
  cacheKey?: string
  streaming?: boolean
  className?: string
  onMentionClick?: (memberId: string) => void
}) {
  const html = renderMarkdown(text, mentions, selfId, cacheKey)
  const onClick = useCallback(
    (event: MouseEvent<HTMLDivElement>) => {
      const target = event.target as HTMLElement
      const copy = target.closest<HTMLButtonElement>('[data-copy-code]')
      if (copy !== null) {
        const code = copy.closest('.code-block')?.querySelector('code')?.textContent ?? ''
        void navigator.clipboard?.writeText(code).then(() => {
          copy.textContent = 'Copied'
          setTimeout(() => (copy.textContent = 'Copy'), 1500)
        })
        return
      }
      const mention = target.closest<HTMLElement>('.mention[data-member-id]')
      if (mention !== null && onMentionClick !== undefined) onMentionClick(mention.dataset.memberId!)
    },
    [onMentionClick]
  )
  return (
    <div
      className={cx('prose-message text-base text-fg', streaming && 'streaming-text', className)}
      onClick={onClick}
      // The HTML is sanitized by DOMPurify in renderMarkdown.
      dangerouslySetInnerHTML={{ __html: html }}
    />
  )
})

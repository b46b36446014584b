import { CornerDownLeft, SendHorizontal } from 'lucide-react'
import { forwardRef, useEffect, useId, useImperativeHandle, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import type { Member } from '../../../shared/model/types.ts'
import { listMembers } from '../../../shared/operations/members.ts'
import { postMessage } from '../../../shared/operations/messages.ts'
import { setTyping } from '../data/awareness.ts'
import { Avatar, cx, IconButton, Kbd, ProblemNotice, CoworkerBadge } from '../components/ui.tsx'
import { toProblem, type Problem } from '../data/problems.ts'
import { activeMention, insertMention, matchMembers, type ActiveMention } from '../lib/mentionQuery.ts'
import { useWorkspace } from '../workspace/context.tsx'
import { useChannel } from './channelContext.tsx'
import { TypingIndicator } from './TypingIndicator.tsx'

export interface ComposerHandle {
  focus(): void
  insert(text: string): void
}

/**
 * Writing a message: Enter sends, Shift+Enter adds a line, Up in an empty box edits your last message,
 * `@` suggests people and coworkers by handle. What is typed is kept as a draft on this device until it
 * is sent, so switching channels or reloading loses nothing.
 */
export const Composer = forwardRef<ComposerHandle, { label: string; placeholder: string; threadId: string | null; onEditLast: () => boolean; autoFocus?: boolean }>(function Composer(
  { label, placeholder, threadId, onEditLast, autoFocus = false },
  ref
) {
  const { root, context, workspace } = useWorkspace()
  const { channel, doc, awareness, selfId } = useChannel()
  const draftKey = `commons:draft:${workspace.workspaceId}:${channel.id}:${threadId ?? ''}`
  const [text, setText] = useState(() => readDraft(draftKey))
  const [problem, setProblem] = useState<Problem | null>(null)
  const [mention, setMention] = useState<ActiveMention | null>(null)
  const [highlight, setHighlight] = useState(0)
  const textarea = useRef<HTMLTextAreaElement>(null)
  const listId = useId()

  useImperativeHandle(ref, () => ({
    focus: () => textarea.current?.focus(),
    insert: (value: string) => {
      const current = textarea.current?.value ?? ''
      change(current === '' || current.endsWith(' ') ? current + value : `${current} ${value}`)
      textarea.current?.focus()
    }
  }))

  // A draft per channel and thread (the composer is keyed by both, so the key is fixed for its life).
  const change = (value: string) => {
    setText(value)
    writeDraft(draftKey, value)
  }

  useEffect(() => {
    if (autoFocus) textarea.current?.focus()
  }, [autoFocus, channel.id, threadId])

  // Grow with the text, up to a third of the window.
  useEffect(() => {
    const element = textarea.current
    if (element === null) return
    element.style.height = 'auto'
    element.style.height = `${Math.min(element.scrollHeight, Math.max(160, window.innerHeight / 3))}px`
  }, [text])

  useEffect(() => () => setTyping(awareness, threadId, false), [awareness, threadId])

  const members = useMemo(() => listMembers(root), [root, mention])
  const suggestions: Member[] = mention === null ? [] : matchMembers(members, mention.query, { excludeId: selfId })
  const open = mention !== null && suggestions.length > 0
  const highlighted = open ? suggestions[Math.min(highlight, suggestions.length - 1)] : undefined

  const updateMention = (value: string, caret: number) => {
    const found = activeMention(value, caret)
    setMention(found)
    if (found?.query !== mention?.query) setHighlight(0)
  }

  const choose = (member: Member) => {
    const element = textarea.current
    if (element === null || mention === null) return
    const inserted = insertMention(text, mention, element.selectionStart, member.handle)
    change(inserted.text)
    setMention(null)
    requestAnimationFrame(() => {
      element.focus()
      element.setSelectionRange(inserted.caret, inserted.caret)
    })
  }

  const send = () => {
    if (text.trim() === '') return
    try {
      postMessage({ root, channel: doc }, { channelId: channel.id, text, replyTo: threadId }, context)
      change('')
      setProblem(null)
      setMention(null)
      setTyping(awareness, threadId, false)
    } catch (error) {
      // The text stays in the box: nothing typed is lost.
      setProblem(toProblem(error))
    }
  }

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.nativeEvent.isComposing) return
    if (open) {
      if (event.key === 'ArrowDown' || (event.key === 'n' && event.ctrlKey)) {
        event.preventDefault()
        setHighlight((index) => (index + 1) % suggestions.length)
        return
      }
      if (event.key === 'ArrowUp' || (event.key === 'p' && event.ctrlKey)) {
        event.preventDefault()
        setHighlight((index) => (index - 1 + suggestions.length) % suggestions.length)
        return
      }
      if ((event.key === 'Enter' || event.key === 'Tab') && highlighted !== undefined) {
        event.preventDefault()
        choose(highlighted)
        return
      }
      if (event.key === 'Escape') {
        event.preventDefault()
        event.stopPropagation()
        setMention(null)
        return
      }
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.altKey) {
      event.preventDefault()
      send()
      return
    }
    if (event.key === 'ArrowUp' && text === '' && !event.shiftKey) {
      if (onEditLast()) event.preventDefault()
    }
  }

  const channelMembers = channel.members
  return (
    <div className="px-5 pb-1">
      {problem !== null && <ProblemNotice problem={problem} compact className="mb-2" onDismiss={() => setProblem(null)} />}
      <div className="relative rounded-xl border border-border-strong bg-bg shadow-sm focus-within:border-accent/70 focus-within:shadow-md">
        {open && (
          <ul id={listId} role="listbox" aria-label="People and coworkers" className="absolute bottom-full left-0 z-30 mb-2 w-80 overflow-hidden rounded-lg border border-border bg-bg-overlay p-1 shadow-lg">
            {suggestions.map((member, index) => {
              const inChannel = channelMembers[member.id] !== undefined
              return (
                <li
                  key={member.id}
                  id={`${listId}-${member.id}`}
                  role="option"
                  aria-selected={member === highlighted}
                  onMouseDown={(event) => {
                    event.preventDefault()
                    choose(member)
                  }}
                  onMouseEnter={() => setHighlight(index)}
                  className={cx('flex h-9 items-center gap-2 rounded-md px-2 text-sm', member === highlighted && 'bg-bg-muted')}
                >
                  <Avatar member={member} size="sm" />
                  <span className="truncate font-medium">{member.name}</span>
                  {member.kind === 'coworker' && <CoworkerBadge />}
                  <span className="truncate text-xs text-fg-subtle">@{member.handle}</span>
                  {!inChannel && <span className="ml-auto shrink-0 text-[11px] text-fg-subtle">not in #{channel.name}</span>}
                </li>
              )
            })}
          </ul>
        )}
        <textarea
          ref={textarea}
          value={text}
          rows={1}
          aria-label={label}
          placeholder={placeholder}
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={open ? listId : undefined}
          aria-activedescendant={highlighted === undefined ? undefined : `${listId}-${highlighted.id}`}
          onChange={(event) => {
            change(event.target.value)
            updateMention(event.target.value, event.target.selectionStart)
            setTyping(awareness, threadId, event.target.value.trim() !== '')
          }}
          onSelect={(event) => updateMention(event.currentTarget.value, event.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          onBlur={() => {
            setMention(null)
            setTyping(awareness, threadId, false)
          }}
          className="block max-h-[40vh] w-full resize-none bg-transparent px-3 pt-2.5 pb-1 text-base text-fg placeholder:text-fg-subtle focus:outline-none"
        />
        <div className="flex items-center justify-between px-2 pb-1.5">
          <span className="flex items-center gap-1 pl-1 text-[11px] text-fg-subtle">
            <Kbd>@</Kbd> to mention · <Kbd>Shift</Kbd>
            <Kbd>
              <CornerDownLeft className="size-2.5" />
            </Kbd>{' '}
            new line
          </span>
          <IconButton label="Send" shortcut="Enter" onClick={send} disabled={text.trim() === ''} className={cx(text.trim() !== '' && 'bg-accent text-accent-fg! hover:bg-accent-hover')}>
            <SendHorizontal className="size-4" />
          </IconButton>
        </div>
      </div>
      <TypingIndicator threadId={threadId} />
    </div>
  )
})

function readDraft(key: string): string {
  try {
    return localStorage.getItem(key) ?? ''
  } catch {
    return ''
  }
}

function writeDraft(key: string, text: string): void {
  try {
    if (text === '') localStorage.removeItem(key)
    else localStorage.setItem(key, text)
  } catch {
    // Without storage the draft lives only in the box.
  }
}

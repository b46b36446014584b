import { presentMembers, typingMembers, useAwarenessVersion, useTicker } from '../data/awareness.ts'
import { useChannel } from './channelContext.tsx'

/** "Ada is typing…", from the channel doc's awareness; always takes its line so the layout does not jump. */
export function TypingIndicator({ threadId }: { threadId: string | null }) {
  const { awareness, membersById, selfId } = useChannel()
  useAwarenessVersion(awareness)
  const anyone = presentMembers(awareness).size > 0
  const now = useTicker(anyone)
  const typing = typingMembers(awareness, threadId, selfId, now).map((id) => membersById.get(id)?.name ?? 'Someone')
  const text =
    typing.length === 0
      ? ''
      : typing.length === 1
        ? `${typing[0]} is typing…`
        : typing.length === 2
          ? `${typing[0]} and ${typing[1]} are typing…`
          : 'Several people are typing…'
  return (
    <p aria-live="polite" className="h-5 truncate pt-0.5 pl-1 text-xs text-fg-subtle">
      {text}
    </p>
  )
}

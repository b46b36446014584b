/**
 * A session as the assistant window shows it: the person's messages and the assistant's replies as
 * text, with tool calls folded away and each note (a failed or stopped reply, a share) on the entry it
 * follows. The stored conversation stays as the model needs it (assistantFile.ts).
 */

import type { AssistantSession, SessionNote } from './assistantFile.ts'

export interface TranscriptEntry {
  role: 'user' | 'assistant'
  text: string
  /** The stored message this entry ends at: pass it to shareToChannel or saveAsDeliverable. */
  messageIndex: number
  /** Why the reply after this message failed, when it did. */
  error: string | null
  hint: string | null
  /** The notes that follow this entry (errors, a stopped reply, where it was shared or saved). */
  notes: SessionNote[]
}

export function transcriptOf(session: AssistantSession): TranscriptEntry[] {
  const entries: TranscriptEntry[] = []
  session.messages.forEach((message, messageIndex) => {
    const text = message.content
      .flatMap((block) => (block.type === 'text' ? [block.text] : []))
      .join('\n\n')
      .trim()
    if (text === '') return // tool calls and their results
    const last = entries.at(-1)
    // One reply may span several model turns (text, a tool call, more text): one entry.
    if (message.role === 'assistant' && last?.role === 'assistant' && !session.notes.some((note) => note.afterMessage > last.messageIndex && note.afterMessage <= messageIndex)) {
      last.text = `${last.text}\n\n${text}`
      last.messageIndex = messageIndex
      return
    }
    entries.push({ role: message.role, text, messageIndex, error: null, hint: null, notes: [] })
  })
  for (const note of session.notes) {
    // A note follows the last entry that starts before it.
    const entry = entries.findLast((candidate) => candidate.messageIndex < note.afterMessage) ?? entries[0]
    if (entry === undefined) continue
    entry.notes.push(note)
    if (note.kind === 'error') {
      entry.error = note.text
      entry.hint = note.hint
    }
  }
  return entries
}

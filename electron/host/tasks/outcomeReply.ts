/**
 * The reply a coworker posts when its task ends, for every way it can end. A person reading the channel
 * learns from it what happened and, when the task did not succeed, what to do about it.
 */

export type RunEnding =
  | { kind: 'completed'; text: string }
  /** A member asked it to stop. */
  | { kind: 'stopped'; text: string; byName: string }
  /** A turn, token or spend budget ended it. */
  | { kind: 'budget'; text: string; reason: string }
  /** A model error, a configuration problem, or a crash that was not recovered. */
  | { kind: 'failed'; text: string; message: string; hint: string | null }

export interface EndingRecord {
  status: 'succeeded' | 'failed' | 'stopped'
  /** The task record's endReason: null when it succeeded. */
  endReason: string | null
  /** The reply message's text. */
  replyText: string
}

/** Message bodies are capped at 40,000 characters; leave room for the note. */
const maxReplyChars = 38_000

export function endingRecord(ending: RunEnding, options: { linkedDeliverables: number }): EndingRecord {
  const text = clipReply(ending.text.trim())
  switch (ending.kind) {
    case 'completed':
      return { status: 'succeeded', endReason: null, replyText: text === '' ? (options.linkedDeliverables > 0 ? 'Done: see the linked deliverables.' : 'Done.') : text }
    case 'stopped': {
      const reason = `stopped by ${ending.byName}`
      return { status: 'stopped', endReason: reason, replyText: withNote(text, `Stopped by ${ending.byName}.`, `Stopped by ${ending.byName} before I wrote anything.`) }
    }
    case 'budget':
      return { status: 'stopped', endReason: ending.reason, replyText: withNote(text, `Stopped: ${ending.reason}.`, `I stopped before finishing: ${ending.reason}.`) }
    case 'failed': {
      const hint = ending.hint === null || ending.hint === '' ? '' : ` To fix it: ${ending.hint}.`
      const reason = ending.hint === null || ending.hint === '' ? ending.message : `${ending.message} (${ending.hint})`
      return {
        status: 'failed',
        endReason: reason,
        replyText: withNote(text, `I could not finish this: ${ending.message}.${hint}`, `I could not do this: ${ending.message}.${hint}`)
      }
    }
  }
}

function withNote(text: string, note: string, alone: string): string {
  return text === '' ? tidy(alone) : `${text}\n\n— ${tidy(note)}`
}

/** "…refused (401).." and "…ANTHROPIC_API_KEY.." read badly: one full stop is enough. */
function tidy(sentence: string): string {
  return sentence.replace(/\.{2,}(?=\s|$)/g, '.')
}

function clipReply(text: string): string {
  return text.length <= maxReplyChars ? text : `${text.slice(0, maxReplyChars)}\n\n[… the reply was longer than a message can hold and was cut here]`
}

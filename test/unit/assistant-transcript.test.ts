import { describe, expect, it } from 'vitest'
import type { AssistantSession } from '../../electron/host/assistant/assistantFile.ts'
import { forModel, runTail } from '../../electron/host/assistant/conversation.ts'
import { transcriptOf } from '../../electron/host/assistant/transcript.ts'
import type { ConversationMessage } from '../../electron/agent/providers/types.ts'
import { newId } from '../../shared/ids.ts'

const user = (text: string): ConversationMessage => ({ role: 'user', content: [{ type: 'text', text }] })
const answer = (text: string): ConversationMessage => ({ role: 'assistant', content: [{ type: 'text', text }] })
const note = (kind: 'error' | 'stopped' | 'shared', afterMessage: number, text: string, hint: string | null = null) => ({ kind, afterMessage, text, hint, at: 1, channelId: null, targetId: null })

function sessionWith(messages: ConversationMessage[], notes: AssistantSession['notes'] = []): AssistantSession {
  return { id: newId('ses'), workspaceId: newId('ws'), title: 't', createdAt: 0, updatedAt: 0, provider: 'anthropic', model: '', contextChip: null, messages, notes }
}

describe('the assistant transcript', () => {
  it('shows text only, one entry per reply, with notes on the entry they follow', () => {
    const session = sessionWith(
      [
        user('first question'),
        user('asked again'),
        { role: 'assistant', content: [{ type: 'text', text: 'Let me look.' }, { type: 'tool_use', id: 't1', name: 'recall', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'memory' }] },
        answer('Here it is.'),
        user('and then?'),
        answer('Half')
      ],
      [note('error', 1, 'no key', 'add one'), note('shared', 5, 'Shared to #launch'), note('stopped', 7, 'You stopped this reply.')]
    )
    const entries = transcriptOf(session)
    expect(entries.map(({ role, text, messageIndex }) => ({ role, text, messageIndex }))).toEqual([
      { role: 'user', text: 'first question', messageIndex: 0 },
      { role: 'user', text: 'asked again', messageIndex: 1 },
      { role: 'assistant', text: 'Let me look.\n\nHere it is.', messageIndex: 4 },
      { role: 'user', text: 'and then?', messageIndex: 5 },
      { role: 'assistant', text: 'Half', messageIndex: 6 }
    ])
    expect(entries[0]).toMatchObject({ error: 'no key', hint: 'add one' })
    expect(entries[2]!.notes.map((item) => item.kind)).toEqual(['shared'])
    expect(entries[4]!.notes.map((item) => item.kind)).toEqual(['stopped'])
    expect(entries[4]!.error).toBeNull()
  })
})

describe('the conversation sent to the model', () => {
  it('merges consecutive turns of one role, so turns alternate', () => {
    expect(forModel([user('a'), user('b'), answer('c')])).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
      answer('c')
    ])
  })

  it('keeps what a run added, without a dangling tool call, and with text that streamed but was never saved', () => {
    const sent = [user('q')]
    const dangling: ConversationMessage = { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 't', name: 'recall', input: {} }] }
    expect(runTail([...sent, dangling], 1, 'Checking.')).toEqual([answer('Checking.')])
    expect(runTail([...sent, { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'recall', input: {} }] }], 1, '')).toEqual([])
    expect(runTail(sent, 1, 'partial repl')).toEqual([answer('partial repl')])
    expect(runTail([...sent, answer('One.')], 1, 'One. And two')).toEqual([{ role: 'assistant', content: [{ type: 'text', text: 'One.' }, { type: 'text', text: ' And two' }] }])
    expect(runTail([], 1, '')).toEqual([])
  })
})

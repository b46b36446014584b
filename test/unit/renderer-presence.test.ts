import { describe, expect, it } from 'vitest'
import { applyAwarenessUpdate, Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { presentMembers, setTyping, typingMembers } from '../../renderer/src/data/awareness.ts'

/** Two windows on one channel doc: what each says in its awareness reaches the other. */
function pair() {
  const a = new Awareness(new Y.Doc())
  const b = new Awareness(new Y.Doc())
  const relay = (from: Awareness, to: Awareness) =>
    from.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) =>
      applyAwarenessUpdate(to, encodeAwarenessUpdate(from, [...added, ...updated, ...removed]), 'relay')
    )
  relay(a, b)
  relay(b, a)
  return { a, b }
}

describe('presence and typing from a doc’s awareness', () => {
  it('lists the other members present, and who is typing where', () => {
    const { a, b } = pair()
    a.setLocalState({ memberId: 'mem_ada', typing: null })
    b.setLocalState({ memberId: 'mem_grace', typing: null })
    expect([...presentMembers(a)]).toEqual(['mem_grace'])
    setTyping(b, null, true)
    const now = Date.now()
    expect(typingMembers(a, null, 'mem_ada', now)).toEqual(['mem_grace'])
    expect(typingMembers(a, 'msg_thread', 'mem_ada', now)).toEqual([])
    expect(typingMembers(b, null, 'mem_grace', now)).toEqual([])
    // Typing expires on its own if the other window goes quiet without saying so.
    expect(typingMembers(a, null, 'mem_ada', now + 6000)).toEqual([])
    setTyping(b, null, false)
    expect(typingMembers(a, null, 'mem_ada', Date.now())).toEqual([])
    b.setLocalState(null)
    expect(presentMembers(a).size).toBe(0)
  })

  it('ignores states that are not presence (a replica that never announced itself)', () => {
    const { a, b } = pair()
    a.setLocalState({ memberId: 'mem_ada', typing: null })
    b.setLocalState({ cursor: 3 })
    expect(presentMembers(a).size).toBe(0)
    setTyping(b, null, true)
    expect(typingMembers(a, null, 'mem_ada', Date.now())).toEqual([])
  })
})

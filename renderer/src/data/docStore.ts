import { useCallback, useSyncExternalStore } from 'react'
import type * as Y from 'yjs'

/**
 * React reads Y.Docs through a version number per doc: a change bumps it (at most once per animation
 * frame, so a streaming reply does not re-render per token), and components re-read what they show with
 * the shared read functions. Nothing copies a whole doc into React state.
 */

interface DocVersion {
  version: number
  listeners: Set<() => void>
  scheduled: boolean
  detach: (() => void) | null
}

const versions = new WeakMap<object, DocVersion>()

const schedule: (callback: () => void) => void =
  typeof requestAnimationFrame === 'function' ? (callback) => requestAnimationFrame(() => callback()) : (callback) => setTimeout(callback, 16)

function stateOf(target: object): DocVersion {
  let state = versions.get(target)
  if (state === undefined) {
    state = { version: 0, listeners: new Set(), scheduled: false, detach: null }
    versions.set(target, state)
  }
  return state
}

function bump(state: DocVersion): void {
  if (state.scheduled) return
  state.scheduled = true
  schedule(() => {
    state.scheduled = false
    state.version++
    for (const listener of state.listeners) listener()
  })
}

function subscribeDoc(doc: Y.Doc, listener: () => void): () => void {
  const state = stateOf(doc)
  state.listeners.add(listener)
  if (state.detach === null) {
    const onUpdate = () => bump(state)
    doc.on('update', onUpdate)
    state.detach = () => doc.off('update', onUpdate)
  }
  return () => {
    state.listeners.delete(listener)
    if (state.listeners.size === 0) {
      state.detach?.()
      state.detach = null
    }
  }
}

const noDoc = () => () => {}

/** A number that changes whenever `doc` changes (batched per frame); 0 without a doc. */
export function useDocVersion(doc: Y.Doc | null): number {
  const subscribe = useCallback((listener: () => void) => (doc === null ? noDoc() : subscribeDoc(doc, listener)), [doc])
  return useSyncExternalStore(subscribe, () => (doc === null ? 0 : stateOf(doc).version))
}

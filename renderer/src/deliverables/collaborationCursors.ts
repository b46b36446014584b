import { Extension } from '@tiptap/core'
import { Plugin, PluginKey } from '@tiptap/pm/state'
import { Decoration, DecorationSet } from '@tiptap/pm/view'
import { yCursorPlugin } from '@tiptap/y-tiptap'
import type { Awareness } from 'y-protocols/awareness'

/**
 * Other people's carets and selections in a collaborative document, from the deliverable doc's
 * awareness. A thin TipTap extension around y-tiptap's `yCursorPlugin` (the published
 * collaboration-caret extension pins an older TipTap core): each window's awareness state carries
 * `user: { name, color }` (see replicas.ts) and the plugin keeps `cursor` up to date for this window.
 */
export interface CollaborationCursorsOptions {
  awareness: Awareness | null
}

interface CursorUser {
  name: string
  color: string
}

function caret(user: CursorUser): HTMLElement {
  const caret = document.createElement('span')
  caret.className = 'collab-caret pointer-events-none relative -mx-px inline-block h-[1.2em] border-l-2 align-text-bottom'
  caret.style.borderColor = user.color
  caret.dataset.cursorName = user.name
  const label = document.createElement('span')
  label.className =
    'collab-caret-label absolute bottom-full -left-0.5 mb-px rounded-sm rounded-bl-none px-1 font-sans text-[11px] leading-4 font-semibold whitespace-nowrap select-none'
  label.style.backgroundColor = user.color
  label.style.color = '#fff'
  label.textContent = user.name
  label.setAttribute('aria-hidden', 'true')
  // Word joiners keep the caret from breaking a line by itself, as y-tiptap's own caret does.
  caret.append(document.createTextNode('\u2060'), label, document.createTextNode('\u2060'))
  return caret
}

export const CollaborationCursors = Extension.create<CollaborationCursorsOptions>({
  name: 'collaborationCursors',

  addOptions() {
    return { awareness: null }
  },

  addProseMirrorPlugins() {
    const awareness = this.options.awareness
    if (awareness === null) return []
    return [
      yCursorPlugin(awareness, {
        cursorBuilder: (user: CursorUser) => caret(user),
        selectionBuilder: (user: CursorUser) => ({ style: `background-color: ${user.color}33`, class: 'collab-selection' })
      })
    ]
  }
})

/**
 * The "Start writing…" hint in an empty document: a class on the only, empty paragraph, drawn by the
 * editor's styles with `data-placeholder` (so nothing is written into the shared doc).
 */
export const EmptyDocumentHint = Extension.create<{ text: string }>({
  name: 'emptyDocumentHint',

  addOptions() {
    return { text: 'Start writing…' }
  },

  addProseMirrorPlugins() {
    const text = this.options.text
    return [
      new Plugin({
        key: new PluginKey('emptyDocumentHint'),
        props: {
          decorations(state) {
            const { doc } = state
            const first = doc.firstChild
            if (doc.childCount !== 1 || first === null || first.type.name !== 'paragraph' || first.content.size !== 0) return null
            return DecorationSet.create(doc, [Decoration.node(0, first.nodeSize, { class: 'is-empty-doc', 'data-placeholder': text })])
          }
        }
      })
    ]
  }
})

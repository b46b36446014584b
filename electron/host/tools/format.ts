import type * as Y from 'yjs'
import { rootCollections } from '../../../shared/model/rootDoc.ts'

/** Cuts text to `max` characters, saying how much was left out so the model knows it did not see it all. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text
  return `${text.slice(0, max)}… [cut: ${(text.length - max).toLocaleString('en')} more characters]`
}

/** One line: whitespace collapsed, at most `max` characters. */
export function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`
}

/** A time the model can read and compare: `2026-11-21T09:00Z` (UTC, to the minute). */
export function isoMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16) + 'Z'
}

/** Names members by id with the handle to @mention them by (`Ada (@ada)`, `Scout (@scout, coworker)`). */
export function memberNamer(root: Y.Doc): (memberId: string) => string {
  const members = rootCollections(root).members
  return (memberId) => {
    const record = members.get(memberId)
    if (record === undefined) return 'an unknown member'
    const name = String(record.get('name'))
    if (record.get('removedAt') != null) return `${name} (no longer a member)`
    const handle = `@${String(record.get('handle'))}`
    return record.get('kind') === 'coworker' ? `${name} (${handle}, coworker)` : `${name} (${handle})`
  }
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`
  return `${(size / (1024 * 1024)).toFixed(1)} MB`
}

/** A window of a long text, with where it sits in the whole and how to read on. */
export function textWindow(text: string, offset: number, size: number): { text: string; note: string | null } {
  const start = Math.min(offset, text.length)
  const end = Math.min(start + size, text.length)
  const slice = text.slice(start, end)
  if (start === 0 && end === text.length) return { text: slice, note: null }
  const more = end < text.length ? `; read on with offset ${end}` : '; this is the end'
  return { text: slice, note: `characters ${start.toLocaleString('en')}–${end.toLocaleString('en')} of ${text.length.toLocaleString('en')}${more}` }
}

import { ValidationError } from '../../../shared/errors.ts'
import type { Deliverable, DeliverableKind, DeliverableStatus, TrackerColumn, TrackerColumnType, TrackerValue } from '../../../shared/model/types.ts'

/**
 * The deliverables views' pure parts: labels, filters, what a status allows, column drafts for a new
 * tracker, the grid's keyboard moves and row moves. No React and no DOM, so they are unit-tested.
 */

export const kindLabels: Record<DeliverableKind, { one: string; many: string }> = {
  document: { one: 'Document', many: 'Documents' },
  tracker: { one: 'Tracker', many: 'Trackers' },
  report: { one: 'Report', many: 'Reports' }
}

export const statusLabels: Record<DeliverableStatus, string> = {
  draft: 'Draft',
  'in-review': 'In review',
  approved: 'Approved'
}

export const deliverableKinds: readonly DeliverableKind[] = ['document', 'tracker', 'report']
export const deliverableStatuses: readonly DeliverableStatus[] = ['draft', 'in-review', 'approved']

export interface DeliverableFilter {
  kind: DeliverableKind | 'all'
  status: DeliverableStatus | 'all'
  /** A channel id, `none` for deliverables in no channel, or `all`. */
  channel: string
  query: string
}

export const noFilter: DeliverableFilter = { kind: 'all', status: 'all', channel: 'all', query: '' }

export function isFiltered(filter: DeliverableFilter): boolean {
  return filter.kind !== 'all' || filter.status !== 'all' || filter.channel !== 'all' || filter.query.trim() !== ''
}

export function filterDeliverables(items: readonly Deliverable[], filter: DeliverableFilter): Deliverable[] {
  const words = filter.query.toLowerCase().split(/\s+/).filter(Boolean)
  return items.filter(
    (item) =>
      (filter.kind === 'all' || item.kind === filter.kind) &&
      (filter.status === 'all' || item.status === filter.status) &&
      (filter.channel === 'all' || (filter.channel === 'none' ? item.channelId === null : item.channelId === filter.channel)) &&
      words.every((word) => item.title.toLowerCase().includes(word))
  )
}

/** How many deliverables of each kind, for the kind tabs. */
export function countByKind(items: readonly Deliverable[]): Record<DeliverableKind | 'all', number> {
  const counts = { all: items.length, document: 0, tracker: 0, report: 0 }
  for (const item of items) counts[item.kind]++
  return counts
}

/** What the person can do next with a deliverable's status (the transitions setDeliverableStatus allows). */
export type StatusAction = 'request-review' | 'approve' | 'request-changes' | 'reopen'

export function statusActions(status: DeliverableStatus): StatusAction[] {
  switch (status) {
    case 'draft':
      return ['request-review']
    case 'in-review':
      return ['approve', 'request-changes']
    case 'approved':
      return ['reopen']
  }
}

/** What a status change says in the history: `sent it for review`, `asked for changes`… */
export function historyVerb(change: { status: DeliverableStatus; comment: string }, first: boolean): string {
  if (first) return 'created it'
  switch (change.status) {
    case 'in-review':
      return 'sent it for review'
    case 'approved':
      return 'approved it'
    case 'draft':
      if (change.comment === reopenedComment) return 'reopened it as a draft'
      return isChangeRequest(change) ? 'asked for changes' : 'set it back to draft'
  }
}

/** The comment "Reopen as draft" leaves in the history. */
export const reopenedComment = 'reopened'

/**
 * Whether a change back to draft carries a reviewer's request (review.requestChanges) rather than a
 * reopening, or a coworker's note that it changed an approved deliverable (electron/host/workflows/review.ts).
 */
export function isChangeRequest(change: { status: DeliverableStatus; comment: string }): boolean {
  return change.status === 'draft' && change.comment !== '' && change.comment !== reopenedComment && change.comment !== 'changed after it was approved'
}

/** A file name for an export: the title, made safe for every file system. */
export function exportFileName(title: string, extension: string): string {
  const base = title
    .normalize('NFKC')
    .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .slice(0, 120)
    .trim()
  return `${base === '' ? 'Untitled' : base}.${extension}`
}

// ---------------------------------------------------------------------------------------------------
// A new tracker's columns, as the create dialog edits them

export interface ColumnDraft {
  /** A key for React; not stored. */
  key: string
  name: string
  type: TrackerColumnType
  /** Select options as typed: separated by commas. */
  options: string
}

export const columnTypeLabels: Record<TrackerColumnType, string> = {
  text: 'Text',
  number: 'Number',
  date: 'Date',
  checkbox: 'Checkbox',
  select: 'Select'
}

export const columnTypes: readonly TrackerColumnType[] = ['text', 'number', 'date', 'checkbox', 'select']

export function splitOptions(text: string): string[] {
  return text
    .split(',')
    .map((option) => option.trim())
    .filter((option) => option !== '')
}

/** The drafts as createTracker's `columns`; options only for select columns. */
export function columnsFromDrafts(drafts: readonly ColumnDraft[]): Array<{ name: string; type: TrackerColumnType; options?: string[] }> {
  return drafts.map((draft) => (draft.type === 'select' ? { name: draft.name, type: draft.type, options: splitOptions(draft.options) } : { name: draft.name, type: draft.type }))
}

/**
 * Where an operation's validation problems belong in a form: `title`, `columns.2.options` → the field
 * and the problem. Problems about the input as a whole (or a field the form does not show) go to `form`.
 */
export function problemsByField(error: unknown): Map<string, string> {
  const out = new Map<string, string>()
  if (!(error instanceof ValidationError)) return out
  for (const { field, problem } of error.problems) {
    const key = field === '' ? 'form' : field
    if (!out.has(key)) out.set(key, problem)
  }
  return out
}

/** A cell's problem as the grid shows it: `Due: must be a date…` → `must be a date…` under the Due cell. */
export function cellProblem(error: unknown): string {
  if (error instanceof ValidationError && error.problems.length > 0) {
    const { problem } = error.problems[0]!
    return problem.charAt(0).toUpperCase() + problem.slice(1)
  }
  const message = error instanceof Error ? error.message : String(error)
  return message.charAt(0).toUpperCase() + message.slice(1)
}

// ---------------------------------------------------------------------------------------------------
// The tracker grid

/** Text to start editing a cell with: what is there now, written the way coerceCellText reads it back. */
export function editText(column: TrackerColumn, value: TrackerValue): string {
  if (value === null) return ''
  if (column.type === 'checkbox') return value === true ? 'true' : 'false'
  return String(value)
}

const dateFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' })
const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 10 })

/** A cell as the grid shows it (checkboxes and selects draw themselves). */
export function displayText(column: TrackerColumn, value: TrackerValue): string {
  if (value === null) return ''
  switch (column.type) {
    case 'number':
      return typeof value === 'number' ? numberFormat.format(value) : String(value)
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? dateFormat.format(new Date(`${value}T00:00:00Z`)) : String(value)
    default:
      return String(value)
  }
}

export interface GridPosition {
  row: number
  col: number
}

/** Where an arrow (or Home/End, Tab) key moves the active cell in a grid of `rows` × `cols`. */
export function moveInGrid(position: GridPosition, key: string, rows: number, cols: number, options: { shift?: boolean; ctrl?: boolean } = {}): GridPosition {
  if (rows === 0 || cols === 0) return position
  const clamp = (row: number, col: number): GridPosition => ({ row: Math.max(0, Math.min(rows - 1, row)), col: Math.max(0, Math.min(cols - 1, col)) })
  const { row, col } = position
  switch (key) {
    case 'ArrowUp':
      return clamp(options.ctrl === true ? 0 : row - 1, col)
    case 'ArrowDown':
      return clamp(options.ctrl === true ? rows - 1 : row + 1, col)
    case 'ArrowLeft':
      return clamp(row, col - 1)
    case 'ArrowRight':
      return clamp(row, col + 1)
    case 'Home':
      return options.ctrl === true ? clamp(0, 0) : clamp(row, 0)
    case 'End':
      return options.ctrl === true ? clamp(rows - 1, cols - 1) : clamp(row, cols - 1)
    case 'Tab':
      if (options.shift === true) return col > 0 ? clamp(row, col - 1) : row > 0 ? clamp(row - 1, cols - 1) : clamp(row, col)
      return col < cols - 1 ? clamp(row, col + 1) : row < rows - 1 ? clamp(row + 1, 0) : clamp(row, col)
    default:
      return clamp(row, col)
  }
}

/**
 * The `toIndex` for moveTrackerRow that puts `rowId` just before (or after) `targetId` as people see
 * the rows. moveTrackerRow drops every place `rowId` holds, then inserts at `toIndex`; readers keep an
 * id's first place, so the target's place is its first one in what remains.
 */
export function moveIndex(rowOrder: readonly string[], rowId: string, targetId: string, placement: 'before' | 'after'): number | null {
  if (rowId === targetId) return null
  const remaining = rowOrder.filter((id) => id !== rowId)
  const at = remaining.indexOf(targetId)
  if (at === -1) return null
  return placement === 'before' ? at : at + 1
}

/** The neighbour a row swaps with when moved one place up or down among the rows shown, and where it goes. */
export function stepTarget(shownIds: readonly string[], rowId: string, direction: -1 | 1): { targetId: string; placement: 'before' | 'after' } | null {
  const index = shownIds.indexOf(rowId)
  const target = shownIds[index + direction]
  if (index === -1 || target === undefined) return null
  return { targetId: target, placement: direction === -1 ? 'before' : 'after' }
}

// ---------------------------------------------------------------------------------------------------
// Collaborators' cursors

/** Six-digit hex colours (y-tiptap's cursor plugin wants that form), legible under white text in light and dark. */
export const cursorColors = ['#2e63e6', '#d9480f', '#1a8754', '#c2255c', '#0c8599', '#9c6b00', '#5c5fd6', '#c92a2a'] as const

export function cursorColor(seed: string): string {
  let hash = 0
  for (let index = 0; index < seed.length; index++) hash = (hash * 31 + seed.charCodeAt(index)) | 0
  return cursorColors[Math.abs(hash) % cursorColors.length]!
}

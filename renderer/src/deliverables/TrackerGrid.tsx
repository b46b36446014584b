import * as Checkbox from '@radix-ui/react-checkbox'
import * as Select from '@radix-ui/react-select'
import { useVirtualizer } from '@tanstack/react-virtual'
import { Check, GripVertical, Plus, Trash2 } from 'lucide-react'
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent, type ReactNode, type RefObject } from 'react'
import type { Awareness } from 'y-protocols/awareness'
import type * as Y from 'yjs'
import { readTracker } from '../../../shared/content/trackerTable.ts'
import { trackerCollections } from '../../../shared/model/deliverableDoc.ts'
import type { TrackerColumn, TrackerColumnType, TrackerRow, TrackerValue } from '../../../shared/model/types.ts'
import { addTrackerRows, coerceCellText, deleteTrackerRow, moveTrackerRow, updateTrackerRow } from '../../../shared/operations/trackers.ts'
import { cx, EmptyState } from '../components/ui.tsx'
import { useAwarenessVersion } from '../data/awareness.ts'
import { useDocVersion } from '../data/docStore.ts'
import { toProblem } from '../data/problems.ts'
import { useWorkspace } from '../workspace/context.tsx'
import { columnTypeIcons } from './CreateDialogs.tsx'
import { cellProblem, displayText, editText, moveIndex, moveInGrid, stepTarget, type GridPosition } from './model.ts'
import { collaborators } from './replicas.ts'

/**
 * A tracker as an editable grid, bound to the tracker doc: every change is a shared operation
 * (updateTrackerRow, addTrackerRows, moveTrackerRow, deleteTrackerRow) under the window's context, so a
 * value the column does not accept is refused with the operation's message, shown under the cell.
 *
 * Keyboard: arrows, Home/End and Tab move between cells; Enter (or F2, or typing) edits; Enter commits
 * and moves down, Escape cancels; Space or Enter toggles a checkbox; Delete clears a cell; Alt+Up and
 * Alt+Down move the row. Rows are virtualized, so a tracker with thousands of rows stays quick.
 */

const columnWidths: Record<TrackerColumnType, number> = { text: 260, number: 120, date: 150, checkbox: 96, select: 170 }
const rowHeight = 37
const noValue = '__none__'

interface Active {
  rowId: string
  /** A data column's index, or `columns.length` for the row's actions cell. */
  col: number
}

interface Editing {
  rowId: string
  columnId: string
  text: string
  problem: string | null
}

const cellKey = (rowId: string, columnId: string) => `${rowId}:${columnId}`

export function TrackerGrid({ doc, awareness, label, editable = true }: { doc: Y.Doc; awareness: Awareness; label: string; editable?: boolean }) {
  const { context, toast, reportProblem } = useWorkspace()
  const version = useDocVersion(doc)
  const awarenessVersion = useAwarenessVersion(awareness)
  const table = useMemo(() => readTracker(doc), [doc, version])
  const { columns, rows } = table
  const [active, setActive] = useState<Active | null>(null)
  const [editing, setEditing] = useState<Editing | null>(null)
  const [drop, setDrop] = useState<{ rowId: string; placement: 'before' | 'after' } | null>(null)
  const [dragging, setDragging] = useState<string | null>(null)
  const gridRef = useRef<HTMLTableElement>(null)
  const scrollRef = useRef<HTMLDivElement>(null)
  const wantsFocus = useRef(false)
  const editingRef = useRef<Editing | null>(null)
  editingRef.current = editing

  const rowIndex = useMemo(() => new Map(rows.map((row, index) => [row.id, index])), [rows])
  const colCount = columns.length + 1
  const position: GridPosition | null = active === null || !rowIndex.has(active.rowId) ? null : { row: rowIndex.get(active.rowId)!, col: Math.min(active.col, columns.length) }

  // Others' cells, kept as the same object while they stay put (this window's own moves change awareness too).
  const othersKey = useMemo(
    () => JSON.stringify(collaborators(awareness).flatMap((other) => (other.cell === null ? [] : [[cellKey(other.cell.rowId, other.cell.columnId), other.name, other.color]]))),
    [awareness, awarenessVersion]
  )
  const othersByCell = useMemo(() => {
    const map = new Map<string, { name: string; color: string }>()
    for (const [key, name, color] of JSON.parse(othersKey) as Array<[string, string, string]>) if (!map.has(key)) map.set(key, { name, color })
    return map
  }, [othersKey])

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    getItemKey: (index) => rows[index]?.id ?? index,
    scrollPaddingStart: 36,
    scrollPaddingEnd: 48
  })

  // Tell the others which cell this window is on.
  const activeColumnId = position === null ? null : (columns[position.col]?.id ?? null)
  useEffect(() => {
    if (awareness.getLocalState() === null) return
    awareness.setLocalStateField('cell', active !== null && activeColumnId !== null ? { rowId: active.rowId, columnId: activeColumnId } : null)
  }, [awareness, active, activeColumnId])

  // A row deleted elsewhere takes its edit with it.
  useEffect(() => {
    // (The doc, not `rows`: rows are re-read once per frame, and a row added a moment ago is not in them yet.)
    if (editing !== null && !trackerCollections(doc).rows.has(editing.rowId)) setEditing(null)
  }, [doc, editing, rowIndex])

  // Focus follows the active cell, once the person is working in the grid.
  useLayoutEffect(() => {
    if (!wantsFocus.current || position === null || editing !== null) return
    const target = gridRef.current?.querySelector<HTMLElement>(`[data-focus="${position.row}:${position.col}"]`)
    if (target === null || target === undefined) {
      virtualizer.scrollToIndex(position.row)
      return
    }
    wantsFocus.current = false
    if (document.activeElement !== target) target.focus({ preventScroll: true })
    target.scrollIntoView({ block: 'nearest', inline: 'nearest' })
  })

  const moveTo = (next: GridPosition) => {
    const row = rows[next.row]
    if (row === undefined) return
    wantsFocus.current = true
    setActive({ rowId: row.id, col: next.col })
    virtualizer.scrollToIndex(next.row)
  }

  // ---- changes, all through the shared operations

  const setCell = useCallback(
    (row: TrackerRow, column: TrackerColumn, value: TrackerValue): string | null => {
      try {
        updateTrackerRow(doc, { rowId: row.id, values: { [column.id]: value } }, context)
        return null
      } catch (error) {
        return cellProblem(error)
      }
    },
    [doc, context]
  )

  const commitEdit = (): boolean => {
    const current = editingRef.current
    if (current === null) return true
    const row = rows.find((candidate) => candidate.id === current.rowId)
    const column = columns.find((candidate) => candidate.id === current.columnId)
    if (row === undefined || column === undefined) {
      setEditing(null)
      return true
    }
    let problem: string | null
    try {
      problem = setCell(row, column, coerceCellText(column, current.text))
    } catch (error) {
      problem = cellProblem(error)
    }
    if (problem !== null) {
      const failed = { ...current, problem }
      editingRef.current = failed
      setEditing(failed)
      return false
    }
    editingRef.current = null
    setEditing(null)
    return true
  }

  const startEdit = (row: TrackerRow, column: TrackerColumn, text?: string) => {
    if (!editable) return
    setActive({ rowId: row.id, col: columns.indexOf(column) })
    setEditing({ rowId: row.id, columnId: column.id, text: text ?? editText(column, row.values[column.id] ?? null), problem: null })
  }

  const addRow = () => {
    try {
      const [id] = addTrackerRows(doc, { rows: [{}] }, context)
      if (id === undefined) return
      const first = columns[0]
      wantsFocus.current = true
      setActive({ rowId: id, col: 0 })
      requestAnimationFrame(() => virtualizer.scrollToIndex(rows.length, { align: 'end' }))
      if (first !== undefined && (first.type === 'text' || first.type === 'number')) setEditing({ rowId: id, columnId: first.id, text: '', problem: null })
    } catch (error) {
      reportProblem(toProblem(error))
    }
  }

  const moveRow = (rowId: string, targetId: string, placement: 'before' | 'after') => {
    const toIndex = moveIndex(trackerCollections(doc).rowOrder.toArray(), rowId, targetId, placement)
    if (toIndex === null) return
    try {
      moveTrackerRow(doc, { rowId, toIndex }, context)
    } catch (error) {
      reportProblem(toProblem(error))
    }
  }

  const stepRow = (rowId: string, direction: -1 | 1) => {
    const target = stepTarget(
      rows.map((row) => row.id),
      rowId,
      direction
    )
    if (target === null) return
    moveRow(rowId, target.targetId, target.placement)
    wantsFocus.current = true
  }

  const deleteRow = (row: TrackerRow) => {
    const index = rowIndex.get(row.id) ?? 0
    const before = rows[index - 1]?.id ?? null
    const after = rows[index + 1]?.id ?? null
    const values = Object.fromEntries(Object.entries(row.values).filter(([, value]) => value !== null))
    try {
      deleteTrackerRow(doc, { rowId: row.id }, context)
    } catch (error) {
      reportProblem(toProblem(error))
      return
    }
    const next = rows[index + 1] ?? rows[index - 1]
    if (next !== undefined) setActive((current) => (current === null ? null : { rowId: next.id, col: current.col }))
    const label = columns.map((column) => row.values[column.id]).find((value): value is string => typeof value === 'string' && value.trim() !== '')
    toast({
      tone: 'info',
      title: `Row ${index + 1} deleted`,
      body: label ?? null,
      action: {
        label: 'Undo',
        run: () => {
          try {
            const [restored] = addTrackerRows(doc, { rows: [values] }, context)
            if (restored === undefined) return
            const order = trackerCollections(doc).rowOrder.toArray()
            const toIndex = before !== null ? moveIndex(order, restored, before, 'after') : after !== null ? moveIndex(order, restored, after, 'before') : null
            if (toIndex !== null) moveTrackerRow(doc, { rowId: restored, toIndex }, context)
          } catch (error) {
            reportProblem(toProblem(error))
          }
        }
      }
    })
  }

  // ---- keyboard

  const onKeyDownCapture = (event: KeyboardEvent<HTMLTableElement>) => {
    // Keys in an open select's list (a portal) or in a cell being edited are theirs.
    if (!event.currentTarget.contains(event.target as Node)) return
    if ((event.target as HTMLElement).dataset.editor !== undefined) return
    if (position === null) return
    const row = rows[position.row]
    const column = columns[position.col]
    if (row === undefined) return
    const { key } = event
    const mod = event.metaKey || event.ctrlKey

    if (event.altKey && (key === 'ArrowUp' || key === 'ArrowDown')) {
      // Alt+Up/Down elsewhere switches channels (the sidebar listens on window): here it moves the row.
      event.preventDefault()
      event.stopPropagation()
      if (editable) stepRow(row.id, key === 'ArrowUp' ? -1 : 1)
      return
    }
    if (['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown'].includes(key) && !event.altKey) {
      event.preventDefault()
      const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / rowHeight) - 1)
      const next =
        key === 'PageUp' || key === 'PageDown'
          ? { row: Math.max(0, Math.min(rows.length - 1, position.row + (key === 'PageUp' ? -page : page))), col: position.col }
          : moveInGrid(position, key, rows.length, colCount, { ctrl: mod })
      moveTo(next)
      return
    }
    if (key === 'Tab') {
      const next = moveInGrid(position, key, rows.length, colCount, { shift: event.shiftKey })
      if (next.row === position.row && next.col === position.col) return
      event.preventDefault()
      moveTo(next)
      return
    }
    if (column === undefined || !editable) return
    if (column.type === 'checkbox') {
      // Space toggles natively (the checkbox is a button); Enter does too, in a grid.
      if (key === 'Enter') {
        event.preventDefault()
        const problem = setCell(row, column, row.values[column.id] !== true)
        if (problem !== null) reportProblem({ message: problem, hint: null, code: null })
      } else if (key === 'Delete' || key === 'Backspace') {
        event.preventDefault()
        setCell(row, column, null)
      }
      return
    }
    if (column.type === 'select') {
      if (key === 'Delete' || key === 'Backspace') {
        event.preventDefault()
        setCell(row, column, null)
      }
      // Enter and Space open the select (Radix).
      return
    }
    if (key === 'Enter' || key === 'F2') {
      event.preventDefault()
      startEdit(row, column)
    } else if (key === 'Delete' || key === 'Backspace') {
      event.preventDefault()
      const problem = setCell(row, column, null)
      if (problem !== null) reportProblem({ message: problem, hint: null, code: null })
    } else if (key.length === 1 && !mod && !event.altKey && column.type !== 'date') {
      event.preventDefault()
      startEdit(row, column, key)
    }
  }

  // ---- drag and drop

  const onDragOver = (event: DragEvent<HTMLTableRowElement>, rowId: string) => {
    if (dragging === null || !event.dataTransfer.types.includes('application/x-commons-row')) return
    event.preventDefault()
    event.dataTransfer.dropEffect = 'move'
    const box = event.currentTarget.getBoundingClientRect()
    const placement = event.clientY < box.top + box.height / 2 ? 'before' : 'after'
    if (drop?.rowId !== rowId || drop.placement !== placement) setDrop({ rowId, placement })
  }

  const onDrop = (event: DragEvent<HTMLTableRowElement>) => {
    const rowId = event.dataTransfer.getData('application/x-commons-row')
    event.preventDefault()
    if (rowId !== '' && drop !== null) moveRow(rowId, drop.rowId, drop.placement)
    setDrop(null)
    setDragging(null)
  }

  // ---- render

  // Rows and cells are memoized; what they call goes through this ref, so it is always the current code.
  const api = useRef<GridApi>(null!)
  api.current = {
    activate: (rowId, col) => {
      wantsFocus.current = true
      setActive((current) => (current !== null && current.rowId === rowId && current.col === col ? current : { rowId, col }))
    },
    startEdit: (rowId, columnId) => {
      const row = rows.find((candidate) => candidate.id === rowId)
      const column = columns.find((candidate) => candidate.id === columnId)
      if (row !== undefined && column !== undefined) startEdit(row, column)
    },
    editText: (text) => setEditing((current) => (current === null ? current : { ...current, text })),
    commit: (rowId, col, move) => {
      if (!commitEdit()) return
      wantsFocus.current = true
      const row = rowIndex.get(rowId) ?? 0
      if (move === 'down') moveTo(moveInGrid({ row, col }, 'ArrowDown', rows.length, colCount))
      else if (move === 'right' || move === 'left') moveTo(moveInGrid({ row, col }, 'Tab', rows.length, colCount, { shift: move === 'left' }))
      else moveTo({ row, col })
    },
    blurCommit: (rowId, columnId) => {
      const current = editingRef.current
      if (current !== null && current.rowId === rowId && current.columnId === columnId) commitEdit()
    },
    cancel: (rowId, col) => {
      editingRef.current = null
      setEditing(null)
      wantsFocus.current = true
      setActive({ rowId, col })
    },
    set: (rowId, columnId, value) => {
      const row = rows.find((candidate) => candidate.id === rowId)
      const column = columns.find((candidate) => candidate.id === columnId)
      if (row === undefined || column === undefined) return
      const problem = setCell(row, column, value)
      if (problem !== null) reportProblem({ message: problem, hint: null, code: null })
    },
    deleteRow: (rowId) => {
      const row = rows.find((candidate) => candidate.id === rowId)
      if (row !== undefined) deleteRow(row)
    },
    dragStart: (rowId) => setDragging(rowId),
    dragEnd: () => {
      setDragging(null)
      setDrop(null)
    },
    dragOver: onDragOver,
    drop: onDrop
  }

  const items = virtualizer.getVirtualItems()
  const padTop = items[0]?.start ?? 0
  const padBottom = Math.max(0, virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0))
  const tableWidth = 24 + columns.reduce((sum, column) => sum + columnWidths[column.type], 0) + 44

  return (
    <div ref={scrollRef} className="relative min-h-0 flex-1 overflow-auto">
      <table
        ref={gridRef}
        role="grid"
        aria-label={label}
        aria-rowcount={rows.length + 1}
        aria-colcount={colCount}
        onKeyDownCapture={onKeyDownCapture}
        className="table-fixed border-separate border-spacing-0 text-sm"
        style={{ width: `max(100%, ${tableWidth + 48}px)` }}
      >
        <colgroup>
          <col style={{ width: 24 }} />
          {columns.map((column) => (
            <col key={column.id} style={{ width: columnWidths[column.type] }} />
          ))}
          <col style={{ width: 44 }} />
          <col />
        </colgroup>
        <thead className="sticky top-0 z-10">
          <tr role="row" aria-rowindex={1} className="h-9 bg-bg-subtle text-left text-xs font-medium text-fg-muted">
            <th aria-hidden className="border-b border-border" />
            {columns.map((column) => (
              <th key={column.id} role="columnheader" scope="col" className="border-b border-l border-border px-3 font-medium">
                <span className={cx('flex min-w-0 items-center gap-1.5', column.type === 'number' && 'justify-end')}>
                  <span aria-hidden className="text-fg-subtle">
                    {columnTypeIcons[column.type]}
                  </span>
                  <span className="truncate">{column.name}</span>
                </span>
              </th>
            ))}
            <th className="border-b border-l border-border">
              <span className="sr-only">Row actions</span>
            </th>
            <th aria-hidden className="border-b border-border" />
          </tr>
        </thead>
        <tbody>
          {padTop > 0 && (
            <tr aria-hidden>
              <td style={{ height: padTop }} colSpan={columns.length + 3} />
            </tr>
          )}
          {items.map((item) => {
            const row = rows[item.index]
            if (row === undefined) return null
            const isActiveRow = position !== null && position.row === item.index
            return (
              <GridRow
                key={row.id}
                api={api}
                row={row}
                index={item.index}
                columns={columns}
                measure={virtualizer.measureElement}
                activeCol={isActiveRow ? position.col : null}
                tabbableCol={isActiveRow ? position.col : position === null && item.index === 0 ? 0 : null}
                editing={editing !== null && editing.rowId === row.id ? editing : null}
                editable={editable}
                othersByCell={othersByCell}
                drop={drop !== null && drop.rowId === row.id && dragging !== row.id ? drop.placement : null}
                dragging={dragging === row.id}
              />
            )
          })}
          {padBottom > 0 && (
            <tr aria-hidden>
              <td style={{ height: padBottom }} colSpan={columns.length + 3} />
            </tr>
          )}
        </tbody>
      </table>
      {rows.length === 0 && (
        <EmptyState title="No rows yet" className="py-8">
          Add the first row below. Each column takes its own type of value: text, numbers, dates, checkboxes or a choice.
        </EmptyState>
      )}
      {editable && (
        <div className="sticky left-0 w-fit pb-8">
          <button
            type="button"
            onClick={addRow}
            className="ml-4 flex h-9 items-center gap-2 rounded-md px-2 text-sm text-fg-subtle hover:bg-bg-muted hover:text-fg"
          >
            <Plus aria-hidden className="size-4" />
            Add row
          </button>
        </div>
      )}
    </div>
  )
}

// ---------------------------------------------------------------------------------------------------
// One row

interface GridApi {
  activate(rowId: string, col: number): void
  startEdit(rowId: string, columnId: string): void
  editText(text: string): void
  commit(rowId: string, col: number, move: 'down' | 'right' | 'left' | 'stay'): void
  blurCommit(rowId: string, columnId: string): void
  cancel(rowId: string, col: number): void
  set(rowId: string, columnId: string, value: TrackerValue): void
  deleteRow(rowId: string): void
  dragStart(rowId: string): void
  dragEnd(): void
  dragOver(event: DragEvent<HTMLTableRowElement>, rowId: string): void
  drop(event: DragEvent<HTMLTableRowElement>): void
}

interface GridRowProps {
  api: RefObject<GridApi>
  row: TrackerRow
  index: number
  columns: readonly TrackerColumn[]
  measure: (element: Element | null) => void
  /** The active cell's column when it is in this row. */
  activeCol: number | null
  tabbableCol: number | null
  editing: Editing | null
  editable: boolean
  othersByCell: ReadonlyMap<string, { name: string; color: string }>
  drop: 'before' | 'after' | null
  dragging: boolean
}

const GridRow = memo(function GridRow({ api, row, index, columns, measure, activeCol, tabbableCol, editing, editable, othersByCell, drop, dragging }: GridRowProps) {
  const number = index + 1
  return (
    <tr
      role="row"
      aria-rowindex={index + 2}
      aria-label={`Row ${number}`}
      data-index={index}
      ref={measure}
      onDragOver={(event) => api.current.dragOver(event, row.id)}
      onDrop={(event) => api.current.drop(event)}
      className={cx(
        'group h-9',
        dragging && 'opacity-40',
        drop === 'before' && '[&>td]:shadow-[inset_0_2px_0_var(--c-accent)]',
        drop === 'after' && '[&>td]:shadow-[inset_0_-2px_0_var(--c-accent)]'
      )}
    >
      <td className="border-b border-border">
        <button
          type="button"
          tabIndex={-1}
          draggable={editable}
          aria-label={`Drag to reorder row ${number}`}
          title="Drag to reorder (Alt+↑ / Alt+↓)"
          onDragStart={(event) => {
            event.dataTransfer.setData('application/x-commons-row', row.id)
            event.dataTransfer.effectAllowed = 'move'
            const tr = event.currentTarget.closest('tr')
            if (tr !== null) event.dataTransfer.setDragImage(tr, 24, 18)
            api.current.dragStart(row.id)
          }}
          onDragEnd={() => api.current.dragEnd()}
          className="mx-auto flex h-6 w-4 cursor-grab items-center justify-center rounded-sm text-fg-subtle opacity-0 group-hover:opacity-100 group-focus-within:opacity-100 hover:bg-bg-muted hover:text-fg active:cursor-grabbing"
        >
          <GripVertical aria-hidden className="size-3.5" />
        </button>
      </td>
      {columns.map((column, col) => (
        <Cell
          key={column.id}
          api={api}
          row={row}
          rowNumber={number}
          column={column}
          col={col}
          focusKey={`${index}:${col}`}
          tabbable={tabbableCol === col}
          active={activeCol === col}
          editing={editing !== null && editing.columnId === column.id ? editing : null}
          editable={editable}
          other={othersByCell.get(cellKey(row.id, column.id)) ?? null}
        />
      ))}
      <td className="border-b border-l border-border px-1.5">
        <button
          type="button"
          data-focus={`${index}:${columns.length}`}
          tabIndex={tabbableCol === columns.length ? 0 : -1}
          aria-label={`Delete row ${number}`}
          title="Delete row"
          disabled={!editable}
          onFocus={() => api.current.activate(row.id, columns.length)}
          onClick={() => api.current.deleteRow(row.id)}
          className="flex size-7 items-center justify-center rounded-md text-fg-subtle opacity-0 group-hover:opacity-100 group-focus-within:opacity-100 hover:bg-danger-subtle hover:text-danger focus-visible:opacity-100"
        >
          <Trash2 aria-hidden className="size-3.5" />
        </button>
      </td>
      <td aria-hidden className="border-b border-border" />
    </tr>
  )
})

// ---------------------------------------------------------------------------------------------------
// One cell

const optionHues = [
  'bg-avatar-1 text-avatar-1-fg',
  'bg-avatar-2 text-avatar-2-fg',
  'bg-avatar-3 text-avatar-3-fg',
  'bg-avatar-4 text-avatar-4-fg',
  'bg-avatar-5 text-avatar-5-fg',
  'bg-avatar-6 text-avatar-6-fg'
] as const

function OptionPill({ column, value }: { column: TrackerColumn; value: string }) {
  const index = (column.options ?? []).indexOf(value)
  return (
    <span className={cx('inline-flex h-5 max-w-full items-center truncate rounded-sm px-1.5 text-xs font-medium', index === -1 ? 'bg-bg-muted text-fg-muted' : optionHues[index % optionHues.length])}>
      {value}
    </span>
  )
}

interface CellProps {
  api: RefObject<GridApi>
  row: TrackerRow
  rowNumber: number
  column: TrackerColumn
  col: number
  focusKey: string
  tabbable: boolean
  active: boolean
  editing: Editing | null
  editable: boolean
  other: { name: string; color: string } | null
}

const Cell = memo(function Cell({ api, row, rowNumber, column, col, focusKey, tabbable, active, editing, editable, other }: CellProps) {
  const value = row.values[column.id] ?? null
  const name = `${column.name}, row ${rowNumber}`
  const onActivate = () => api.current.activate(row.id, col)
  const onSet = (next: TrackerValue) => api.current.set(row.id, column.id, next)
  const onBlurCommit = () => api.current.blurCommit(row.id, column.id)
  const onStartEdit = () => api.current.startEdit(row.id, column.id)
  const errorId = `cell-error-${row.id}-${column.id}`
  const base = cx(
    'relative border-b border-l border-border px-3 outline-none',
    active && 'z-[1] shadow-[inset_0_0_0_2px_var(--c-accent)]',
    editing !== null && editing.problem !== null && 'shadow-[inset_0_0_0_2px_var(--c-danger)]'
  )
  const presence: ReactNode =
    other === null ? null : (
      <>
        <span aria-hidden className="pointer-events-none absolute inset-0" style={{ boxShadow: `inset 0 0 0 2px ${other.color}` }} />
        <span aria-hidden className="pointer-events-none absolute top-0 right-0 z-[2] max-w-[70%] truncate rounded-bl-sm px-1 text-[10px] leading-3.5 font-semibold" style={{ backgroundColor: other.color, color: '#fff' }}>
          {other.name}
        </span>
      </>
    )

  if (column.type === 'checkbox') {
    return (
      <td role="gridcell" className={base} onClick={onActivate}>
        <span className="flex items-center">
          <Checkbox.Root
            data-focus={focusKey}
            tabIndex={tabbable ? 0 : -1}
            aria-label={name}
            checked={value === true}
            disabled={!editable}
            onFocus={onActivate}
            onCheckedChange={(checked) => onSet(checked === true)}
            className="flex size-4 items-center justify-center rounded-sm border border-border-strong bg-bg shadow-sm transition-colors data-[state=checked]:border-accent data-[state=checked]:bg-accent data-[state=checked]:text-accent-fg"
          >
            <Checkbox.Indicator>
              <Check aria-hidden className="size-3" strokeWidth={3} />
            </Checkbox.Indicator>
          </Checkbox.Root>
        </span>
        {presence}
      </td>
    )
  }

  if (column.type === 'select') {
    const options = column.options ?? []
    const current = typeof value === 'string' ? value : null
    return (
      <td role="gridcell" className={cx(base, 'px-1.5')}>
        <Select.Root value={current ?? noValue} onValueChange={(next) => onSet(next === noValue ? null : next)} disabled={!editable}>
          <Select.Trigger
            data-focus={focusKey}
            tabIndex={tabbable ? 0 : -1}
            aria-label={name}
            onFocus={onActivate}
            className="flex h-7 w-full min-w-0 items-center rounded-md px-1.5 text-left outline-none hover:bg-bg-muted data-[state=open]:bg-bg-muted"
          >
            <Select.Value>{current === null ? <span className="text-fg-subtle"> </span> : <OptionPill column={column} value={current} />}</Select.Value>
          </Select.Trigger>
          <Select.Portal>
            <Select.Content position="popper" sideOffset={2} className="z-50 max-h-72 min-w-[var(--radix-select-trigger-width)] overflow-hidden rounded-lg border border-border bg-bg-overlay p-1 shadow-md">
              <Select.Viewport>
                {current !== null && !options.includes(current) && (
                  <Select.Item value={current} className="flex h-8 items-center gap-2 rounded-md px-2 text-sm outline-none data-[highlighted]:bg-bg-muted">
                    <Select.ItemText>
                      <OptionPill column={column} value={current} />
                    </Select.ItemText>
                  </Select.Item>
                )}
                {options.map((option) => (
                  <Select.Item key={option} value={option} className="flex h-8 items-center gap-2 rounded-md px-2 text-sm outline-none data-[highlighted]:bg-bg-muted">
                    <Select.ItemText>
                      <OptionPill column={column} value={option} />
                    </Select.ItemText>
                    <Select.ItemIndicator className="ml-auto">
                      <Check aria-hidden className="size-3.5 text-accent" />
                    </Select.ItemIndicator>
                  </Select.Item>
                ))}
                <Select.Separator className="my-1 h-px bg-border" />
                <Select.Item value={noValue} className="flex h-8 items-center gap-2 rounded-md px-2 text-sm text-fg-muted outline-none data-[highlighted]:bg-bg-muted">
                  <Select.ItemText>No value</Select.ItemText>
                </Select.Item>
              </Select.Viewport>
            </Select.Content>
          </Select.Portal>
        </Select.Root>
        {presence}
      </td>
    )
  }

  if (editing !== null) {
    return (
      <td role="gridcell" className={cx(base, 'p-0')}>
        <input
          data-editor
          autoFocus
          aria-label={name}
          aria-invalid={editing.problem !== null || undefined}
          aria-describedby={editing.problem !== null ? errorId : undefined}
          type={column.type === 'date' ? 'date' : 'text'}
          inputMode={column.type === 'number' ? 'decimal' : undefined}
          value={editing.text}
          onChange={(event) => api.current.editText(event.target.value)}
          onFocus={(event) => {
            if (column.type !== 'date') event.currentTarget.setSelectionRange(event.currentTarget.value.length, event.currentTarget.value.length)
          }}
          onBlur={onBlurCommit}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault()
              api.current.commit(row.id, col, 'down')
            } else if (event.key === 'Tab') {
              event.preventDefault()
              api.current.commit(row.id, col, event.shiftKey ? 'left' : 'right')
            } else if (event.key === 'Escape') {
              event.preventDefault()
              event.stopPropagation()
              api.current.cancel(row.id, col)
            }
          }}
          className={cx('h-9 w-full bg-bg px-3 text-sm text-fg outline-none', column.type === 'number' && 'text-right tabular-nums')}
        />
        {editing.problem !== null && (
          <p id={errorId} role="alert" className="absolute top-full left-0 z-20 mt-1 w-max max-w-72 rounded-md border border-danger/40 bg-bg-overlay px-2 py-1 text-xs text-danger shadow-md">
            {editing.problem}
          </p>
        )}
      </td>
    )
  }

  const text = displayText(column, value)
  return (
    <td
      role="gridcell"
      data-focus={focusKey}
      tabIndex={tabbable ? 0 : -1}
      aria-readonly={!editable || undefined}
      onFocus={onActivate}
      onClick={onActivate}
      onDoubleClick={onStartEdit}
      className={cx(base, 'cursor-default truncate', column.type === 'number' && 'text-right tabular-nums', column.type === 'date' && 'text-fg-muted tabular-nums')}
      title={column.type === 'text' && text.length > 40 ? text : undefined}
    >
      {text}
      {presence}
    </td>
  )
})

import { describe, expect, it } from 'vitest'
import { Awareness } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { fragmentToMarkdown } from '../../shared/content/documentToMarkdown.ts'
import { readTracker } from '../../shared/content/trackerTable.ts'
import { deliverableDocName } from '../../shared/docNames.ts'
import { newId } from '../../shared/ids.ts'
import { documentBody, trackerCollections } from '../../shared/model/deliverableDoc.ts'
import type { Deliverable, TrackerColumn } from '../../shared/model/types.ts'
import { createChannel } from '../../shared/operations/channels.ts'
import { createDocument, createTracker, listDeliverables, setDeliverableStatus } from '../../shared/operations/deliverables.ts'
import { addTrackerRows, coerceCellText, moveTrackerRow, updateTrackerRow } from '../../shared/operations/trackers.ts'
import { ReplicaPool, type ReplicaConnection } from '../../renderer/src/data/replicaPool.ts'
import {
  cellProblem,
  columnsFromDrafts,
  countByKind,
  cursorColor,
  displayText,
  editText,
  exportFileName,
  filterDeliverables,
  historyVerb,
  isFiltered,
  moveIndex,
  moveInGrid,
  noFilter,
  problemsByField,
  splitOptions,
  statusActions,
  stepTarget,
  type ColumnDraft
} from '../../renderer/src/deliverables/model.ts'
import { collaborators, createDeliverable } from '../../renderer/src/deliverables/replicas.ts'
import { dragHasFiles, fileKind, filterFiles, formatSize, isPreviewableImage, mimeTypeFor, typeLabel } from '../../renderer/src/files/fileModel.ts'
import { newWorkspace } from './fixtures/workspace.ts'

const item = (fields: Partial<Deliverable> & Pick<Deliverable, 'id' | 'kind' | 'title'>): Deliverable => ({
  status: 'draft',
  ownerId: 'mem_a',
  channelId: null,
  createdAt: 0,
  updatedAt: 0,
  statusHistory: [],
  ...fields
})

describe('deliverables list', () => {
  const items = [
    item({ id: 'dl_1', kind: 'document', title: 'Q3 launch plan', channelId: 'ch_a' }),
    item({ id: 'dl_2', kind: 'tracker', title: 'Launch checklist', status: 'in-review' }),
    item({ id: 'dl_3', kind: 'report', title: 'Weekly metrics', status: 'approved', channelId: 'ch_b' })
  ]

  it('filters by kind, status, channel (or none) and title words', () => {
    expect(filterDeliverables(items, noFilter).map((d) => d.id)).toEqual(['dl_1', 'dl_2', 'dl_3'])
    expect(filterDeliverables(items, { ...noFilter, kind: 'tracker' }).map((d) => d.id)).toEqual(['dl_2'])
    expect(filterDeliverables(items, { ...noFilter, status: 'approved' }).map((d) => d.id)).toEqual(['dl_3'])
    expect(filterDeliverables(items, { ...noFilter, channel: 'ch_a' }).map((d) => d.id)).toEqual(['dl_1'])
    expect(filterDeliverables(items, { ...noFilter, channel: 'none' }).map((d) => d.id)).toEqual(['dl_2'])
    expect(filterDeliverables(items, { ...noFilter, query: 'LAUNCH pl' }).map((d) => d.id)).toEqual(['dl_1'])
    expect(isFiltered(noFilter)).toBe(false)
    expect(isFiltered({ ...noFilter, query: '  ' })).toBe(false)
    expect(isFiltered({ ...noFilter, status: 'draft' })).toBe(true)
    expect(countByKind(items)).toEqual({ all: 3, document: 1, tracker: 1, report: 1 })
  })

  it('offers the status changes setDeliverableStatus allows', () => {
    const { root, ada } = newWorkspace()
    const deliverable = createDocument({ root, deliverable: new Y.Doc() }, { deliverableId: newId('dl'), title: 'Plan' }, ada)
    expect(statusActions('draft')).toEqual(['request-review'])
    expect(statusActions('in-review')).toEqual(['approve', 'request-changes'])
    expect(statusActions('approved')).toEqual(['reopen'])
    // Each action's target status is one the operation accepts from there.
    setDeliverableStatus(root, { deliverableId: deliverable.id, status: 'in-review' }, ada)
    setDeliverableStatus(root, { deliverableId: deliverable.id, status: 'approved' }, ada)
    expect(() => setDeliverableStatus(root, { deliverableId: deliverable.id, status: 'draft', comment: 'reopened' }, ada)).not.toThrow()
  })

  it('says what each status change was', () => {
    expect(historyVerb({ status: 'draft', comment: '' }, true)).toBe('created it')
    expect(historyVerb({ status: 'in-review', comment: '' }, false)).toBe('sent it for review')
    expect(historyVerb({ status: 'approved', comment: '' }, false)).toBe('approved it')
    expect(historyVerb({ status: 'draft', comment: 'Shorter, please' }, false)).toBe('asked for changes')
    expect(historyVerb({ status: 'draft', comment: 'reopened' }, false)).toBe('reopened it as a draft')
    expect(historyVerb({ status: 'draft', comment: 'changed after it was approved' }, false)).toBe('set it back to draft')
  })

  it('makes export file names safe', () => {
    expect(exportFileName('Q3 launch plan', 'md')).toBe('Q3 launch plan.md')
    expect(exportFileName('  a/b: c?  ', 'csv')).toBe('a b c.csv')
    expect(exportFileName('...', 'md')).toBe('Untitled.md')
    expect(exportFileName('x'.repeat(300), 'md')).toHaveLength(123)
  })
})

describe('creating deliverables from the UI', () => {
  /** A pool whose replicas are local docs that "sync" at once, standing in for the bridge. */
  function localPool() {
    const docs = new Map<string, Y.Doc>()
    const pool = new ReplicaPool((docName): ReplicaConnection => {
      const doc = new Y.Doc()
      docs.set(docName, doc)
      return { doc, awareness: new Awareness(doc), synced: Promise.resolve(), close: () => doc.destroy() }
    }, 10)
    return { pool, docs }
  }

  it('writes a document into the new deliverable replica and its index entry into the root', async () => {
    const { root, ada, meta } = newWorkspace()
    const { pool, docs } = localPool()
    const channel = createChannel(root, { name: 'launch' }, ada)
    const created = await createDeliverable({ pool, root, workspaceId: meta.id, context: ada }, (docsFor, deliverableId) =>
      createDocument(docsFor, { deliverableId, title: 'Launch plan', channelId: channel.id, markdown: '# Goals\n\nShip it.' }, ada)
    )
    expect(listDeliverables(root).map((d) => [d.id, d.title, d.channelId])).toEqual([[created.id, 'Launch plan', channel.id]])
    const replica = docs.get(deliverableDocName(meta.id, created.id))!
    expect(fragmentToMarkdown(documentBody(replica))).toBe('# Goals\n\nShip it.\n')
    pool.close()
  })

  it('writes a tracker, and refuses bad columns before anything is written', async () => {
    const { root, ada, meta } = newWorkspace()
    const { pool, docs } = localPool()
    const drafts: ColumnDraft[] = [
      { key: '1', name: 'Task', type: 'text', options: '' },
      { key: '2', name: 'Stage', type: 'select', options: ' todo, doing ,, done ' },
      { key: '3', name: 'Done', type: 'checkbox', options: 'ignored' }
    ]
    expect(columnsFromDrafts(drafts)).toEqual([
      { name: 'Task', type: 'text' },
      { name: 'Stage', type: 'select', options: ['todo', 'doing', 'done'] },
      { name: 'Done', type: 'checkbox' }
    ])
    const created = await createDeliverable({ pool, root, workspaceId: meta.id, context: ada }, (docsFor, deliverableId) =>
      createTracker(docsFor, { deliverableId, title: 'Checklist', columns: columnsFromDrafts(drafts) }, ada)
    )
    expect(readTracker(docs.get(deliverableDocName(meta.id, created.id))!).columns.map((column) => column.name)).toEqual(['Task', 'Stage', 'Done'])

    const bad: ColumnDraft[] = [
      { key: '1', name: 'Task', type: 'text', options: '' },
      { key: '2', name: 'Stage', type: 'select', options: ' , ' }
    ]
    let failure: unknown = null
    await createDeliverable({ pool, root, workspaceId: meta.id, context: ada }, (docsFor, deliverableId) =>
      createTracker(docsFor, { deliverableId, title: ' ', columns: columnsFromDrafts(bad) }, ada)
    ).catch((error: unknown) => (failure = error))
    const fields = problemsByField(failure)
    expect(fields.get('title')).toMatch(/title must be 1 to 200 characters/)
    expect(fields.get('columns.1')).toMatch(/select column needs options/)
    expect(listDeliverables(root)).toHaveLength(1)
    expect(splitOptions('a, b,,c ')).toEqual(['a', 'b', 'c'])
    pool.close()
  })
})

describe('tracker grid', () => {
  const text: TrackerColumn = { id: 'col_t', name: 'Task', type: 'text' }
  const number: TrackerColumn = { id: 'col_n', name: 'Estimate', type: 'number' }
  const date: TrackerColumn = { id: 'col_d', name: 'Due', type: 'date' }
  const check: TrackerColumn = { id: 'col_c', name: 'Done', type: 'checkbox' }

  it('edits a cell as the text coerceCellText reads back to the same value', () => {
    for (const [column, value] of [
      [text, 'Write it'],
      [number, 1.5],
      [date, '2025-06-12'],
      [check, true],
      [check, false]
    ] as const) {
      expect(coerceCellText(column, editText(column, value))).toBe(value)
    }
    expect(editText(text, null)).toBe('')
    expect(displayText(date, '2025-06-12')).toMatch(/2025/)
    expect(displayText(number, null)).toBe('')
  })

  it("shows a refused value's problem as the operation says it", () => {
    const { ada } = newWorkspace()
    const tracker = new Y.Doc()
    trackerCollections(tracker).columns.push([text, number, date])
    const [rowId] = addTrackerRows(tracker, { rows: [{ Task: 'a' }] }, ada)
    const attempt = (column: TrackerColumn, input: string) => {
      try {
        updateTrackerRow(tracker, { rowId: rowId!, values: { [column.id]: coerceCellText(column, input) } }, ada)
        return null
      } catch (error) {
        return cellProblem(error)
      }
    }
    expect(attempt(number, 'about two')).toBe('Must be a number')
    expect(attempt(date, '2025-02-30')).toBe('Must be a date written YYYY-MM-DD')
    expect(attempt(number, ' 42 ')).toBeNull()
    expect(readTracker(tracker).rows[0]!.values.col_n).toBe(42)
  })

  it('moves the active cell with arrows, Home/End and Tab, inside the grid', () => {
    const at = { row: 1, col: 1 }
    expect(moveInGrid(at, 'ArrowUp', 3, 3)).toEqual({ row: 0, col: 1 })
    expect(moveInGrid({ row: 0, col: 1 }, 'ArrowUp', 3, 3)).toEqual({ row: 0, col: 1 })
    expect(moveInGrid(at, 'ArrowRight', 3, 3)).toEqual({ row: 1, col: 2 })
    expect(moveInGrid(at, 'Home', 3, 3)).toEqual({ row: 1, col: 0 })
    expect(moveInGrid(at, 'End', 3, 3, { ctrl: true })).toEqual({ row: 2, col: 2 })
    expect(moveInGrid({ row: 0, col: 2 }, 'Tab', 3, 3)).toEqual({ row: 1, col: 0 })
    expect(moveInGrid({ row: 1, col: 0 }, 'Tab', 3, 3, { shift: true })).toEqual({ row: 0, col: 2 })
    expect(moveInGrid({ row: 2, col: 2 }, 'Tab', 3, 3)).toEqual({ row: 2, col: 2 })
    expect(moveInGrid(at, 'ArrowDown', 0, 3)).toEqual(at)
  })

  it('reorders rows as shown, even when a concurrent move left an id twice in rowOrder', () => {
    const { ada } = newWorkspace()
    const tracker = new Y.Doc()
    trackerCollections(tracker).columns.push([text])
    const ids = addTrackerRows(tracker, { rows: [{ Task: 'a' }, { Task: 'b' }, { Task: 'c' }, { Task: 'd' }] }, ada)
    const shown = () => readTracker(tracker).rows.map((row) => row.values.col_t)
    const move = (rowId: string, targetId: string, placement: 'before' | 'after') => {
      const toIndex = moveIndex(trackerCollections(tracker).rowOrder.toArray(), rowId, targetId, placement)
      if (toIndex !== null) moveTrackerRow(tracker, { rowId, toIndex }, ada)
    }
    move(ids[3]!, ids[0]!, 'before')
    expect(shown()).toEqual(['d', 'a', 'b', 'c'])
    move(ids[3]!, ids[2]!, 'after')
    expect(shown()).toEqual(['a', 'b', 'c', 'd'])
    // A stale duplicate of "a" at the end: readers keep its first place, and moves still land as shown.
    trackerCollections(tracker).rowOrder.push([ids[0]!])
    expect(shown()).toEqual(['a', 'b', 'c', 'd'])
    const step = stepTarget(readTracker(tracker).rows.map((row) => row.id), ids[2]!, -1)!
    move(ids[2]!, step.targetId, step.placement)
    expect(shown()).toEqual(['a', 'c', 'b', 'd'])
    expect(stepTarget(ids, ids[0]!, -1)).toBeNull()
    expect(moveIndex(ids, ids[0]!, ids[0]!, 'after')).toBeNull()
  })
})

describe('collaborators', () => {
  it("lists the other windows' names, colours and tracker cells, not this one", () => {
    const doc = new Y.Doc()
    const mine = new Awareness(doc)
    const theirs = new Awareness(new Y.Doc())
    mine.setLocalState({ memberId: 'mem_me', typing: null, user: { name: 'Me', color: '#2e63e6' } })
    theirs.setLocalState({ memberId: 'mem_grace', typing: null, user: { name: 'Grace', color: 'red' }, cell: { rowId: 'row_1', columnId: 'col_1' } })
    // Carry the other window's state over as the bridge would.
    const state = theirs.getLocalState()!
    mine.states.set(theirs.clientID, state)
    mine.meta.set(theirs.clientID, { clock: 1, lastUpdated: Date.now() })
    const others = collaborators(mine)
    expect(others).toHaveLength(1)
    expect(others[0]).toMatchObject({ memberId: 'mem_grace', name: 'Grace', color: cursorColor('mem_grace'), cell: { rowId: 'row_1', columnId: 'col_1' } })
    expect(cursorColor('anyone')).toMatch(/^#[0-9a-f]{6}$/)
  })
})

describe('files view', () => {
  it('says sizes and types the way people read them', () => {
    expect(formatSize(0)).toBe('0 bytes')
    expect(formatSize(1)).toBe('1 byte')
    expect(formatSize(1536)).toBe('1.5 KB')
    expect(formatSize(1024 * 1024 * 23.4)).toBe('23 MB')
    expect(typeLabel('text/markdown')).toBe('Markdown')
    expect(typeLabel('image/png')).toBe('PNG image')
    expect(typeLabel('application/octet-stream')).toBe('File')
    expect(typeLabel('text/x-python')).toBe('PYTHON text')
    expect(fileKind('text/csv')).toBe('table')
    expect(fileKind('application/json')).toBe('code')
    expect(fileKind('application/zip')).toBe('archive')
    expect(isPreviewableImage('image/svg+xml')).toBe(false)
    expect(isPreviewableImage('image/png')).toBe(true)
  })

  it('sends a file with its browser type, or one guessed from the name', () => {
    expect(mimeTypeFor({ name: 'notes.md', type: '' })).toBe('text/markdown')
    expect(mimeTypeFor({ name: 'x.bin', type: 'application/x-custom' })).toBe('application/x-custom')
    expect(dragHasFiles(['Files'])).toBe(true)
    expect(dragHasFiles(['application/x-commons-row'])).toBe(false)
  })

  it('filters by name and type words', () => {
    const file = (name: string, mimeType: string) => ({ id: name, name, mimeType, size: 1, sha256: '', text: null, textTruncated: false, addedBy: 'mem_a', addedAt: 0, channelId: null })
    const files = [file('brief.md', 'text/markdown'), file('logo.png', 'image/png')]
    expect(filterFiles(files, 'markdown').map((f) => f.name)).toEqual(['brief.md'])
    expect(filterFiles(files, 'LOGO image').map((f) => f.name)).toEqual(['logo.png'])
    expect(filterFiles(files, '')).toHaveLength(2)
  })
})

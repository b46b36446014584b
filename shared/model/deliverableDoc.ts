import type * as Y from 'yjs'
import type { TrackerColumn, TrackerValue } from './types.ts'

/**
 * A deliverable's doc holds its content. A document (or report) body is the XmlFragment that TipTap's
 * collaboration extension edits through y-prosemirror (field `default`); a tracker is columns, rows and a
 * row order. Rows are reordered by moving ids in `rowOrder`; when two devices move the same row at once
 * the id can appear twice, and readers keep its first place (shared/content/trackerTable.ts).
 */
export const documentBodyField = 'default'

export function documentBody(doc: Y.Doc): Y.XmlFragment {
  return doc.getXmlFragment(documentBodyField)
}

export interface TrackerCollections {
  columns: Y.Array<TrackerColumn>
  rowOrder: Y.Array<string>
  /** rowId → columnId → value */
  rows: Y.Map<Y.Map<TrackerValue>>
}

export function trackerCollections(doc: Y.Doc): TrackerCollections {
  return {
    columns: doc.getArray('columns'),
    rowOrder: doc.getArray('rowOrder'),
    rows: doc.getMap('rows')
  }
}

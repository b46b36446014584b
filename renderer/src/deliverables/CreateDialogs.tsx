import { CalendarDays, ChevronDown, Hash, ListChecks, Plus, SquareCheck, Trash2, Type } from 'lucide-react'
import { useState, type FormEvent, type ReactNode } from 'react'
import type { TrackerColumnType } from '../../../shared/model/types.ts'
import { listChannels } from '../../../shared/operations/channels.ts'
import { createDocument, createTracker } from '../../../shared/operations/deliverables.ts'
import { navigate } from '../app/route.ts'
import { FormActions } from '../components/forms.tsx'
import { CompactSelect, StackedCompactSelect } from '../components/select.tsx'
import { AppDialog, Button, IconButton, TextField } from '../components/ui.tsx'
import { toProblem, type Problem } from '../data/problems.ts'
import { useWorkspace } from '../workspace/context.tsx'
import { columnsFromDrafts, columnTypeLabels, columnTypes, problemsByField, type ColumnDraft } from './model.ts'
import { KindIcon } from './parts.tsx'
import { createDeliverable } from './replicas.ts'

export const columnTypeIcons: Record<TrackerColumnType, ReactNode> = {
  text: <Type className="size-3.5" />,
  number: <Hash className="size-3.5" />,
  date: <CalendarDays className="size-3.5" />,
  checkbox: <SquareCheck className="size-3.5" />,
  select: <ChevronDown className="size-3.5" />
}

function useChannelOptions() {
  const { root, workspace } = useWorkspace()
  return [
    { value: 'none', label: 'No channel' },
    ...listChannels(root, { memberId: workspace.memberId }).map((channel) => ({ value: channel.id, label: `#${channel.name}` }))
  ]
}

/** New document or report: a title, its kind, and the channel it belongs to. */
export function CreateDocumentDialog({ open, onOpenChange, channelId = null }: { open: boolean; onOpenChange: (open: boolean) => void; channelId?: string | null }) {
  const { root, pool, workspace, context } = useWorkspace()
  const channels = useChannelOptions()
  const [title, setTitle] = useState('')
  const [kind, setKind] = useState<'document' | 'report'>('document')
  const [channel, setChannel] = useState(channelId ?? 'none')
  const [fields, setFields] = useState<Map<string, string>>(new Map())
  const [problem, setProblem] = useState<Problem | null>(null)
  const [busy, setBusy] = useState(false)

  const reset = () => {
    setTitle('')
    setKind('document')
    setFields(new Map())
    setProblem(null)
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    try {
      const created = await createDeliverable({ pool, root, workspaceId: workspace.workspaceId, context }, (docs, deliverableId) =>
        createDocument(docs, { deliverableId, title, kind, channelId: channel === 'none' ? null : channel }, context)
      )
      reset()
      onOpenChange(false)
      navigate({ view: 'deliverables', deliverableId: created.id })
    } catch (error) {
      const byField = problemsByField(error)
      setFields(byField)
      setProblem(byField.size > 0 && !byField.has('form') && [...byField.keys()].every((key) => key === 'title') ? null : toProblem(error))
    } finally {
      setBusy(false)
    }
  }

  return (
    <AppDialog open={open} onOpenChange={onOpenChange} title="New document" description="A page the team writes together. Coworkers can read it and write to it too.">
      <form onSubmit={submit} className="flex flex-col gap-4 px-5 pt-4 pb-5">
        <TextField label="Title" placeholder="e.g. Q3 launch plan" value={title} onChange={(event) => setTitle(event.target.value)} autoFocus error={fields.get('title') ?? null} />
        <div className="grid grid-cols-2 gap-3">
          <StackedCompactSelect
            label="Type"
            value={kind}
            onChange={(value) => setKind(value === 'report' ? 'report' : 'document')}
            options={[
              { value: 'document', label: 'Document', icon: <KindIcon kind="document" className="size-3.5" /> },
              { value: 'report', label: 'Report', icon: <KindIcon kind="report" className="size-3.5" /> }
            ]}
          />
          <StackedCompactSelect label="Channel" value={channel} onChange={setChannel} options={channels} />
        </div>
        <FormActions problem={problem} onCancel={() => onOpenChange(false)} busy={busy} disabled={title.trim() === ''}>
          Create document
        </FormActions>
      </form>
    </AppDialog>
  )
}

let draftKey = 0
const draft = (name: string, type: TrackerColumnType, options = ''): ColumnDraft => ({ key: `c${++draftKey}`, name, type, options })
const startingColumns = (): ColumnDraft[] => [draft('Item', 'text'), draft('Owner', 'text'), draft('Status', 'select', 'Not started, In progress, Done'), draft('Due', 'date')]

/** New tracker: a title, the channel, and typed columns (select columns with their options). */
export function CreateTrackerDialog({ open, onOpenChange, channelId = null }: { open: boolean; onOpenChange: (open: boolean) => void; channelId?: string | null }) {
  const { root, pool, workspace, context } = useWorkspace()
  const channels = useChannelOptions()
  const [title, setTitle] = useState('')
  const [channel, setChannel] = useState(channelId ?? 'none')
  const [columns, setColumns] = useState<ColumnDraft[]>(startingColumns)
  const [fields, setFields] = useState<Map<string, string>>(new Map())
  const [problem, setProblem] = useState<Problem | null>(null)
  const [busy, setBusy] = useState(false)

  const update = (key: string, change: Partial<ColumnDraft>) => setColumns((current) => current.map((column) => (column.key === key ? { ...column, ...change } : column)))
  const columnProblem = (index: number): string | null =>
    fields.get(`columns.${index}.name`) ?? fields.get(`columns.${index}.options`) ?? fields.get(`columns.${index}.type`) ?? fields.get(`columns.${index}`) ?? null

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    try {
      const created = await createDeliverable({ pool, root, workspaceId: workspace.workspaceId, context }, (docs, deliverableId) =>
        createTracker(docs, { deliverableId, title, channelId: channel === 'none' ? null : channel, columns: columnsFromDrafts(columns) }, context)
      )
      setTitle('')
      setColumns(startingColumns())
      setFields(new Map())
      setProblem(null)
      onOpenChange(false)
      navigate({ view: 'deliverables', deliverableId: created.id })
    } catch (error) {
      const byField = problemsByField(error)
      setFields(byField)
      const shown = [...byField.keys()].every((key) => key === 'title' || key === 'columns' || /^columns\.\d+/.test(key))
      setProblem(byField.size > 0 && shown ? null : toProblem(error))
    } finally {
      setBusy(false)
    }
  }

  return (
    <AppDialog
      open={open}
      onOpenChange={onOpenChange}
      title="New tracker"
      description="A table with typed columns: tasks, decisions, a launch checklist."
      className="w-[min(600px,calc(100vw-32px))]"
    >
      <form onSubmit={submit} className="flex flex-col gap-4 px-5 pt-4 pb-5">
        <div className="grid grid-cols-[1fr_180px] gap-3">
          <TextField label="Title" placeholder="e.g. Launch checklist" value={title} onChange={(event) => setTitle(event.target.value)} autoFocus error={fields.get('title') ?? null} />
          <StackedCompactSelect label="Channel" value={channel} onChange={setChannel} options={channels} />
        </div>
        <fieldset className="flex flex-col gap-2">
          <legend className="mb-1.5 text-sm font-medium">Columns</legend>
          <ol className="flex max-h-[40vh] flex-col gap-2 overflow-y-auto">
            {columns.map((column, index) => {
              const columnError = columnProblem(index)
              return (
                <li key={column.key} className="flex flex-col gap-1">
                  <div className="flex items-center gap-2">
                    <input
                      aria-label={`Column ${index + 1} name`}
                      aria-invalid={columnError !== null || undefined}
                      value={column.name}
                      placeholder="Column name"
                      onChange={(event) => update(column.key, { name: event.target.value })}
                      className="h-8 min-w-0 flex-1 rounded-md border border-border-strong bg-bg px-2.5 text-sm shadow-sm placeholder:text-fg-subtle focus:border-accent focus:outline-none aria-invalid:border-danger"
                    />
                    <CompactSelect
                      label={`Column ${index + 1} type`}
                      value={column.type}
                      onChange={(value) => update(column.key, { type: value as TrackerColumnType })}
                      options={columnTypes.map((type) => ({ value: type, label: columnTypeLabels[type], icon: columnTypeIcons[type] }))}
                      className="w-32"
                    />
                    <IconButton label={`Remove column ${index + 1}`} size="sm" disabled={columns.length === 1} onClick={() => setColumns((current) => current.filter((item) => item.key !== column.key))}>
                      <Trash2 className="size-3.5" />
                    </IconButton>
                  </div>
                  {column.type === 'select' && (
                    <div className="flex items-center gap-2 pl-3">
                      <ListChecks aria-hidden className="size-3.5 shrink-0 text-fg-subtle" />
                      <input
                        aria-label={`Column ${index + 1} options`}
                        value={column.options}
                        placeholder="Options, separated by commas"
                        onChange={(event) => update(column.key, { options: event.target.value })}
                        className="h-7 min-w-0 flex-1 rounded-md border border-border bg-bg-subtle px-2 text-xs placeholder:text-fg-subtle focus:border-accent focus:outline-none"
                      />
                      <span className="w-6" />
                    </div>
                  )}
                  {columnError !== null && <p className="pl-1 text-xs text-danger">{capitalize(columnError)}</p>}
                </li>
              )
            })}
          </ol>
          {fields.has('columns') && <p className="text-xs text-danger">{capitalize(fields.get('columns')!)}</p>}
          <Button size="sm" variant="ghost" className="self-start" onClick={() => setColumns((current) => [...current, draft('', 'text')])} disabled={columns.length >= 100}>
            <Plus aria-hidden className="size-3.5" />
            Add column
          </Button>
        </fieldset>
        <FormActions problem={problem} onCancel={() => onOpenChange(false)} busy={busy} disabled={title.trim() === ''}>
          Create tracker
        </FormActions>
      </form>
    </AppDialog>
  )
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

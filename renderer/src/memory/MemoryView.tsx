import { Brain, FileText, Hash, Lightbulb, Pencil, Pin, PinOff, Plus, Scale, Search, SlidersHorizontal, Trash2, X } from 'lucide-react'
import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react'
import { rootCollections } from '../../../shared/model/rootDoc.ts'
import type { Member, MemoryItem, MemoryKind } from '../../../shared/model/types.ts'
import { addMemory, editMemory, listMemory, pinMemory, removeMemory } from '../../../shared/operations/memory.ts'
import { listMembers } from '../../../shared/operations/members.ts'
import { Checkbox, FormActions, Segmented, TextAreaField } from '../components/forms.tsx'
import { Page, PageBody, SectionTitle } from '../components/page.tsx'
import { SelectField } from '../components/select.tsx'
import { Avatar, Button, ConfirmDialog, CoworkerBadge, cx, EmptyState, IconButton, ProblemNotice, Tooltip } from '../components/ui.tsx'
import { useDocVersion } from '../data/docStore.ts'
import { toProblem, type Problem } from '../data/problems.ts'
import { formatFull, formatRelative } from '../lib/time.ts'
import { useWorkspace } from '../workspace/context.tsx'
import { countByKind, filterMemory, groupMemory, kindLabels, memoryKinds, sourceLink } from './memoryList.ts'

/**
 * What the workspace remembers: facts, decisions and preferences, pinned first. Search and filter run
 * over the root doc's memory on this device; adding, editing, pinning and removing are the shared memory
 * operations, attributed to the person at this window.
 */
export function MemoryView() {
  const { root, context, reportProblem } = useWorkspace()
  const version = useDocVersion(root)
  const items = useMemo(() => listMemory(root), [root, version])
  const members = useMemo(() => new Map<string, Member>(listMembers(root, { includeRemoved: true }).map((member) => [member.id, member])), [root, version])
  const [kind, setKind] = useState<MemoryKind | 'all'>('all')
  const [query, setQuery] = useState('')
  const [adding, setAdding] = useState(false)
  const [editingId, setEditingId] = useState<string | null>(null)
  const [removing, setRemoving] = useState<MemoryItem | null>(null)
  const search = useRef<HTMLInputElement>(null)

  const matching = filterMemory(items, { query })
  const counts = countByKind(matching)
  const { pinned, other } = groupMemory(filterMemory(matching, { kind }))
  const filtering = query.trim() !== '' || kind !== 'all'

  // "/" jumps to the search box, as in other team apps.
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key !== '/' || event.metaKey || event.ctrlKey || event.altKey) return
      const target = event.target as HTMLElement | null
      if (target !== null && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return
      event.preventDefault()
      search.current?.focus()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  const names = {
    channel: (id: string) => (rootCollections(root).channels.get(id)?.get('name') as string | undefined) ?? null,
    deliverable: (id: string) => (rootCollections(root).deliverables.get(id)?.get('title') as string | undefined) ?? null
  }

  const togglePin = (item: MemoryItem) => {
    try {
      pinMemory(root, { memoryId: item.id, pinned: !item.pinned }, context)
    } catch (error) {
      reportProblem(toProblem(error))
    }
  }

  const confirmRemove = () => {
    if (removing === null) return
    try {
      removeMemory(root, { memoryId: removing.id }, context)
    } catch (error) {
      reportProblem(toProblem(error))
    }
    setRemoving(null)
  }

  const renderItems = (list: MemoryItem[], label: string) => (
    <ul aria-label={label} className="divide-y divide-border overflow-hidden rounded-xl border border-border bg-bg shadow-sm">
      {list.map((item) => (
        <MemoryRow
          key={item.id}
          item={item}
          author={members.get(item.authorId) ?? null}
          source={sourceLink(item.source, names)}
          editing={editingId === item.id}
          onEdit={() => setEditingId(item.id)}
          onDone={() => setEditingId(null)}
          onTogglePin={() => togglePin(item)}
          onRemove={() => setRemoving(item)}
        />
      ))}
    </ul>
  )

  return (
    <Page
      label="Memory"
      title="Memory"
      actions={
        <Button variant="primary" size="sm" onClick={() => setAdding(true)} disabled={adding}>
          <Plus aria-hidden className="size-3.5" />
          Add memory
        </Button>
      }
    >
      <PageBody width="narrow">
        <p className="mb-5 text-sm text-fg-muted">
          Facts, decisions and preferences the whole workspace keeps. Coworkers recall them while they work; <span className="font-medium text-fg">pinned</span> items go into every coworker task.
        </p>

        {adding && <AddMemoryForm onDone={() => setAdding(false)} />}

        {items.length > 0 && (
          <div className="mb-5 flex flex-wrap items-center gap-3">
            <div className="relative min-w-56 flex-1">
              <Search aria-hidden className="pointer-events-none absolute top-1/2 left-2.5 size-3.5 -translate-y-1/2 text-fg-subtle" />
              <input
                ref={search}
                type="search"
                aria-label="Search memory"
                placeholder="Search memory"
                value={query}
                onChange={(event) => setQuery(event.target.value)}
                onKeyDown={(event) => {
                  if (event.key === 'Escape' && query !== '') {
                    event.preventDefault()
                    setQuery('')
                  }
                }}
                className="h-8 w-full rounded-md border border-border-strong bg-bg pr-2.5 pl-8 text-sm text-fg shadow-sm placeholder:text-fg-subtle focus:border-accent focus:outline-none"
              />
            </div>
            <Segmented
              label="Kind"
              value={kind}
              onChange={setKind}
              options={[
                { value: 'all', label: 'All', count: counts.all },
                ...memoryKinds.map((value) => ({ value, label: kindLabels[value].many, count: counts[value] }))
              ]}
            />
          </div>
        )}

        {items.length === 0 ? (
          !adding && (
            <EmptyState
              icon={<Brain className="size-5" />}
              title="Nothing remembered yet"
              action={
                <Button variant="primary" onClick={() => setAdding(true)}>
                  <Plus aria-hidden className="size-4" />
                  Add memory
                </Button>
              }
            >
              Save what the team keeps coming back to: “Invoices go out on the 1st”, “We ship on Thursdays”, “Reports in British English”. Coworkers with the <code className="rounded-sm bg-bg-muted px-1 font-mono text-xs">remember</code> tool add to it as they work, and asking for changes in a review saves the comment here.
            </EmptyState>
          )
        ) : pinned.length + other.length === 0 ? (
          <EmptyState
            icon={<Search className="size-5" />}
            title={query.trim() !== '' ? `Nothing matches “${query.trim()}”` : `No ${kindLabels[kind as MemoryKind].many.toLowerCase()} yet`}
            action={
              <Button
                onClick={() => {
                  setQuery('')
                  setKind('all')
                }}
              >
                Clear filters
              </Button>
            }
          >
            {query.trim() !== '' ? 'Try fewer or different words; search looks at the text of every item.' : kindLabels[kind as MemoryKind].describe + '. Add one with “Add memory”.'}
          </EmptyState>
        ) : (
          <div className="flex flex-col gap-6">
            {pinned.length > 0 && (
              <section aria-labelledby="memory-pinned">
                <SectionTitle id="memory-pinned" count={pinned.length} action={<span className="text-xs text-fg-subtle">Given to every coworker task</span>}>
                  Pinned
                </SectionTitle>
                {renderItems(pinned, 'Pinned memory')}
              </section>
            )}
            {other.length > 0 && (
              <section aria-labelledby="memory-other">
                <SectionTitle id="memory-other" count={other.length}>
                  {pinned.length > 0 ? 'Everything else' : filtering ? 'Matching' : 'All memory'}
                </SectionTitle>
                {renderItems(other, 'Memory')}
              </section>
            )}
          </div>
        )}
      </PageBody>
      <ConfirmDialog
        open={removing !== null}
        onOpenChange={(open) => !open && setRemoving(null)}
        title="Remove this memory?"
        description={
          <>
            “{truncate(removing?.text ?? '', 140)}” will be forgotten on every device. Coworkers will no longer recall it.
          </>
        }
        confirmLabel="Remove"
        onConfirm={confirmRemove}
      />
    </Page>
  )
}

const kindStyle: Record<MemoryKind, { icon: ReactNode; className: string }> = {
  fact: { icon: <Lightbulb className="size-3.5" />, className: 'bg-accent-subtle text-accent-text' },
  decision: { icon: <Scale className="size-3.5" />, className: 'bg-success-subtle text-success' },
  preference: { icon: <SlidersHorizontal className="size-3.5" />, className: 'bg-warning-subtle text-warning' }
}

function KindMark({ kind }: { kind: MemoryKind }) {
  return (
    <span aria-hidden className={cx('mt-0.5 flex size-7 shrink-0 items-center justify-center rounded-md', kindStyle[kind].className)}>
      {kindStyle[kind].icon}
    </span>
  )
}

const kindOptions = memoryKinds.map((value) => ({ value, label: kindLabels[value].one, description: kindLabels[value].describe, icon: kindStyle[value].icon }))

const placeholders: Record<MemoryKind, string> = {
  fact: 'e.g. Invoices go out on the 1st of each month',
  decision: 'e.g. We ship the mobile app every other Thursday',
  preference: 'e.g. Weekly reports in British English, under 500 words'
}

function AddMemoryForm({ onDone }: { onDone: () => void }) {
  const { root, context } = useWorkspace()
  const [kind, setKind] = useState<MemoryKind>('fact')
  const [text, setText] = useState('')
  const [pinned, setPinned] = useState(false)
  const [problem, setProblem] = useState<Problem | null>(null)

  const submit = (event?: FormEvent) => {
    event?.preventDefault()
    try {
      addMemory(root, { kind, text, pinned }, context)
      setText('')
      setPinned(false)
      setProblem(null)
      onDone()
    } catch (error) {
      setProblem(toProblem(error))
    }
  }

  return (
    <form aria-label="Add memory" onSubmit={submit} className="mb-6 flex flex-col gap-4 rounded-xl border border-border bg-bg p-4 shadow-sm">
      <div className="flex items-center justify-between">
        <h2 className="text-sm font-semibold">New memory</h2>
        <IconButton size="sm" label="Cancel adding memory" onClick={onDone}>
          <X className="size-3.5" />
        </IconButton>
      </div>
      <SelectField label="Kind" value={kind} onChange={(value) => setKind(value as MemoryKind)} options={kindOptions} className="w-56" />
      <TextAreaField
        label="What should the workspace remember?"
        value={text}
        onChange={(event) => setText(event.target.value)}
        placeholder={placeholders[kind]}
        autoFocus
        rows={3}
        onKeyDown={(event) => submitOnModEnter(event, submit, onDone)}
        hint="One fact, decision or preference per item, in a sentence anyone can act on."
      />
      <label className="flex items-center gap-2 text-sm text-fg">
        <Checkbox checked={pinned} onChange={setPinned} />
        Pin it: give it to every coworker task
      </label>
      <FormActions problem={problem} onCancel={onDone} disabled={text.trim() === ''}>
        Save memory
      </FormActions>
    </form>
  )
}

function MemoryRow({
  item,
  author,
  source,
  editing,
  onEdit,
  onDone,
  onTogglePin,
  onRemove
}: {
  item: MemoryItem
  author: Member | null
  source: { href: string; label: string } | null
  editing: boolean
  onEdit: () => void
  onDone: () => void
  onTogglePin: () => void
  onRemove: () => void
}) {
  return (
    <li data-memory-id={item.id} className={cx('group relative flex gap-3 px-4 py-3 focus-within:bg-bg-subtle/70 hover:bg-bg-subtle/70', editing && 'bg-accent-subtle/30 hover:bg-accent-subtle/30')}>
      <KindMark kind={item.kind} />
      <div className="min-w-0 flex-1">
        {editing ? (
          <MemoryEditor item={item} onDone={onDone} />
        ) : (
          <>
            <p className="pr-24 text-base whitespace-pre-wrap text-fg">{item.text}</p>
            <p className="mt-1 flex flex-wrap items-center gap-x-1.5 gap-y-0.5 text-xs text-fg-subtle">
              <span className="font-medium text-fg-muted">{kindLabels[item.kind].one}</span>
              {item.pinned && (
                <span className="inline-flex items-center gap-0.5 text-accent-text">
                  <Pin aria-hidden className="size-3" />
                  Pinned
                </span>
              )}
              <span aria-hidden>·</span>
              <span className="inline-flex items-center gap-1">
                <Avatar member={author} size="xs" className="size-4 text-[8px]" />
                <span>{author?.name ?? 'Unknown member'}</span>
                {author?.kind === 'coworker' && <CoworkerBadge />}
              </span>
              <span aria-hidden>·</span>
              <Tooltip content={item.updatedAt > item.createdAt ? `Added ${formatFull(item.createdAt)}, changed ${formatFull(item.updatedAt)}` : formatFull(item.createdAt)}>
                <time dateTime={new Date(item.createdAt).toISOString()} tabIndex={0} className="rounded-sm">
                  {formatRelative(item.createdAt)}
                </time>
              </Tooltip>
              {source !== null && (
                <>
                  <span aria-hidden>·</span>
                  <a href={source.href} className="inline-flex min-w-0 items-center gap-1 rounded-sm text-accent-text hover:underline">
                    {item.source.type === 'message' ? <Hash aria-hidden className="size-3" /> : <FileText aria-hidden className="size-3" />}
                    <span className="truncate">{source.label}</span>
                  </a>
                </>
              )}
            </p>
          </>
        )}
      </div>
      {!editing && (
        <div role="toolbar" aria-label="Memory actions" className="absolute top-2.5 right-3 flex items-center gap-0.5 opacity-0 group-focus-within:opacity-100 group-hover:opacity-100">
          <IconButton size="sm" label={item.pinned ? 'Unpin' : 'Pin'} onClick={onTogglePin}>
            {item.pinned ? <PinOff className="size-3.5" /> : <Pin className="size-3.5" />}
          </IconButton>
          <IconButton size="sm" label="Edit" onClick={onEdit}>
            <Pencil className="size-3.5" />
          </IconButton>
          <IconButton size="sm" label="Remove" onClick={onRemove} className="hover:text-danger">
            <Trash2 className="size-3.5" />
          </IconButton>
        </div>
      )}
    </li>
  )
}

function MemoryEditor({ item, onDone }: { item: MemoryItem; onDone: () => void }) {
  const { root, context } = useWorkspace()
  const [kind, setKind] = useState<MemoryKind>(item.kind)
  const [text, setText] = useState(item.text)
  const [problem, setProblem] = useState<Problem | null>(null)

  const save = (event?: FormEvent) => {
    event?.preventDefault()
    try {
      editMemory(root, { memoryId: item.id, text, kind }, context)
      onDone()
    } catch (error) {
      setProblem(toProblem(error))
    }
  }

  return (
    <form aria-label="Edit memory" onSubmit={save} className="flex flex-col gap-2">
      <TextAreaField label="Text" hideLabel value={text} onChange={(event) => setText(event.target.value)} autoFocus rows={2} onKeyDown={(event) => submitOnModEnter(event, save, onDone)} onFocus={(event) => event.currentTarget.setSelectionRange(event.currentTarget.value.length, event.currentTarget.value.length)} />
      <div className="flex flex-wrap items-center gap-2">
        <SelectField label="Kind" hideLabel value={kind} onChange={(value) => setKind(value as MemoryKind)} options={kindOptions} className="w-40" triggerClassName="h-7! text-sm!" />
        <p className="flex-1 text-xs text-fg-subtle">⌘/Ctrl+Enter to save · Esc to cancel</p>
        <Button size="sm" onClick={onDone}>
          Cancel
        </Button>
        <Button size="sm" type="submit" variant="primary" disabled={text.trim() === ''}>
          Save
        </Button>
      </div>
      {problem !== null && <ProblemNotice problem={problem} compact />}
    </form>
  )
}

function submitOnModEnter(event: KeyboardEvent<HTMLTextAreaElement>, submit: () => void, cancel: () => void): void {
  if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
    event.preventDefault()
    submit()
  } else if (event.key === 'Escape') {
    event.preventDefault()
    event.stopPropagation()
    cancel()
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

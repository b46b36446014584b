import { Archive, CircleAlert, Download, File as FileIcon, FileCode, FileImage, FileMusic, FileSpreadsheet, FileText, FileVideo, Paperclip, SearchX, Upload, X } from 'lucide-react'
import { useEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent, type ReactNode } from 'react'
import { formatJson } from '../../../shared/content/jsonFormat.ts'
import { essenceOf } from '../../../shared/content/mimeTypes.ts'
import { rootCollections } from '../../../shared/model/rootDoc.ts'
import { readRecord } from '../../../shared/model/records.ts'
import type { Channel, FileRecord } from '../../../shared/model/types.ts'
import { listFiles } from '../../../shared/operations/files.ts'
import { findMember } from '../../../shared/operations/members.ts'
import { navigate } from '../app/route.ts'
import { Markdown } from '../channel/Markdown.tsx'
import { LinkRowTable, MemberCell, RelativeTimeCell, RowLink, SearchFilterInput } from '../components/list.tsx'
import { Page } from '../components/page.tsx'
import { Avatar, Button, CenteredEmptyState, cx, IconButton, Spinner } from '../components/ui.tsx'
import { useDocVersion } from '../data/docStore.ts'
import { toProblem, type Problem } from '../data/problems.ts'
import { formatFull, formatRelative } from '../lib/time.ts'
import { useWorkspace } from '../workspace/context.tsx'
import { downloadBlob } from './download.ts'
import { dragHasFiles, fileKind, filterFiles, formatSize, isPreviewableImage, maxFileBytes, mimeTypeFor, typeLabel, type FileKind } from './fileModel.ts'

/**
 * `#/files[/:id]`: the workspace's files. Add them by dropping them anywhere on the view or with the
 * file picker (the bytes go to the Host with `files.add`, which stores them by sha256, extracts the text
 * of text-like files and records them in the root doc); the list is read from the root doc; a file opens
 * in a side pane with its details, a preview, and a download (`files.read`).
 */

interface Upload {
  id: number
  name: string
  size: number
  problem: Problem | null
}

let uploadIds = 0

export function FilesScreen({ fileId }: { fileId: string | null }) {
  const { root, bridge, workspace } = useWorkspace()
  const version = useDocVersion(root)
  const files = useMemo(() => listFiles(root), [root, version])
  const [query, setQuery] = useState('')
  const shown = useMemo(() => filterFiles(files, query), [files, query])
  const [uploads, setUploads] = useState<Upload[]>([])
  const [dropping, setDropping] = useState(false)
  const dragDepth = useRef(0)
  const picker = useRef<HTMLInputElement>(null)
  const selected = fileId === null ? null : (files.find((file) => file.id === fileId) ?? null)

  const add = async (list: readonly File[]) => {
    let first: string | null = null
    for (const file of list) {
      const id = ++uploadIds
      const upload: Upload = { id, name: file.name, size: file.size, problem: null }
      if (file.size > maxFileBytes) {
        setUploads((current) => [...current, { ...upload, problem: { message: `${file.name} is ${formatSize(file.size)}`, hint: `A workspace file can be at most ${formatSize(maxFileBytes)}.`, code: 'invalid-input' } }])
        continue
      }
      setUploads((current) => [...current, upload])
      try {
        const bytes = new Uint8Array(await file.arrayBuffer())
        const { fileId: added } = await bridge.request('files.add', { workspaceId: workspace.workspaceId, name: file.name, bytes, mimeType: mimeTypeFor(file), channelId: null })
        first ??= added
        setUploads((current) => current.filter((entry) => entry.id !== id))
      } catch (error) {
        setUploads((current) => current.map((entry) => (entry.id === id ? { ...entry, problem: toProblem(error, 'check the file, then try again') } : entry)))
      }
    }
    if (first !== null && list.length === 1) navigate({ view: 'files', fileId: first })
  }

  const onDragEnter = (event: DragEvent) => {
    if (!dragHasFiles([...event.dataTransfer.types])) return
    event.preventDefault()
    dragDepth.current++
    setDropping(true)
  }
  const onDragOver = (event: DragEvent) => {
    if (!dragHasFiles([...event.dataTransfer.types])) return
    event.preventDefault()
    event.dataTransfer.dropEffect = 'copy'
  }
  const onDragLeave = (event: DragEvent) => {
    if (!dragHasFiles([...event.dataTransfer.types])) return
    dragDepth.current = Math.max(0, dragDepth.current - 1)
    if (dragDepth.current === 0) setDropping(false)
  }
  const onDrop = (event: DragEvent) => {
    if (!dragHasFiles([...event.dataTransfer.types])) return
    event.preventDefault()
    dragDepth.current = 0
    setDropping(false)
    void add([...event.dataTransfer.files])
  }

  return (
    <Page
      label="Files"
      title="Files"
      count={files.length}
      className="relative"
      onDragEnter={onDragEnter}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
      actions={
        <>
          {files.length > 0 && <SearchFilterInput label="Filter files" value={query} onChange={setQuery} className="w-52" />}
          <Button size="sm" variant="primary" onClick={() => picker.current?.click()}>
            <Upload aria-hidden className="size-3.5" />
            Add files
          </Button>
          <input
            ref={picker}
            type="file"
            multiple
            aria-label="Choose files to add"
            className="sr-only"
            tabIndex={-1}
            onChange={(event) => {
              const list = [...(event.target.files ?? [])]
              event.target.value = ''
              if (list.length > 0) void add(list)
            }}
          />
        </>
      }
    >
      {uploads.length > 0 && (
        <ul aria-label="Files being added" className="flex shrink-0 flex-col gap-1.5 border-b border-border bg-bg-subtle px-6 py-2">
          {uploads.map((upload) => (
            <li key={upload.id} className="flex items-center gap-2.5 text-sm">
              {upload.problem === null ? <Spinner className="size-3.5" /> : <CircleAlert aria-hidden className="size-3.5 shrink-0 text-danger" />}
              <span className="min-w-0 truncate font-medium">{upload.name}</span>
              {upload.problem === null ? (
                <span role="status" className="text-xs text-fg-subtle">
                  Adding… {formatSize(upload.size)}
                </span>
              ) : (
                <span role="alert" className="min-w-0 truncate text-xs text-danger">
                  Could not add it: {upload.problem.message}
                  {upload.problem.hint !== null && <span className="text-fg-muted"> — {upload.problem.hint}</span>}
                </span>
              )}
              {upload.problem !== null && (
                <IconButton size="sm" label={`Dismiss ${upload.name}`} className="ml-auto" onClick={() => setUploads((current) => current.filter((entry) => entry.id !== upload.id))}>
                  <X className="size-3.5" />
                </IconButton>
              )}
            </li>
          ))}
        </ul>
      )}

      <div className="flex min-h-0 flex-1">
        {files.length === 0 ? (
          <CenteredEmptyState
            icon={<Paperclip className="size-5" />}
            title="No files yet"
            action={
              <Button variant="primary" onClick={() => picker.current?.click()}>
                <Upload aria-hidden className="size-4" />
                Add files
              </Button>
            }
          >
            Drop files anywhere here, or choose them. Everyone in the workspace can open them, and coworkers and search can read the text of text files (.txt, .md, .csv, .json).
          </CenteredEmptyState>
        ) : shown.length === 0 ? (
          <CenteredEmptyState icon={<SearchX className="size-5" />} title="No files match" action={<Button onClick={() => setQuery('')}>Clear filter</Button>}>
            No file name or type has “{query.trim()}” in it.
          </CenteredEmptyState>
        ) : (
          <div className="min-h-0 min-w-0 flex-1 overflow-y-auto">
            <FileTable files={shown} selectedId={selected?.id ?? null} compact={selected !== null} />
          </div>
        )}
        {selected !== null && <FilePane key={selected.id} file={selected} />}
        {fileId !== null && selected === null && files.length > 0 && (
          <aside aria-label="File" className="flex w-[400px] shrink-0 flex-col items-center justify-center border-l border-border bg-bg-subtle p-6 text-center text-sm text-fg-muted">
            This file is not in the workspace, or it has not synced to this device yet.
            <Button size="sm" className="mt-3" onClick={() => navigate({ view: 'files', fileId: null }, { replace: true })}>
              Close
            </Button>
          </aside>
        )}
      </div>

      {dropping && (
        <div aria-hidden className="pointer-events-none absolute inset-2 z-30 flex items-center justify-center rounded-xl border-2 border-dashed border-accent bg-accent-subtle/85">
          <div className="flex flex-col items-center gap-2 text-accent-text">
            <Upload className="size-7" />
            <p className="text-lg font-semibold">Drop to add to {workspace.name}</p>
            <p className="text-sm">Everyone in the workspace will be able to open them.</p>
          </div>
        </div>
      )}
    </Page>
  )
}

// ---------------------------------------------------------------------------------------------------
// The list

const kindIcons: Record<FileKind, typeof FileIcon> = {
  text: FileText,
  markdown: FileText,
  table: FileSpreadsheet,
  code: FileCode,
  image: FileImage,
  pdf: FileText,
  archive: Archive,
  audio: FileMusic,
  video: FileVideo,
  other: FileIcon
}
const kindTones: Record<FileKind, string> = {
  text: 'bg-bg-muted text-fg-muted',
  markdown: 'bg-accent-subtle text-accent-text',
  table: 'bg-success-subtle text-success',
  code: 'bg-bg-muted text-fg-muted',
  image: 'bg-avatar-4 text-avatar-4-fg',
  pdf: 'bg-danger-subtle text-danger',
  archive: 'bg-warning-subtle text-warning',
  audio: 'bg-avatar-5 text-avatar-5-fg',
  video: 'bg-avatar-5 text-avatar-5-fg',
  other: 'bg-bg-muted text-fg-muted'
}

export function FileTile({ mimeType, size = 'sm' }: { mimeType: string; size?: 'sm' | 'lg' }) {
  const kind = fileKind(mimeType)
  const Icon = kindIcons[kind]
  return (
    <span aria-hidden className={cx('inline-flex shrink-0 items-center justify-center rounded-md', kindTones[kind], size === 'sm' ? 'size-6' : 'size-10 rounded-lg')}>
      <Icon className={size === 'sm' ? 'size-3.5' : 'size-5'} />
    </span>
  )
}

function FileTable({ files, selectedId, compact }: { files: readonly FileRecord[]; selectedId: string | null; compact: boolean }) {
  const { root, workspace } = useWorkspace()
  const now = Date.now()
  const columns = [
    { label: 'Name', className: 'pl-6' },
    { label: 'Size', width: 'w-24', className: 'pr-4 text-right' },
    !compact && { label: 'Type', width: 'w-36' },
    !compact && { label: 'Added by', width: 'w-44' },
    { label: 'Added', width: 'w-28', className: 'pr-6 text-right' }
  ]
  return (
    <LinkRowTable label="Files" columns={columns}>
      {files.map((file) => {
        const selected = file.id === selectedId
        return (
          <tr key={file.id} className={cx('relative h-11 border-b border-border/70 transition-colors', selected ? 'bg-accent-subtle' : 'hover:bg-bg-subtle focus-within:bg-bg-subtle')}>
            <td className="pl-6">
              <div className="flex min-w-0 items-center gap-3">
                <FileTile mimeType={file.mimeType} />
                <RowLink href={`#/files/${file.id}`} current={selected}>
                  {file.name}
                </RowLink>
              </div>
            </td>
            <td className="pr-4 text-right text-xs text-fg-muted tabular-nums">{formatSize(file.size)}</td>
            {!compact && <td className="truncate text-xs text-fg-muted">{typeLabel(file.mimeType)}</td>}
            {!compact && <MemberCell member={findMember(root, file.addedBy) ?? null} youId={workspace.memberId} />}
            <RelativeTimeCell at={file.addedAt} now={now} />
          </tr>
        )
      })}
    </LinkRowTable>
  )
}

// ---------------------------------------------------------------------------------------------------
// One file: details, preview, download

const previewLimit = 60_000

function FilePane({ file }: { file: FileRecord }) {
  const { root, bridge, workspace, reportProblem } = useWorkspace()
  const [downloading, setDownloading] = useState(false)
  const by = findMember(root, file.addedBy) ?? null
  const channelEntry = file.channelId === null ? undefined : rootCollections(root).channels.get(file.channelId)
  const channel = channelEntry === undefined ? null : readRecord<Channel>(channelEntry)

  const download = async () => {
    setDownloading(true)
    try {
      const { bytes } = await bridge.request('files.read', { workspaceId: workspace.workspaceId, fileId: file.id })
      downloadBlob(file.name, bytes, file.mimeType)
    } catch (error) {
      reportProblem(toProblem(error))
    } finally {
      setDownloading(false)
    }
  }

  // Escape closes the pane when focus is in it.
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') navigate({ view: 'files', fileId: null })
  }

  return (
    <aside aria-label={`File ${file.name}`} onKeyDown={onKeyDown} className="flex w-[min(480px,45%)] shrink-0 flex-col border-l border-border bg-bg">
      <div className="flex items-start gap-3 border-b border-border px-5 py-4">
        <FileTile mimeType={file.mimeType} size="lg" />
        <div className="min-w-0 flex-1">
          <h2 className="truncate text-base font-semibold" title={file.name}>
            {file.name}
          </h2>
          <p className="text-xs text-fg-muted">
            {typeLabel(file.mimeType)} · {formatSize(file.size)}
          </p>
        </div>
        <IconButton label="Close preview" shortcut="Esc" size="sm" onClick={() => navigate({ view: 'files', fileId: null })}>
          <X className="size-4" />
        </IconButton>
      </div>
      <div className="flex items-center gap-2 border-b border-border px-5 py-2.5">
        <Button size="sm" variant="primary" busy={downloading} onClick={() => void download()}>
          <Download aria-hidden className="size-3.5" />
          Download
        </Button>
        <dl className="ml-auto flex min-w-0 items-center gap-1.5 text-xs text-fg-muted">
          <dt className="sr-only">Added by</dt>
          <dd className="flex min-w-0 items-center gap-1.5">
            <Avatar member={by} size="xs" />
            <span className="truncate">{by?.id === workspace.memberId ? 'You' : (by?.name ?? 'Unknown')}</span>
          </dd>
          <dt className="sr-only">Added</dt>
          <dd title={formatFull(file.addedAt)}>· {formatRelative(file.addedAt)}</dd>
          {channel !== null && (
            <>
              <dt className="sr-only">Channel</dt>
              <dd>
                ·{' '}
                <a href={`#/c/${channel.id}`} className="hover:text-fg hover:underline">
                  #{channel.name}
                </a>
              </dd>
            </>
          )}
        </dl>
      </div>
      <div className="min-h-0 flex-1 overflow-auto">
        <Preview file={file} />
      </div>
    </aside>
  )
}

function Preview({ file }: { file: FileRecord }) {
  const [mode, setMode] = useState<'rendered' | 'source'>('rendered')
  if (file.text !== null) {
    const essence = essenceOf(file.mimeType)
    const isMarkdown = essence === 'text/markdown'
    const text = file.text.length > previewLimit ? file.text.slice(0, previewLimit) : file.text
    const shownText = essence === 'application/json' && !file.textTruncated ? (formatJson(text) ?? text) : text
    const cut = file.textTruncated || file.text.length > previewLimit
    return (
      <section aria-label="Preview" className="flex flex-col">
        <div className="flex h-9 items-center justify-between border-b border-border bg-bg-subtle px-5 text-xs text-fg-subtle">
          <span>Extracted text{cut ? ' (the beginning)' : ''}</span>
          {isMarkdown && (
            <div role="group" aria-label="Preview mode" className="flex items-center gap-0.5 rounded-md bg-bg-muted p-0.5">
              {(['rendered', 'source'] as const).map((value) => (
                <button
                  key={value}
                  type="button"
                  aria-pressed={mode === value}
                  onClick={() => setMode(value)}
                  className={cx('h-5 rounded-sm px-1.5 text-[11px] font-medium', mode === value ? 'bg-bg text-fg shadow-sm' : 'text-fg-muted hover:text-fg')}
                >
                  {value === 'rendered' ? 'Rendered' : 'Source'}
                </button>
              ))}
            </div>
          )}
        </div>
        {isMarkdown && mode === 'rendered' ? (
          <Markdown text={text} className="px-5 py-4 text-sm leading-6" />
        ) : (
          <pre className="px-5 py-4 font-mono text-xs leading-5 break-words whitespace-pre-wrap text-fg">{shownText}</pre>
        )}
        {cut && <p className="border-t border-border px-5 py-3 text-xs text-fg-subtle">The preview shows the beginning of the file. Download it to see all of it.</p>}
      </section>
    )
  }
  if (isPreviewableImage(file.mimeType) && file.size <= 25 * 1024 * 1024) return <ImagePreview file={file} />
  return (
    <NoPreview>
      There is no preview for {typeLabel(file.mimeType) === 'File' ? 'this type of file' : `a ${typeLabel(file.mimeType)}`}. Download it to open it on this device.
    </NoPreview>
  )
}

function NoPreview({ children }: { children: ReactNode }) {
  return (
    <div className="flex h-full flex-col items-center justify-center gap-3 px-8 py-16 text-center text-sm text-fg-muted">
      <FileIcon aria-hidden className="size-8 text-fg-subtle" />
      <p className="max-w-72">{children}</p>
    </div>
  )
}

function ImagePreview({ file }: { file: FileRecord }) {
  const { bridge, workspace } = useWorkspace()
  const [url, setUrl] = useState<string | null>(null)
  const [problem, setProblem] = useState<Problem | null>(null)
  useEffect(() => {
    let made: string | null = null
    let live = true
    bridge
      .request('files.read', { workspaceId: workspace.workspaceId, fileId: file.id })
      .then(({ bytes }) => {
        if (!live) return
        made = URL.createObjectURL(new Blob([bytes], { type: essenceOf(file.mimeType) }))
        setUrl(made)
      })
      .catch((error: unknown) => live && setProblem(toProblem(error)))
    return () => {
      live = false
      if (made !== null) URL.revokeObjectURL(made)
    }
  }, [bridge, workspace.workspaceId, file.id, file.mimeType])
  if (problem !== null) return <NoPreview>Could not load the image: {problem.message}</NoPreview>
  if (url === null) {
    return (
      <div className="flex h-full items-center justify-center py-16">
        <Spinner label={`Loading ${file.name}`} />
      </div>
    )
  }
  return (
    <section aria-label="Preview" className="flex min-h-full items-start justify-center bg-bg-subtle p-5">
      <img src={url} alt={file.name} className="max-h-[70vh] max-w-full rounded-md border border-border object-contain shadow-sm" />
    </section>
  )
}

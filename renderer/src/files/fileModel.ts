import { essenceOf, guessMimeType, isTextMimeType, unknownMimeType } from '../../../shared/content/mimeTypes.ts'
import type { FileRecord } from '../../../shared/model/types.ts'

/** The files view's pure parts: sizes, type names, icons, filters, what a dropped file is sent as. */

/** The largest file the UI sends: the sync server's default blob limit, so every device can fetch it. */
export const maxFileBytes = 100 * 1024 * 1024

const units = ['KB', 'MB', 'GB', 'TB'] as const

/** `0 bytes`, `1 byte`, `912 bytes`, `1.4 KB`, `23 KB`, `4.1 MB` (1024-based, as file managers mostly do). */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—'
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value < 10 ? value.toFixed(1).replace(/\.0$/, '') : Math.round(value)} ${units[unit]}`
}

export type FileKind = 'text' | 'markdown' | 'table' | 'code' | 'image' | 'pdf' | 'archive' | 'audio' | 'video' | 'other'

const named: Record<string, string> = {
  'text/plain': 'Plain text',
  'text/markdown': 'Markdown',
  'text/csv': 'CSV',
  'text/tab-separated-values': 'TSV',
  'text/html': 'HTML',
  'text/css': 'CSS',
  'text/javascript': 'JavaScript',
  'application/json': 'JSON',
  'application/x-ndjson': 'JSON lines',
  'application/xml': 'XML',
  'application/yaml': 'YAML',
  'application/toml': 'TOML',
  'application/pdf': 'PDF',
  'application/zip': 'ZIP archive',
  'application/gzip': 'Gzip archive',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word document',
  'application/msword': 'Word document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel workbook',
  'application/vnd.ms-excel': 'Excel workbook',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'PowerPoint deck',
  'image/svg+xml': 'SVG image'
}

/** A type name people read: `Markdown`, `PNG image`, `PDF`; the media type itself when there is no better name. */
export function typeLabel(mimeType: string): string {
  const essence = essenceOf(mimeType)
  if (named[essence] !== undefined) return named[essence]!
  const [top, sub = ''] = essence.split('/')
  const short = sub.replace(/^(x-|vnd\.)/, '').split(/[.+]/)[0]!.toUpperCase()
  if (top === 'image') return `${short} image`
  if (top === 'audio') return `${short} audio`
  if (top === 'video') return `${short} video`
  if (essence === unknownMimeType || essence === '') return 'File'
  if (top === 'text') return `${short} text`
  return essence
}

export function fileKind(mimeType: string): FileKind {
  const essence = essenceOf(mimeType)
  if (essence === 'text/markdown') return 'markdown'
  if (essence === 'text/csv' || essence === 'text/tab-separated-values' || essence.includes('spreadsheet') || essence === 'application/vnd.ms-excel') return 'table'
  if (essence.startsWith('image/')) return 'image'
  if (essence === 'application/pdf') return 'pdf'
  if (essence.startsWith('audio/')) return 'audio'
  if (essence.startsWith('video/')) return 'video'
  if (/zip|gzip|tar|compressed|7z|rar/.test(essence)) return 'archive'
  if (essence === 'text/plain') return 'text'
  if (isTextMimeType(essence)) return 'code'
  return 'other'
}

/** Images a browser shows safely from a blob URL (SVG is left out: it is a document that can run script). */
export function isPreviewableImage(mimeType: string): boolean {
  return ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp'].includes(essenceOf(mimeType))
}

/** The media type to send a picked or dropped file as: the browser's, else one guessed from the name. */
export function mimeTypeFor(file: { name: string; type: string }): string {
  return file.type !== '' ? file.type : guessMimeType(file.name)
}

export function filterFiles(files: readonly FileRecord[], query: string): FileRecord[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return [...files]
  return files.filter((file) => {
    const haystack = `${file.name} ${typeLabel(file.mimeType)}`.toLowerCase()
    return words.every((word) => haystack.includes(word))
  })
}

/** Whether a drag carries files from outside the page (not a tracker row or some text). */
export function dragHasFiles(types: readonly string[]): boolean {
  return types.includes('Files')
}

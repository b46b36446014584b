import type * as Y from 'yjs'
import { findMember } from '../../shared/operations/members.ts'
import type { MessageView } from '../../shared/model/types.ts'
import { deletedMessageText } from '../../shared/operations/messages.ts'

/** How the command line shows things to people (with --json, commands print the records instead). */

export function formatTime(ms: number): string {
  const date = new Date(ms)
  const pad = (value: number) => String(value).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`
}

export function memberName(root: Y.Doc, memberId: string): string {
  return findMember(root, memberId)?.name ?? 'someone'
}

export function formatMessage(root: Y.Doc, message: MessageView, indent = ''): string {
  const author = memberName(root, message.authorId)
  const badge = findMember(root, message.authorId)?.kind === 'coworker' ? ' [coworker]' : ''
  const text = message.deleted !== null ? `(${deletedMessageText})` : message.text + (message.editedAt !== null ? ' (edited)' : '')
  const replies = message.replyCount > 0 ? `\n${indent}  ↳ ${message.replyCount} ${message.replyCount === 1 ? 'reply' : 'replies'} (thread ${message.id})` : ''
  const body = text.split('\n').join(`\n${indent}  `)
  return `${indent}[${formatTime(message.createdAt)}] ${author}${badge}: ${body}${replies}`
}

/** Rows as aligned columns of text. */
export function table(rows: string[][]): string {
  if (rows.length === 0) return ''
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)))
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')).join('\n')
}

import { digest as sha256 } from 'lib0/hash/sha256'

/**
 * Random ids, so two offline devices never collide.
 *
 * An id is a short kind prefix, an underscore and 20 characters of lowercase base32 (100 random bits):
 * `ch_k2m8...`. The prefix tells a reader what the id names; the alphabet keeps ids safe in URLs, file
 * names and sync-server room names.
 */

const alphabet = 'abcdefghijklmnopqrstuvwxyz234567'
const randomLength = 20

export type IdKind =
  | 'ws' // workspace
  | 'mem' // member (person or coworker)
  | 'ch' // channel
  | 'msg' // message
  | 'mm' // memory item
  | 'dl' // deliverable
  | 'row' // tracker row
  | 'col' // tracker column
  | 'file' // file record
  | 'wf' // workflow
  | 'task' // coworker task
  | 'dev' // device
  | 'ses' // private assistant session

export function newId(kind: IdKind): string {
  const bytes = new Uint8Array(randomLength)
  globalThis.crypto.getRandomValues(bytes)
  let out = kind + '_'
  for (const byte of bytes) out += alphabet[byte & 31]
  return out
}

const idPattern = /^[a-z]{2,4}_[a-z2-7]{20}$/

export function isId(value: string, kind?: IdKind): boolean {
  if (!idPattern.test(value)) return false
  return kind === undefined || value.startsWith(kind + '_')
}

/**
 * An id derived from a key instead of drawn at random: every device that derives it from the same key
 * gets the same id. A workflow slot's task id is derived from the workflow and the slot, so two devices
 * firing one slot write one task, not two.
 */
export function derivedId(kind: IdKind, key: string): string {
  const hash = sha256(new TextEncoder().encode(key))
  let out = kind + '_'
  for (let index = 0; index < randomLength; index++) out += alphabet[hash[index]! & 31]
  return out
}

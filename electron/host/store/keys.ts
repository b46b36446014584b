/**
 * The key layout of the doc store.
 *
 * Every key starts with the doc name and a NUL, so one doc's keys sort together and a name that is a
 * prefix of another (`ws_x/root` and `ws_x/root2`) never mixes with it:
 *
 *   <name> \0 u \0 <16-digit sequence number>   one entry of the doc's update log
 *
 * A doc's stored state is the merge of its log entries; compaction replaces the log with one entry.
 * Sequence numbers only grow, so log order is key order.
 */

export interface KeyRange {
  gte: string
  lt: string
}

const seqDigits = 16
// The largest code point: as UTF-8 it sorts after every character a name can hold.
const highest = '\u{10ffff}'

export function updateKey(name: string, seq: number): string {
  return `${name}\u0000u\u0000${String(seq).padStart(seqDigits, '0')}`
}

/** The keys of a doc's update log. */
export function updateRange(name: string): KeyRange {
  return { gte: `${name}\u0000u\u0000`, lt: `${name}\u0000u\u0001` }
}

/** Every key of one doc, whatever its kind. */
export function docRange(name: string): KeyRange {
  return { gte: `${name}\u0000`, lt: `${name}\u0001` }
}

/** Every key of every doc whose name starts with `prefix`. */
export function prefixRange(prefix: string): KeyRange {
  return { gte: prefix, lt: prefix + highest }
}

/** The first key after every key of `name` (and before any longer name that starts with it). */
export function afterDoc(name: string): string {
  return `${name}\u0001`
}

export function nameOfKey(key: string): string {
  const end = key.indexOf('\u0000')
  return end === -1 ? key : key.slice(0, end)
}

export function seqOfKey(key: string): number {
  return Number(key.slice(key.length - seqDigits))
}

// Control characters would break the layout above (NUL is the separator); nothing needs them in a name.
const badName = /[\u0000-\u001f]/

export function assertDocName(name: string): void {
  if (name === '' || badName.test(name)) {
    throw new Error(`invalid doc name ${JSON.stringify(name)}: a doc name is a non-empty string without control characters, like "ws_.../root"`)
  }
}

/** What both fakes share about scripted responses: the content a turn produces, and the queue of turns. */

export type ScriptedBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; name: string; input: unknown; id?: string }

/** A turn, or a function that computes one from the request it answers. */
export type Computed<Turn, Request> = Turn | ((request: Request) => Computed<Turn, Request>)

/** Turns are consumed one per request, in the order they were scripted. */
export class ScriptQueue<Turn extends object, Request> {
  readonly #turns: Array<Computed<Turn, Request>> = []

  push(turns: Array<Computed<Turn, Request>>): void {
    this.#turns.push(...turns)
  }

  get pending(): number {
    return this.#turns.length
  }

  /** The next turn, computed for `request` when it is a function; undefined when none is left. */
  take(request: Request): Turn | undefined {
    let turn = this.#turns.shift()
    while (typeof turn === 'function') turn = turn(request)
    return turn
  }
}

/**
 * Splits text into at most `count` pieces of near-equal length, never inside a surrogate pair, so
 * emoji survive the trip. Empty text gives no pieces.
 */
export function splitIntoChunks(text: string, count: number): string[] {
  const characters = Array.from(text)
  const pieces = Math.max(1, Math.min(Math.floor(count), characters.length))
  const chunks: string[] = []
  for (let piece = 0; piece < pieces; piece++) {
    const start = Math.floor((piece * characters.length) / pieces)
    const end = Math.floor(((piece + 1) * characters.length) / pieces)
    const chunk = characters.slice(start, end).join('')
    if (chunk) chunks.push(chunk)
  }
  return chunks
}

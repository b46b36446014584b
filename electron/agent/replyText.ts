/**
 * The reply's text as people see it: every text block of every turn, in order. Blocks that follow a
 * turn boundary or a tool call are set apart by a blank line (unless the text already breaks there),
 * and the separator goes out with the streamed text, so what streamed and the final reply agree.
 */
export class ReplyText {
  #text = ''
  #atBoundary = false

  get text(): string {
    return this.#text
  }

  /** The next text starts a new block: a new turn began, or a tool call came between. */
  boundary(): void {
    this.#atBoundary = true
  }

  /** Adds a streamed piece; returns what to stream (the piece, maybe with a separator before it). */
  add(piece: string): string {
    if (piece === '') return ''
    const out = this.#atBoundary && this.#text !== '' ? separator(this.#text, piece) + piece : piece
    this.#atBoundary = false
    this.#text += out
    return out
  }
}

function separator(before: string, next: string): string {
  if (before.endsWith('\n\n') || next.startsWith('\n\n')) return ''
  const breaks = (before.endsWith('\n') ? 1 : 0) + (next.startsWith('\n') ? 1 : 0)
  return '\n'.repeat(2 - breaks)
}

/**
 * The `data:` payloads of a server-sent event stream, one per event (multi-line data joined with \n),
 * as OpenAI-compatible servers send them. Comments and other fields are skipped. Cancels the body
 * when the reader stops early.
 */
export async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffered = ''
  let data: string[] = []
  const takeLine = (line: string): string | undefined => {
    if (line.endsWith('\r')) line = line.slice(0, -1)
    if (line === '') {
      const event = data.length > 0 ? data.join('\n') : undefined
      data = []
      return event
    }
    if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5))
    return undefined
  }
  try {
    for (;;) {
      const { done, value } = await reader.read()
      buffered += done ? decoder.decode() : decoder.decode(value, { stream: true })
      let newline: number
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const event = takeLine(buffered.slice(0, newline))
        buffered = buffered.slice(newline + 1)
        if (event !== undefined) yield event
      }
      if (done) break
    }
    // A last event without its blank line.
    const last = takeLine(buffered) ?? takeLine('')
    if (last !== undefined) yield last
  } finally {
    await reader.cancel().catch(() => {})
  }
}

/**
 * JSON pretty-printing that keeps the text as written: numbers keep their digits (no rounding of big
 * integers, `1.0` stays `1.0`), repeated keys stay, strings keep their escapes. Only whitespace changes.
 */

const jsonWhitespace = new Set([' ', '\t', '\n', '\r'])
const valueEnd = new Set([',', ':', '{', '}', '[', ']', '"', ' ', '\t', '\n', '\r'])

/** The JSON re-indented, or null when the text is not JSON. */
export function formatJson(text: string, indent = '  '): string | null {
  try {
    JSON.parse(text)
  } catch {
    return null
  }
  const out: string[] = []
  let depth = 0
  const newLine = () => '\n' + indent.repeat(depth)
  let index = 0
  while (index < text.length) {
    const char = text[index] as string
    if (jsonWhitespace.has(char)) {
      index++
    } else if (char === '"') {
      let end = index + 1
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1
      out.push(text.slice(index, end + 1))
      index = end + 1
    } else if (char === '{' || char === '[') {
      const close = char === '{' ? '}' : ']'
      let next = index + 1
      while (jsonWhitespace.has(text[next] ?? '')) next++
      if (text[next] === close) {
        out.push(char + close)
        index = next + 1
      } else {
        depth++
        out.push(char + newLine())
        index++
      }
    } else if (char === '}' || char === ']') {
      depth--
      out.push(newLine() + char)
      index++
    } else if (char === ',') {
      out.push(',' + newLine())
      index++
    } else if (char === ':') {
      out.push(': ')
      index++
    } else {
      // A number, true, false or null: copied as written.
      let end = index
      while (end < text.length && !valueEnd.has(text[end] as string)) end++
      out.push(text.slice(index, end))
      index = end
    }
  }
  return out.join('')
}

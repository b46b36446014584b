/**
 * Ranking for the quick switcher (Cmd/Ctrl+K): a query matches an item when its characters appear in
 * order in the label; contiguous runs, word starts and an exact prefix score higher.
 */

export interface SwitchItem {
  id: string
  label: string
  /** Extra words that also match (a handle, a kind). */
  keywords?: string
}

export function fuzzyScore(query: string, text: string): number | null {
  const q = query.toLowerCase().trim()
  if (q === '') return 0
  const t = text.toLowerCase()
  if (t.startsWith(q)) return 1000 - t.length
  const at = t.indexOf(q)
  if (at !== -1) return 800 - at - t.length / 100 + (isWordStart(t, at) ? 100 : 0)
  let score = 0
  let position = 0
  let run = 0
  for (const char of q) {
    if (char === ' ') continue
    const found = t.indexOf(char, position)
    if (found === -1) return null
    run = found === position ? run + 1 : 0
    score += 10 + run * 5 + (isWordStart(t, found) ? 15 : 0) - Math.min(found - position, 10)
    position = found + 1
  }
  return score
}

function isWordStart(text: string, index: number): boolean {
  return index === 0 || /[\s#@_\-./]/.test(text[index - 1]!)
}

export function rankItems<T extends SwitchItem>(items: readonly T[], query: string, limit = 50): T[] {
  if (query.trim() === '') return items.slice(0, limit)
  const scored: { item: T; score: number }[] = []
  for (const item of items) {
    const label = fuzzyScore(query, item.label)
    const keywords = item.keywords === undefined ? null : fuzzyScore(query, item.keywords)
    const score = Math.max(label ?? -Infinity, keywords === null ? -Infinity : keywords - 50)
    if (score !== -Infinity) scored.push({ item, score })
  }
  scored.sort((a, b) => b.score - a.score)
  return scored.slice(0, limit).map((entry) => entry.item)
}

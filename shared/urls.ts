/** True for an absolute http:// or https:// URL: what a sync server or a model endpoint address must be. */
export function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value)
    return protocol === 'http:' || protocol === 'https:'
  } catch {
    return false
  }
}

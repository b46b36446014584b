/** Saves bytes or text as a file the person downloads (works in Electron and in a browser). */
export function downloadBlob(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = name
  link.rel = 'noopener'
  link.hidden = true
  document.body.append(link)
  link.click()
  link.remove()
  // Give the download a moment to start before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 30_000)
}

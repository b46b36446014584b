/** Websocket close codes of docs/sync-protocol.md. 4400-4499 tell y-websocket not to reconnect. */
export const CloseCode = {
  shuttingDown: 1001,
  internalError: 1011,
  frameTooLarge: 1009,
  slowConsumer: 1013,
  malformed: 4400,
  revoked: 4401,
  idle: 4508,
  rateLimited: 4529
} as const

/** Close reasons must fit in 123 bytes of UTF-8. */
export function closeReason(text: string): string {
  const bytes = Buffer.from(text, 'utf8')
  if (bytes.length <= 123) return text
  return bytes.subarray(0, 120).toString('utf8').replace(/\uFFFD+$/, '') + '...'
}

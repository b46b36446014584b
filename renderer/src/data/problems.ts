/**
 * Errors as the UI shows them: what happened and what to try. Operations throw CommonsError (message +
 * hint), the bridge rejects with its BridgeError shape ({ code, message, hint }); anything else is shown
 * by its message.
 */
export interface Problem {
  message: string
  hint: string | null
  code: string | null
}

export function toProblem(error: unknown, fallbackHint: string | null = null): Problem {
  if (error !== null && typeof error === 'object') {
    const record = error as { message?: unknown; hint?: unknown; code?: unknown; error?: unknown }
    if (record.error !== undefined && typeof record.message !== 'string') return toProblem(record.error, fallbackHint)
    const message = typeof record.message === 'string' && record.message !== '' ? record.message : 'Something went wrong'
    const hint = typeof record.hint === 'string' && record.hint !== '' ? record.hint : fallbackHint
    const code = typeof record.code === 'string' ? record.code : null
    return { message: capitalize(message), hint: hint === null ? null : capitalize(hint), code }
  }
  return { message: typeof error === 'string' && error !== '' ? capitalize(error) : 'Something went wrong', hint: fallbackHint, code: null }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

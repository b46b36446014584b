/** The Claude models Commons offers, and the ones on their way out. */

export const CURRENT_MODELS = ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5'] as const

export const DEFAULT_MODEL = 'claude-sonnet-5-5'

/** Model id → the day it stops answering (end of life), as the SDK's deprecation list says. */
export const RETIRING_MODELS: Readonly<Record<string, string>> = {
  'claude-sonnet-4-5': '2026-11-30',
  'claude-sonnet-4-5-20250929': '2026-11-30'
}

/**
 * A sentence to show next to a coworker configured with a retiring model, or undefined when the model
 * is fine. `now` is passed in so the wording can be tested on both sides of the date.
 */
export function modelWarning(model: string, now: Date = new Date()): string | undefined {
  const endOfLife = RETIRING_MODELS[model]
  if (endOfLife === undefined) return undefined
  const retired = now.getTime() >= Date.parse(`${endOfLife}T00:00:00Z`)
  return retired
    ? `${model} was retired on ${endOfLife} and no longer answers; switch to ${DEFAULT_MODEL}`
    : `${model} reaches end of life on ${endOfLife}; switch to ${DEFAULT_MODEL} before then`
}

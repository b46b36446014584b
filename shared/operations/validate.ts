import { z } from 'zod'
import { ValidationError } from '../errors.ts'
import { isId, type IdKind } from '../ids.ts'

/**
 * Parses an operation's input with its schema. A bad input throws a ValidationError that names each
 * field and its problem (`channel name: must be 1 to 80 characters`), before anything is written.
 */
export function parseInput<Schema extends z.ZodType>(what: string, schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  throw new ValidationError(
    what,
    result.error.issues.map((issue) => ({ field: issue.path.map(String).join('.'), problem: issue.message }))
  )
}

// Field schemas shared by several operations.

export const idOf = (kind: IdKind) =>
  z.string({ error: `must be a ${kind}_ id` }).refine((value) => isId(value, kind), { error: `must be a ${kind}_ id` })

export const trimmedText = (label: string, max: number, min = 1) =>
  z
    .string({ error: `${label} must be text` })
    .transform((value) => value.trim())
    .refine((value) => value.length >= min && value.length <= max, {
      error: min === 0 ? `${label} must be at most ${max} characters` : `${label} must be ${min} to ${max} characters`
    })

/** Message bodies keep their whitespace (code blocks), but may not be blank. */
export const messageText = z
  .string({ error: 'message text must be text' })
  .refine((value) => value.trim().length > 0, { error: 'message text must not be empty' })
  .refine((value) => value.length <= 40_000, { error: 'message text must be at most 40,000 characters' })

import { z } from 'zod'
import { isId, type IdKind } from '../../../shared/ids.ts'

/** Input fields several tools share, each described for the model (the descriptions reach its JSON schema). */

export const idField = (kind: IdKind, what: string) =>
  z.string({ error: `must be a ${what} id (${kind}_…)` }).refine((value) => isId(value, kind), { error: `must be a ${what} id (${kind}_…)` })

export const channelField = z
  .string({ error: 'must be a channel name or id' })
  .trim()
  .min(1, { error: 'must be a channel name or id' })
  .max(100, { error: 'must be a channel name or id' })
  .describe('A channel name such as "general" or "#general", or a channel id (ch_…).')

export const deliverableField = z
  .string({ error: 'must be a deliverable id or title' })
  .trim()
  .min(1, { error: 'must be a deliverable id or title' })
  .max(200, { error: 'must be a deliverable id or title' })
  .describe('The deliverable id (dl_…), or its exact title.')

export const limitField = (fallback: number, max: number, what: string) =>
  z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(max, { error: `must be at most ${max}` })
    .default(fallback)
    .describe(`How many ${what} to return (default ${fallback}, at most ${max}).`)

export const offsetField = (what: string) =>
  z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(0, { error: 'must be 0 or more' })
    .max(100_000_000, { error: 'must be at most 100,000,000' })
    .default(0)
    .describe(what)

export const markdownField = (what: string) =>
  z
    .string({ error: 'must be Markdown text' })
    .max(200_000, { error: 'must be at most 200,000 characters; split it over several calls with mode "append"' })
    .describe(what)

export const trackerValue = z.union([z.string(), z.number(), z.boolean(), z.null()], { error: 'a cell must be text, a number, true/false or null' })

export const rowValuesField = z
  .record(z.string(), trackerValue, { error: 'a row must be an object of column name → value' })
  .describe('Cells by column name: text, a number, true/false for checkboxes, "YYYY-MM-DD" for dates, one of the options for selects, null to empty a cell.')

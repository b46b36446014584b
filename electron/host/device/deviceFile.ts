/**
 * The shape of `<dataDir>/device.json`: what stays on this device and never syncs.
 *
 * Sync-server tokens live only here (never in a Y.Doc, a log line or an error message). Objects are
 * "loose": fields this version does not know (written by a newer one) are kept, not dropped.
 */

import { z } from 'zod'
import { isId } from '../../../shared/ids.ts'

export const deviceSchemaVersion = 1

const id = (kind: Parameters<typeof isId>[1], example: string) =>
  z.string().refine((value) => isId(value, kind), { message: `expected an id like "${example}"` })

export const serverLinkSchema = z.looseObject({
  /** http(s)://host:port of the sync server. */
  url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
  token: z.string().min(1),
  tokenId: z.string().min(1),
  role: z.enum(['owner', 'member'])
})

export const deviceWorkspaceSchema = z.looseObject({
  name: z.string(),
  /** This device's person in the workspace. */
  memberId: id('mem', 'mem_…'),
  addedAt: z.iso.datetime({ offset: true }),
  server: serverLinkSchema.optional()
})

export const deviceFileSchema = z.looseObject({
  schemaVersion: z.literal(deviceSchemaVersion),
  deviceId: id('dev', 'dev_…'),
  displayName: z.string(),
  workspaces: z.record(id('ws', 'ws_…'), deviceWorkspaceSchema),
  settings: z.record(z.string(), z.unknown())
})

export type ServerLink = z.infer<typeof serverLinkSchema>
export type DeviceWorkspace = z.infer<typeof deviceWorkspaceSchema>
export type DeviceFile = z.infer<typeof deviceFileSchema>

/** The first problem zod found, as "field.path: message". */
export function firstProblem(error: z.ZodError): string {
  const issue = error.issues[0]
  if (issue === undefined) return 'invalid'
  const field = issue.path.length === 0 ? '(top level)' : issue.path.map(String).join('.')
  return `${field}: ${issue.message}`
}

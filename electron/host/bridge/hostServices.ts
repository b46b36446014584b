import type { z } from 'zod'
import { CommonsError } from '../../../shared/errors.ts'
import type { BridgeRequests, EventPayload, RequestName, RequestOutput } from '../../../shared/bridge/contract.ts'

/**
 * What the bridge needs from the Host's other modules (model settings, private assistant sessions,
 * workflows, reviews). The lead implements it against those modules; a request whose handler is missing
 * answers a `config` error "not available yet".
 */

export const serviceRequestNames = [
  'settings.get',
  'settings.setAnthropic',
  'settings.setLocal',
  'settings.setDefaults',
  'settings.testModel',
  'settings.setProfile',
  'assistant.list',
  'assistant.create',
  'assistant.get',
  'assistant.rename',
  'assistant.delete',
  'assistant.removeContext',
  'assistant.send',
  'assistant.stop',
  'assistant.share',
  'assistant.saveAsDeliverable',
  'workflows.runNow',
  'review.approve',
  'review.requestChanges'
] as const satisfies readonly RequestName[]

export type ServiceRequestName = (typeof serviceRequestNames)[number]

/** A request's input after the contract's schema parsed it (defaults applied, extra fields dropped). */
export type ParsedInput<Name extends RequestName> = z.output<BridgeRequests[Name]['input']>

export type ServiceHandlers = {
  [Name in ServiceRequestName]: (input: ParsedInput<Name>) => Promise<RequestOutput<Name>>
}

/** The events services push to every connected renderer. */
export type ServiceEventName = 'assistant.text' | 'assistant.done' | 'notification'
export type ServiceEvent = { [Name in ServiceEventName]: { name: Name; payload: EventPayload<Name> } }[ServiceEventName]

export interface HostServices extends Partial<ServiceHandlers> {
  /** Streams events to the renderers (an assistant reply as it is written, notifications); returns an unsubscribe. */
  onEvent?(listener: (event: ServiceEvent) => void): () => void
}

export function isServiceRequest(name: string): name is ServiceRequestName {
  return (serviceRequestNames as readonly string[]).includes(name)
}

export function notAvailable(name: string): CommonsError {
  return new CommonsError('config', `${name} is not available yet`, 'this build of Commons does not have that part wired to the Host')
}

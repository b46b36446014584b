/**
 * The sync server's metrics. Gauges read live state through the callbacks the server passes in.
 */

import { MetricsRegistry, type Counter, type Histogram } from './metrics.ts'

/** Why a request or connection was turned away or closed; the `reason` label of the refusals counter. */
export type RefusalReason =
  | 'bad_room'
  | 'no_token'
  | 'bad_token'
  | 'revoked'
  | 'wrong_workspace'
  | 'too_many_connections'
  | 'shutting_down'
  | 'malformed'
  | 'frame_too_large'
  | 'rate_limited'
  | 'idle'
  | 'slow_consumer'
  | 'blob_too_large'
  | 'blob_hash_mismatch'

export type MessageKind = 'sync' | 'awareness' | 'query_awareness' | 'other'

export interface SyncMetrics {
  readonly registry: MetricsRegistry
  connectionsOpened: Counter
  messagesReceived: Counter<'type'>
  messagesSent: Counter
  bytesReceived: Counter
  bytesSent: Counter
  refusals: Counter<'reason'>
  persistWriteSeconds: Histogram
  persistSyncSeconds: Histogram
  persistFailures: Counter
  errors: Counter<'kind'>
}

export interface LiveCounts {
  connections(): number
  roomsLoaded(): number
  /** Rooms whose writes fail, or all loaded rooms while fsyncs fail. */
  roomsFailingWrites(): number
  uptimeSeconds(): number
}

const latencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

export function createSyncMetrics(live: LiveCounts): SyncMetrics {
  const registry = new MetricsRegistry()
  registry.gauge('commons_sync_uptime_seconds', 'Seconds since the server started.', live.uptimeSeconds)
  registry.gauge('commons_sync_connections', 'Open websocket connections.', live.connections)
  registry.gauge('commons_sync_rooms_loaded', 'Rooms (docs) loaded in memory.', live.roomsLoaded)
  registry.gauge('commons_sync_rooms_failing_writes', 'Rooms whose last write to disk failed; they do not acknowledge until it succeeds.', live.roomsFailingWrites)
  return {
    registry,
    connectionsOpened: registry.counter('commons_sync_connections_opened_total', 'Websocket connections accepted.'),
    messagesReceived: registry.labelledCounter<'type'>('commons_sync_messages_received_total', 'Messages received from clients, by protocol message type.'),
    messagesSent: registry.counter('commons_sync_messages_sent_total', 'Messages sent to clients.'),
    bytesReceived: registry.counter('commons_sync_received_bytes_total', 'Bytes of websocket messages received.'),
    bytesSent: registry.counter('commons_sync_sent_bytes_total', 'Bytes of websocket messages sent.'),
    refusals: registry.labelledCounter<'reason'>('commons_sync_refusals_total', 'Requests and connections refused or closed by the server, by reason.'),
    persistWriteSeconds: registry.histogram('commons_sync_persistence_write_seconds', "Time to write one batch of a room's updates to the database log.", latencyBuckets),
    persistSyncSeconds: registry.histogram('commons_sync_persistence_sync_seconds', 'Time to fsync the database log (one fsync covers the writes of every room before it).', latencyBuckets),
    persistFailures: registry.counter('commons_sync_persistence_write_failures_total', 'Failed writes or fsyncs of updates to disk (each is retried).'),
    errors: registry.labelledCounter<'kind'>('commons_sync_errors_total', 'Unexpected errors, by where they happened.')
  }
}

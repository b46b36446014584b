/**
 * The live connections, by token: for the per-token limit, the `connections` counts of the token
 * lists, closing a revoked token's connections, and shutdown.
 */

import type { SyncConnection } from './connection.ts'

export class ConnectionTracker {
  private readonly byToken = new Map<string, Set<SyncConnection>>()
  private total = 0

  get size(): number {
    return this.total
  }

  add(connection: SyncConnection): void {
    const { tokenId } = connection.identity
    let set = this.byToken.get(tokenId)
    if (set === undefined) this.byToken.set(tokenId, (set = new Set()))
    if (!set.has(connection)) this.total += 1
    set.add(connection)
  }

  remove(connection: SyncConnection): void {
    const { tokenId } = connection.identity
    const set = this.byToken.get(tokenId)
    if (set === undefined || !set.delete(connection)) return
    this.total -= 1
    if (set.size === 0) this.byToken.delete(tokenId)
  }

  countFor(tokenId: string): number {
    return this.byToken.get(tokenId)?.size ?? 0
  }

  forToken(tokenId: string): SyncConnection[] {
    return [...(this.byToken.get(tokenId) ?? [])]
  }

  all(): SyncConnection[] {
    return [...this.byToken.values()].flatMap((set) => [...set])
  }
}

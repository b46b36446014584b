/**
 * Counters, gauges and histograms, rendered by hand in the Prometheus text exposition format (0.0.4).
 */

type Labels = Record<string, string>

interface Metric {
  render(): string[]
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

function formatLabels(labels: Labels | undefined, extra?: Labels): string {
  const all = { ...labels, ...extra }
  const parts = Object.entries(all).map(([key, value]) => `${key}="${escapeLabelValue(value)}"`)
  return parts.length === 0 ? '' : `{${parts.join(',')}}`
}

function formatNumber(value: number): string {
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  return String(value)
}

function header(name: string, help: string, type: string): string[] {
  return [`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`]
}

export class Counter<L extends string = never> implements Metric {
  private readonly values = new Map<string, { labels: Labels; value: number }>()
  /** The entry of an unlabelled counter, bumped without a lookup. */
  private readonly plain: { labels: Labels; value: number } | undefined

  constructor(readonly name: string, private readonly help: string, labelled: boolean) {
    // An unlabelled counter shows 0 before its first event; a labelled one shows only label sets seen.
    if (!labelled) this.values.set('{}', (this.plain = { labels: {}, value: 0 }))
  }

  inc(amount = 1): void {
    if (this.plain !== undefined) this.plain.value += amount
    else this.incWith({} as Record<L, string>, amount)
  }

  incWith(labels: Record<L, string>, amount = 1): void {
    this.entry(labels).value += amount
  }

  /** The counter of one label set, for hot paths that should not look it up on every event. */
  with(labels: Record<L, string>): { inc(amount?: number): void } {
    const entry = this.entry(labels)
    return {
      inc: (amount = 1) => {
        entry.value += amount
      }
    }
  }

  private entry(labels: Labels): { labels: Labels; value: number } {
    const key = JSON.stringify(labels)
    let entry = this.values.get(key)
    if (entry === undefined) this.values.set(key, (entry = { labels, value: 0 }))
    return entry
  }

  get(labels: Partial<Record<L, string>> = {}): number {
    return this.values.get(JSON.stringify(labels))?.value ?? 0
  }

  render(): string[] {
    const lines = header(this.name, this.help, 'counter')
    for (const { labels, value } of this.values.values()) lines.push(`${this.name}${formatLabels(labels)} ${formatNumber(value)}`)
    return lines
  }
}

/** A gauge read when the metrics are scraped. */
export class Gauge implements Metric {
  constructor(readonly name: string, private readonly help: string, private readonly read: () => number) {}

  render(): string[] {
    return [...header(this.name, this.help, 'gauge'), `${this.name} ${formatNumber(this.read())}`]
  }
}

export class Histogram implements Metric {
  private readonly counts: number[]
  private sum = 0
  private count = 0

  constructor(readonly name: string, private readonly help: string, private readonly buckets: readonly number[]) {
    this.counts = buckets.map(() => 0)
  }

  observe(value: number): void {
    this.sum += value
    this.count += 1
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= this.buckets[i]!) this.counts[i]! += 1
    }
  }

  render(): string[] {
    const lines = header(this.name, this.help, 'histogram')
    this.buckets.forEach((bound, i) => lines.push(`${this.name}_bucket${formatLabels({ le: formatNumber(bound) })} ${this.counts[i]}`))
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.count}`)
    lines.push(`${this.name}_sum ${formatNumber(this.sum)}`)
    lines.push(`${this.name}_count ${this.count}`)
    return lines
  }
}

export class MetricsRegistry {
  private readonly metrics: Metric[] = []

  counter(name: string, help: string): Counter {
    return this.add(new Counter(name, help, false))
  }

  /** A counter with labels `L`, e.g. `labelledCounter<'reason'>(...)`. */
  labelledCounter<L extends string>(name: string, help: string): Counter<L> {
    return this.add(new Counter<L>(name, help, true))
  }

  gauge(name: string, help: string, read: () => number): Gauge {
    return this.add(new Gauge(name, help, read))
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, buckets))
  }

  render(): string {
    return this.metrics.flatMap((metric) => metric.render()).join('\n') + '\n'
  }

  private add<M extends Metric>(metric: M): M {
    this.metrics.push(metric)
    return metric
  }
}

/**
 * The page size a run asks S/4HANA for. A page that times out is asked for again at half the size, down to a
 * floor (S/4HANA answers large $expand pages slowly under load); after `growAfter` pages in a row that came back
 * in time, the size doubles again, up to the configured one. Only a timeout at the floor fails the read.
 */
export class AdaptivePageSize {
  current: number
  reductions = 0
  smallest: number
  readonly floor: number
  private inTime = 0

  constructor(
    readonly configured: number,
    floor: number,
    private readonly growAfter: number
  ) {
    this.current = configured
    this.smallest = configured
    this.floor = Math.max(1, Math.min(floor, configured))
  }

  get canShrink(): boolean {
    return this.current > this.floor
  }

  /** A page of the current size timed out: the size to ask for next. */
  shrink(): number {
    this.current = Math.max(this.floor, Math.floor(this.current / 2))
    this.smallest = Math.min(this.smallest, this.current)
    this.reductions++
    this.inTime = 0
    return this.current
  }

  /** A page came back in time. */
  answered(): void {
    if (this.current >= this.configured || ++this.inTime < this.growAfter) return
    this.current = Math.min(this.configured, this.current * 2)
    this.inTime = 0
  }
}

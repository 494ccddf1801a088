// The time collections judges by. Reminders are about days, business hours and weeks: the simulation test drives
// them through months by setting this clock, while everything else (timestamps of the timeline, the queue) keeps
// real time.

let source: () => Date = () => new Date()

export const now = (): Date => source()

/** For tests: the clock every collections decision reads from now on; without one, the real clock again. */
export function useClock(clock?: () => Date): void {
  source = clock ?? (() => new Date())
}

// Counts of what the search threw away or fixed, by reason, for the report: a run that discards most
// proposals says something about the optimizer model that the accuracy figures alone do not.

export class Tally {
  private readonly dropped = new Map<string, number>();
  private readonly fixed = new Map<string, number>();

  /** A proposal, tag or reply that was not used. */
  discard(reason: string): void {
    this.dropped.set(reason, (this.dropped.get(reason) ?? 0) + 1);
  }

  /** Something the optimizer got wrong that the code put right. */
  repaired(reason: string): void {
    this.fixed.set(reason, (this.fixed.get(reason) ?? 0) + 1);
  }

  discarded(): Record<string, number> {
    return Object.fromEntries([...this.dropped].sort(([a], [b]) => a.localeCompare(b)));
  }

  repairs(): Record<string, number> {
    return Object.fromEntries([...this.fixed].sort(([a], [b]) => a.localeCompare(b)));
  }
}

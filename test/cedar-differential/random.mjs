// Seeded PRNG (mulberry32): the same seed gives the same cases on every machine, so any disagreement is reproducible.
export class Random {
  constructor(seed) { this.state = seed >>> 0; }
  next() {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n) { return Math.floor(this.next() * n); }
  chance(p) { return this.next() < p; }
  pick(list) { return list[this.int(list.length)]; }
  weighted(entries) {
    const total = entries.reduce((s, [w]) => s + w, 0);
    let r = this.next() * total;
    for (const [w, v] of entries) { if ((r -= w) < 0) return v; }
    return entries[entries.length - 1][1];
  }
  subset(list, p) { return list.filter(() => this.chance(p)); }
}

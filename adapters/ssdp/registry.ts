// Cameras seen over SSDP, keyed by UUID. Every response or alive updates the entry — a camera that comes back with a
// new DHCP address is noticed at once (the prior system ignored known UUIDs until a byebye; docs/decisions.md §3);
// byebye or max-age expiry removes it. Pure: time comes in as a number.

export interface RegistryEntry {
  uuid: string;
  /** Description URL from the last announcement. */
  location: string;
  /** Source address of the last announcement. */
  address: string;
  lastSeen: number;
  /** When the announcement's max-age runs out (same time base as `lastSeen`), or null without max-age. */
  expiresAt: number | null;
}

export type RegistryChange =
  /** First sighting of this UUID. */
  | { type: 'new'; entry: RegistryEntry }
  /** Known UUID at a new location or address. */
  | { type: 'moved'; entry: RegistryEntry; previous: RegistryEntry }
  /** Known UUID, same place; lastSeen/expiresAt renewed. */
  | { type: 'refreshed'; entry: RegistryEntry };

// UUIDs are hex; compare them case-insensitively so a USN and a UDN in different case meet in one entry.
const key = (uuid: string) => uuid.toLowerCase();

export class SsdpRegistry {
  private readonly entries = new Map<string, RegistryEntry>();

  /** Records a response or alive. */
  seen(a: { uuid: string; location: string; address: string; maxAge: number | null }, now: number): RegistryChange {
    const entry: RegistryEntry = {
      uuid: a.uuid,
      location: a.location,
      address: a.address,
      lastSeen: now,
      expiresAt: a.maxAge === null ? null : now + a.maxAge * 1000,
    };
    const previous = this.entries.get(key(a.uuid));
    this.entries.set(key(a.uuid), entry);
    if (!previous) return { type: 'new', entry };
    if (previous.location !== entry.location || previous.address !== entry.address) return { type: 'moved', entry, previous };
    return { type: 'refreshed', entry };
  }

  /** Byebye: forgets the UUID; returns the entry it had, if any. */
  remove(uuid: string): RegistryEntry | null {
    const entry = this.entries.get(key(uuid)) ?? null;
    this.entries.delete(key(uuid));
    return entry;
  }

  /** Removes and returns every entry whose max-age has run out by `now`. */
  prune(now: number): RegistryEntry[] {
    const gone: RegistryEntry[] = [];
    for (const [k, e] of this.entries) {
      if (e.expiresAt !== null && e.expiresAt <= now) {
        this.entries.delete(k);
        gone.push(e);
      }
    }
    return gone;
  }

  get(uuid: string): RegistryEntry | null {
    return this.entries.get(key(uuid)) ?? null;
  }

  has(uuid: string): boolean {
    return this.entries.has(key(uuid));
  }

  list(): RegistryEntry[] {
    return [...this.entries.values()];
  }
}

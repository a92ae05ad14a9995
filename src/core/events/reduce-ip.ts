/**
 * Coarsens an IP address so it still locates a network (for geo and bot heuristics) but no longer a
 * single subscriber: IPv4 keeps 24 bits (last octet zeroed), IPv6 keeps 48 bits (a site prefix).
 * IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is reduced as IPv4, otherwise the 48-bit rule would erase it.
 *
 * Returns null when the text is not an IP address; callers then drop it, because something we cannot
 * reduce cannot be kept under a "reduce" privacy setting.
 */
export function reduceIp(ip: string): string | null {
  if (ip.includes(':')) return reduceIpv6(ip);
  const v4 = parseIpv4(ip);
  return v4 === null ? null : `${v4[0]}.${v4[1]}.${v4[2]}.0`;
}

/** Dotted-quad IPv4 (decimal, 1-3 digits per octet), parsed by hand: it runs once per event. */
function parseIpv4(text: string): [number, number, number, number] | null {
  const out: [number, number, number, number] = [0, 0, 0, 0];
  let part = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (++digits > 3) return null;
      value = value * 10 + (c - 0x30);
    } else if (c === 0x2e && digits > 0 && part < 3) {
      if (value > 255) return null;
      out[part++] = value;
      digits = 0;
      value = 0;
    } else {
      return null;
    }
  }
  if (part !== 3 || digits === 0 || value > 255) return null;
  out[3] = value;
  return out;
}

function reduceIpv6(input: string): string | null {
  // A zone index (fe80::1%eth0) names a local interface; it is not part of the address.
  const zone = input.indexOf('%');
  const text = (zone >= 0 ? input.slice(0, zone) : input).toLowerCase();
  const groups = parseIpv6Groups(text);
  if (groups === null) return null;
  const isV4Mapped = groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff;
  if (isV4Mapped) {
    const g6 = groups[6] ?? 0;
    return `::ffff:${g6 >> 8}.${g6 & 0xff}.${(groups[7] ?? 0) >> 8}.0`;
  }
  return formatIpv6([groups[0] ?? 0, groups[1] ?? 0, groups[2] ?? 0, 0, 0, 0, 0, 0]);
}

/** The eight 16-bit groups of an IPv6 address, expanding `::` and a dotted IPv4 tail. */
function parseIpv6Groups(text: string): number[] | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  // A dotted IPv4 part may only end the whole address.
  const head = parseGroupList(halves[0] ?? '', halves.length === 1);
  const tail = halves.length === 2 ? parseGroupList(halves[1] ?? '', true) : [];
  if (head === null || tail === null) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return null;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

function parseGroupList(text: string, allowIpv4Tail: boolean): number[] | null {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (allowIpv4Tail && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === null) return null;
      groups.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
    } else {
      if (!/^[0-9a-f]{1,4}$/.test(part)) return null;
      groups.push(parseInt(part, 16));
    }
  }
  return groups;
}

/** RFC 5952 text: lowercase, no leading zeros, the longest run (>= 2) of zero groups as `::`. */
function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLength < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

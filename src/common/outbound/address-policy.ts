import { isIP } from 'node:net';

/**
 * Which addresses the server may send requests to. Scenario writers choose the URLs of HTTP
 * steps and webhooks; without this check they could make the server call its own admin ports,
 * the database next to it or the cloud metadata service and read the answer (server-side
 * request forgery). Loopback, private, link-local, multicast and reserved addresses are
 * refused unless an administrator allows them (LLANO_OUTBOUND_ALLOW).
 */

interface Range {
  bytes: Uint8Array;
  prefix: number;
}

interface NamedRange extends Range {
  what: string;
}

/** 4 bytes for IPv4, 16 for IPv6 (a zone such as %eth0 is dropped), null when not an address. */
export function parseIp(text: string): Uint8Array | null {
  const address = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(address);
  if (family === 4) return Uint8Array.from(address.split('.').map(Number));
  if (family !== 6) return null;
  let head = address;
  let tail: number[] = [];
  const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted) {
    tail = dotted[1].split('.').map(Number);
    head = address.slice(0, dotted.index + 1) + '0:0'; // placeholder groups, replaced below
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const groups = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const l = groups(left);
  const r = groups(right);
  const all = right === undefined ? l : [...l, ...new Array<number>(8 - l.length - r.length).fill(0), ...r];
  const bytes = new Uint8Array(all.flatMap((g) => [g >> 8, g & 0xff]));
  if (tail.length) bytes.set(tail, 12);
  return bytes;
}

function range(cidr: string): Range {
  const [address, prefix] = cidr.split('/');
  const bytes = parseIp(address);
  if (!bytes) throw new Error(`not an address: ${address}`);
  const max = bytes.length * 8;
  const bits = prefix === undefined ? max : Number(prefix);
  if (!/^\d*$/.test(prefix ?? '') || !Number.isInteger(bits) || bits < 0 || bits > max)
    throw new Error(`prefix length must be 0 to ${max}`);
  return { bytes, prefix: bits };
}

function inRange(bytes: Uint8Array, r: Range): boolean {
  if (bytes.length !== r.bytes.length) return false;
  for (let bit = 0; bit < r.prefix; bit += 8) {
    const mask = r.prefix - bit >= 8 ? 0xff : (0xff << (8 - (r.prefix - bit))) & 0xff;
    if ((bytes[bit / 8] & mask) !== (r.bytes[bit / 8] & mask)) return false;
  }
  return true;
}

const named = (cidr: string, what: string): NamedRange => ({ ...range(cidr), what });

/** Most specific first: the first match names the reason. */
const REFUSED_V4: NamedRange[] = [
  named('169.254.169.254/32', 'the cloud metadata address'),
  named('0.0.0.0/8', 'an unspecified ("this network") address'),
  named('10.0.0.0/8', 'a private (RFC 1918) address'),
  named('100.64.0.0/10', 'a shared (carrier-grade NAT) address'),
  named('127.0.0.0/8', 'a loopback address'),
  named('169.254.0.0/16', 'a link-local address'),
  named('172.16.0.0/12', 'a private (RFC 1918) address'),
  named('192.0.0.0/24', 'a reserved (IETF protocol) address'),
  named('192.168.0.0/16', 'a private (RFC 1918) address'),
  named('198.18.0.0/15', 'a reserved (benchmarking) address'),
  named('224.0.0.0/4', 'a multicast address'),
  named('240.0.0.0/4', 'a reserved (or broadcast) address'),
];

const REFUSED_V6: NamedRange[] = [
  named('::/128', 'an unspecified address'),
  named('::1/128', 'a loopback address'),
  named('::/96', 'an IPv4-compatible (deprecated) address'),
  named('100::/64', 'a discard-only address'),
  named('fc00::/7', 'a unique local (private) address'),
  named('fe80::/10', 'a link-local address'),
  named('fec0::/10', 'a site-local (deprecated) address'),
  named('ff00::/8', 'a multicast address'),
];

/** IPv6 forms that carry an IPv4 address in their last 4 bytes: judged as that IPv4 address. */
const EMBEDS_V4: NamedRange[] = [named('::ffff:0:0/96', 'IPv4-mapped'), named('64:ff9b::/96', 'NAT64')];

/** The IPv4 address inside an IPv4-mapped or NAT64 IPv6 address, if any. */
function embeddedV4(bytes: Uint8Array): Uint8Array | null {
  return bytes.length === 16 && EMBEDS_V4.some((r) => inRange(bytes, r)) ? bytes.slice(12) : null;
}

/** Why an address is refused by default ("a loopback address"), or null for a public address. */
export function refusedKind(address: string): string | null {
  const bytes = parseIp(address);
  if (!bytes) return 'not an IP address';
  const v4 = embeddedV4(bytes);
  if (v4) {
    const inner = REFUSED_V4.find((r) => inRange(v4, r));
    return inner ? `${inner.what} (IPv4-mapped)` : null;
  }
  return (bytes.length === 4 ? REFUSED_V4 : REFUSED_V6).find((r) => inRange(bytes, r))?.what ?? null;
}

const HOST_NAME = /^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,62})?)(\.[a-z0-9_]([a-z0-9_-]{0,62})?)*$/;

/** A host name as compared: lower case, without brackets or a final dot. */
const normalHost = (host: string) =>
  host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');

/**
 * The administrator's exceptions: host names (`build.internal`, `*.lab.example.org`), addresses
 * and CIDR ranges (`127.0.0.1`, `10.20.0.0/16`, `fd00::/8`). Everything else that is not public is refused.
 */
export class OutboundPolicy {
  private constructor(
    private readonly ranges: Range[],
    private readonly hosts: string[],
  ) {}

  /** Throws an Error naming the first entry that is neither a host name, an address nor a CIDR range. */
  static parse(entries: readonly string[]): OutboundPolicy {
    const ranges: Range[] = [];
    const hosts: string[] = [];
    for (const raw of entries) {
      const entry = raw.trim();
      if (!entry) continue;
      const address = entry.split('/')[0];
      if (parseIp(address)) {
        try {
          ranges.push(range(entry));
        } catch (e) {
          throw new Error(`"${entry}": ${(e as Error).message}`, { cause: e });
        }
      } else if (!entry.includes('/') && HOST_NAME.test(normalHost(entry))) hosts.push(normalHost(entry));
      else throw new Error(`"${entry}" is neither a host name, an IP address nor a CIDR range (e.g. 10.0.0.0/8)`);
    }
    return new OutboundPolicy(ranges, hosts);
  }

  /** A host name the administrator allowed by name: any address it resolves to may be used. */
  allowsHost(host: string): boolean {
    const name = normalHost(host);
    return this.hosts.some((h) => (h.startsWith('*.') ? name.endsWith(h.slice(1)) : name === h));
  }

  /** Null when the server may connect to `address`, else what kind of address it is ("a loopback address"). */
  refusedKind(address: string): string | null {
    const bytes = parseIp(address);
    if (!bytes) return 'not an IP address';
    const v4 = embeddedV4(bytes);
    if (this.ranges.some((r) => inRange(bytes, r) || (v4 !== null && inRange(v4, r)))) return null;
    return refusedKind(address);
  }

  /** Null when the server may connect to `address`, else why not ("127.0.0.1 is a loopback address"). */
  refusal(address: string): string | null {
    const kind = this.refusedKind(address);
    return kind ? `${address.replace(/%.*$/, '')} is ${kind}` : null;
  }
}

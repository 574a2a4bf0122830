/**
 * What TypeScript code may connect to (part of the child side of a sandbox, bundled with the
 * code, so it imports no Llano module): no local sockets, and no internal address (loopback,
 * private, link-local, the cloud metadata service) unless LLANO_OUTBOUND_ALLOW lists it, as for
 * HTTP steps and webhooks. Every TCP connection of Node (net, tls, http, fetch) goes through
 * `net.Socket.prototype.connect`: literal addresses are checked there, names once resolved.
 */
import dns from 'node:dns';
import net from 'node:net';

const INTERNAL_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '224.0.0.0/4',
  '240.0.0.0/4',
];
const INTERNAL_V6 = ['::/128', '::1/128', 'fc00::/7', 'fe80::/10', 'ff00::/8'];

function blockList(v4: string[], v6: string[]): net.BlockList {
  const list = new net.BlockList();
  for (const r of v4) list.addSubnet(r.split('/')[0], Number(r.split('/')[1]), 'ipv4');
  for (const r of v6) list.addSubnet(r.split('/')[0], Number(r.split('/')[1]), 'ipv6');
  return list;
}

export function guardNetwork(allowEntries: readonly string[]): void {
  const internal = blockList(INTERNAL_V4, INTERNAL_V6);
  const allowedHosts = allowEntries.filter((e) => !net.isIP(e.split('/')[0])).map((e) => e.toLowerCase());
  const allowedRanges = allowEntries.filter((e) => net.isIP(e.split('/')[0]));
  const allowed = blockList(
    allowedRanges.filter((e) => net.isIPv4(e.split('/')[0])).map((e) => (e.includes('/') ? e : `${e}/32`)),
    allowedRanges.filter((e) => net.isIPv6(e.split('/')[0])).map((e) => (e.includes('/') ? e : `${e}/128`)),
  );
  const hostAllowed = (host: string) => {
    const name = host.toLowerCase().replace(/\.$/, '');
    return allowedHosts.some((h) => name === h || (h.startsWith('*.') && name.endsWith(h.slice(1))));
  };
  const isInternal = (address: string) => {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    const ip = mapped ?? address;
    const family = net.isIPv4(ip) ? 'ipv4' : 'ipv6';
    return internal.check(ip, family) && !allowed.check(ip, family);
  };
  const refused = (host: string) =>
    Object.assign(
      new Error(
        `Llano code may not connect to ${host}: an internal address (LLANO_OUTBOUND_ALLOW lists those allowed)`,
      ),
      { code: 'ERR_ACCESS_DENIED' },
    );

  // eslint-disable-next-line @typescript-eslint/unbound-method -- applied to the socket below
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    // net.connect() passes its arguments normalised ([options, callback]); users may call either form.
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    const options: Record<string, unknown> =
      typeof first === 'object' && first !== null
        ? (first as Record<string, unknown>)
        : typeof first === 'number' || /^\d+$/.test(String(first))
          ? { host: typeof args[1] === 'string' ? args[1] : 'localhost' }
          : { path: first };
    if (options.path !== undefined) throw refused(`the local socket ${JSON.stringify(options.path)}`);
    const host = (typeof options.host === 'string' ? options.host : 'localhost').replace(/^\[|\]$/g, '');
    if (!hostAllowed(host)) {
      if (net.isIP(host)) {
        if (isInternal(host)) throw refused(host);
      } else {
        const lookup = (options.lookup as typeof dns.lookup | undefined) ?? dns.lookup;
        options.lookup = (name: string, opts: dns.LookupOptions, callback: (...r: unknown[]) => void) =>
          lookup(name, opts, (error: NodeJS.ErrnoException | null, address: unknown, family?: number) => {
            if (error) return callback(error);
            const addresses = Array.isArray(address)
              ? (address as { address: string }[]).map((a) => a.address)
              : [String(address)];
            if (addresses.some(isInternal)) return callback(refused(name));
            callback(null, address, family);
          });
      }
    }
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  };
}

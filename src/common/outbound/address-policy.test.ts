import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { OutboundPolicy, parseIp, refusedKind } from './address-policy.js';

describe('outbound address policy', () => {
  it('parses IPv4, IPv6, IPv4-mapped and zoned addresses to bytes', () => {
    expect([...parseIp('10.1.2.3')!]).toEqual([10, 1, 2, 3]);
    expect([...parseIp('::1')!]).toEqual([...new Array<number>(15).fill(0), 1]);
    expect([...parseIp('::ffff:127.0.0.1')!].slice(10)).toEqual([0xff, 0xff, 127, 0, 0, 1]);
    expect([...parseIp('[::ffff:7f00:1]')!].slice(10)).toEqual([0xff, 0xff, 127, 0, 0, 1]);
    expect([...parseIp('fe80::1%eth0')!].slice(0, 2)).toEqual([0xfe, 0x80]);
    expect(parseIp('example.org')).toBe(null);
  });

  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['127.255.1.2', 'a loopback address'],
    ['10.0.0.5', 'a private (RFC 1918) address'],
    ['172.31.255.255', 'a private (RFC 1918) address'],
    ['192.168.1.1', 'a private (RFC 1918) address'],
    ['100.64.0.1', 'a shared (carrier-grade NAT) address'],
    ['0.0.0.0', 'an unspecified ("this network") address'],
    ['0.1.2.3', 'an unspecified ("this network") address'],
    ['169.254.169.254', 'the cloud metadata address'],
    ['169.254.10.1', 'a link-local address'],
    ['224.0.0.1', 'a multicast address'],
    ['255.255.255.255', 'a reserved (or broadcast) address'],
    ['::', 'an unspecified address'],
    ['::1', 'a loopback address'],
    ['fd00::1', 'a unique local (private) address'],
    ['fc12:3456::1', 'a unique local (private) address'],
    ['fe80::1', 'a link-local address'],
    ['ff02::1', 'a multicast address'],
    ['::ffff:127.0.0.1', 'a loopback address (IPv4-mapped)'],
    ['::ffff:a9fe:a9fe', 'the cloud metadata address (IPv4-mapped)'],
    ['64:ff9b::10.0.0.1', 'a private (RFC 1918) address (IPv4-mapped)'],
    ['::127.0.0.1', 'an IPv4-compatible (deprecated) address'],
  ])('refuses %s: %s', (address, kind) => {
    expect(refusedKind(address)).toBe(kind);
    expect(OutboundPolicy.parse([]).refusal(address)).toBe(`${address} is ${kind}`);
  });

  it.each(['93.184.216.34', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:93.184.216.34'])(
    'allows the public address %s',
    (address) => expect(OutboundPolicy.parse([]).refusal(address)).toBe(null),
  );

  it('lets an administrator allow addresses, ranges and host names', () => {
    const policy = OutboundPolicy.parse([
      ' 127.0.0.1',
      '10.20.0.0/16',
      'fd00::/8',
      'Build.Internal.',
      '*.lab.example.org',
    ]);
    expect(policy.refusal('127.0.0.1')).toBe(null);
    expect(policy.refusal('::ffff:127.0.0.1')).toBe(null);
    expect(policy.refusal('127.0.0.2')).toBe('127.0.0.2 is a loopback address');
    expect(policy.refusal('::1')).toBe('::1 is a loopback address');
    expect(policy.refusal('10.20.3.4')).toBe(null);
    expect(policy.refusal('10.21.0.1')).toBe('10.21.0.1 is a private (RFC 1918) address');
    expect(policy.refusal('fd12::1')).toBe(null);
    expect(policy.allowsHost('build.internal')).toBe(true);
    expect(policy.allowsHost('ci.lab.example.org')).toBe(true);
    expect(policy.allowsHost('lab.example.org.evil.org')).toBe(false);
    expect(policy.allowsHost('internal')).toBe(false);
  });

  it('names a bad entry', () => {
    expect(() => OutboundPolicy.parse(['10.0.0.0/33'])).toThrow('"10.0.0.0/33": prefix length must be 0 to 32');
    expect(() => OutboundPolicy.parse(['http://x/'])).toThrow('"http://x/" is neither a host name');
    expect(() => OutboundPolicy.parse(['10.0.0.0/x'])).toThrow('"10.0.0.0/x": prefix length');
  });

  it('is set by LLANO_OUTBOUND_ALLOW (comma-separated); a bad entry stops the start with its name', () => {
    const env = { LLANO_OUTBOUND_ALLOW: '127.0.0.1, 10.20.0.0/16,archive.internal' };
    expect(loadConfig({}, env, '/nonexistent').outboundAllow).toEqual([
      '127.0.0.1',
      '10.20.0.0/16',
      'archive.internal',
    ]);
    expect(loadConfig({}, {}, '/nonexistent').outboundAllow).toEqual([]);
    expect(() => loadConfig({}, { LLANO_OUTBOUND_ALLOW: '10.0.0.0/40' }, '/nonexistent')).toThrow(
      '"10.0.0.0/40": prefix length must be 0 to 32',
    );
  });
});

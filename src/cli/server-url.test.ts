import { describe, expect, it } from 'vitest';
import { serverUrl } from './server-url.js';

describe('serverUrl', () => {
  it('keeps a URL with its scheme', () => {
    expect(serverUrl('https://llano.example.org')).toBe('https://llano.example.org');
    expect(serverUrl('http://10.0.0.5:8080/')).toBe('http://10.0.0.5:8080/');
  });
  it('takes http for this machine written without a scheme', () => {
    expect(serverUrl('localhost:7370')).toBe('http://localhost:7370');
    expect(serverUrl('127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(serverUrl('localhost')).toBe('http://localhost');
    expect(serverUrl('[::1]:8080')).toBe('http://[::1]:8080');
  });
  it('asks for the full URL of another host, or of something that is no URL', () => {
    expect(() => serverUrl('llano.example.org:8443')).toThrow(
      'Not a server URL: "llano.example.org:8443": give the full URL, e.g. https://host:port',
    );
    expect(() => serverUrl('localhostile:80')).toThrow(/give the full URL/);
    expect(() => serverUrl('http://exa mple.org')).toThrow(/give the full URL/);
  });
});

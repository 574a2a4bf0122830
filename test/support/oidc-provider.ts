import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** An account of the test provider: what its ID token and userinfo say. */
export interface TestAccount {
  name: string;
  email: string;
  groups: string[];
}

export interface TestProvider {
  /** The issuer: the address of a proxy in front of the provider (see `tamperIdTokens`). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** While true, the proxy changes one character of the ID token's payload in token answers. */
  tamperIdTokens: boolean;
  /** Starts the provider itself, with its client's redirect URI (known once Llano listens, after the issuer). */
  start(redirectUri: string): Promise<void>;
  stop(): Promise<void>;
}

const listen = (server: http.Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );

/** Swaps one character in the middle of the payload: the signature no longer matches. */
function tamper(idToken: string): string {
  const [h, p, s] = idToken.split('.');
  const i = Math.floor(p.length / 2);
  return [h, p.slice(0, i) + (p[i] === 'A' ? 'B' : 'A') + p.slice(i + 1), s].join('.');
}

/**
 * A real OpenID Connect provider (`oidc-provider`, in-memory adapter, its development login
 * form that accepts any login and password) with one confidential client. Consent is
 * pre-granted for that client, so signing in is one form. The accounts named in `accounts`
 * (read at each sign-in: a test may change them) carry their name, email and groups; any other
 * login gets no groups. The issuer is known at once; `start` runs the provider.
 */
export async function startTestProvider(accounts: Record<string, TestAccount>): Promise<TestProvider> {
  const proxy = http.createServer();
  const proxyPort = await listen(proxy);
  const issuer = `http://127.0.0.1:${proxyPort}`;
  const clientId = 'llano-test';
  const clientSecret = 'llano-test-secret-not-for-production';
  let providerServer: http.Server | null = null;
  let providerPort = 0;
  const startProvider = async (redirectUri: string) => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };
    const scopes = ['openid', 'profile', 'email', 'groups'];
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: [redirectUri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ],
      jwks: { keys: [jwk] },
      cookies: { keys: ['test-cookie-key-1'] },
      scopes,
      claims: {
        openid: ['sub'],
        profile: ['name', 'preferred_username'],
        email: ['email'],
        groups: ['groups'],
      },
      pkce: { required: () => true, methods: ['S256'] },
      features: { devInteractions: { enabled: true } },
      findAccount: (_ctx, id) => ({
        accountId: id,
        claims: () => {
          const a = accounts[id];
          return Promise.resolve({
            sub: id,
            preferred_username: id,
            name: a?.name ?? id,
            email: a?.email ?? `${id}@example.org`,
            groups: a?.groups ?? [],
          });
        },
      }),
      // Consent is given in advance for the test client: the login form is the only interaction.
      loadExistingGrant: async (ctx) => {
        const accountId = ctx.oidc.session?.accountId;
        if (!accountId || !ctx.oidc.client) return undefined;
        const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId });
        grant.addOIDCScope(scopes.join(' '));
        await grant.save();
        return grant;
      },
    });
    providerServer = http.createServer(provider.callback());
    providerPort = await listen(providerServer);
  };

  const state: TestProvider = {
    issuer,
    clientId,
    clientSecret,
    tamperIdTokens: false,
    start: startProvider,
    stop: async () => {
      for (const server of [proxy, providerServer]) {
        if (!server) continue;
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      }
    },
  };
  // The proxy forwards everything (Host kept, so the provider's links name the issuer) and, when
  // asked, tampers with the ID token the token endpoint answers.
  proxy.on('request', (req, res) => {
    const upstream = http.request(
      { host: '127.0.0.1', port: providerPort, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const isToken = req.url?.startsWith('/token') && state.tamperIdTokens;
        if (!isToken) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id_token?: string };
          if (body.id_token) body.id_token = tamper(body.id_token);
          const text = JSON.stringify(body);
          const headers = { ...answer.headers, 'content-length': String(Buffer.byteLength(text)) };
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(text);
        });
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  return state;
}

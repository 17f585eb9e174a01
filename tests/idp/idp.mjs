// A real OpenID provider (npm oidc-provider) over HTTPS on 127.0.0.1 for GovernedCrm's OAuth tests.
// Usage: node idp.mjs config.json
//   config: { port, certPath, keyPath, clients: [{ client_id, client_secret, redirect_uris, ... }],
//             accessTokenTtl, refreshTokenTtl, scopes: ["crm.read", ...], accounts: { USER: { roles, tenant } } }
// With `accounts`, the ID token carries each listed account's roles and tenant (profile scope), as a real provider's
// role and tenant claims do: the admin console's sign-in reads them.
// Prints one line "listening https://127.0.0.1:PORT" on stdout once it serves; exits when stdin closes, so a test
// process that dies never leaves it running. Sign-in is headless (see handleInteraction). Test-only endpoints:
// GET /test/stats[?user=U] counts token endpoint grants (everyone's, or one account's); POST /test/users/U/revoke
// revokes every grant of U with its tokens, as the provider's admin (or the user) would.
import { generateKeyPair, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { promisify } from 'node:util';

// Start-up time matters (one provider per test): load the library and make the signing key concurrently.
const [{ default: Provider }, signingKey] = await Promise.all([
  import('oidc-provider'),
  promisify(generateKeyPair)('rsa', { modulusLength: 2048 }).then(({ privateKey }) => privateKey.export({ format: 'jwk' })),
]);

const TEST_USER_COOKIE = 'idp_test_user';

const configPath = process.argv[2];
if (!configPath) {
  process.stderr.write('usage: node idp.mjs config.json\n');
  process.exit(2);
}
const config = JSON.parse(readFileSync(configPath, 'utf8'));

// Exit with the parent: stdin is a pipe from the test process; it closes when that process ends, however it ends.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();

const newStats = () => ({ grants: {}, refreshFailures: 0, errors: [] });
const stats = newStats();
const statsByUser = new Map();
const grantsByUser = new Map();
const refreshTokenOwners = new Map();
let provider;

const server = https.createServer(
  { cert: readFileSync(config.certPath), key: readFileSync(config.keyPath) },
  (req, res) => route(req, res).catch((err) => fail(res, err)),
);

server.listen(config.port ?? 0, '127.0.0.1', () => {
  const { port } = server.address();
  provider = createProvider(`https://127.0.0.1:${port}`);
  process.stdout.write(`listening https://127.0.0.1:${port}\n`);
});

function createProvider(issuer) {
  const p = new Provider(issuer, {
    clients: config.clients,
    jwks: { keys: [{ ...signingKey, kid: 'test-signing-key', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    scopes: ['openid', 'offline_access', ...(config.scopes ?? [])],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'roles', 'tenant'], email: ['email'] },
    // Only with configured accounts do ID tokens carry profile claims (roles, tenant) themselves.
    conformIdTokenClaims: !config.accounts,
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: id, name: id, preferred_username: id, email: `${id}@example.test`, ...(config.accounts?.[id] ?? {}) }),
    }),
    features: {
      devInteractions: { enabled: false },
      introspection: { enabled: true },
      revocation: { enabled: true },
    },
    pkce: { required: () => true },
    // Always rotate, so reusing a rotated refresh token trips reuse detection (invalid_grant, grant revoked).
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: async () => false,
    ttl: {
      AccessToken: config.accessTokenTtl ?? 3600,
      RefreshToken: config.refreshTokenTtl ?? 14 * 24 * 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 3600,
      Grant: 14 * 24 * 3600,
    },
  });

  p.on('grant.success', (ctx) => {
    const type = ctx.oidc.params.grant_type;
    for (const target of statsTargets(ctx)) {
      target.grants[type] = (target.grants[type] ?? 0) + 1;
    }
  });
  p.on('grant.error', (ctx, err) => {
    const type = ctx.oidc?.params?.grant_type ?? null;
    for (const target of statsTargets(ctx)) {
      if (type === 'refresh_token') {
        target.refreshFailures += 1;
      }
      target.errors.push({ grantType: type, error: err.error ?? 'server_error', description: err.error_description ?? null });
    }
  });
  p.on('refresh_token.saved', (token) => refreshTokenOwners.set(token.jti, token.accountId));
  p.on('grant.saved', (grant) => {
    const ids = grantsByUser.get(grant.accountId) ?? new Set();
    ids.add(grant.jti);
    grantsByUser.set(grant.accountId, ids);
  });
  return p;
}

// The counters a token endpoint call adds to: everyone's, and its account's when known (also for a refresh token
// that was revoked meanwhile, through the owners recorded when refresh tokens were saved).
function statsTargets(ctx) {
  const { entities = {}, params = {} } = ctx.oidc ?? {};
  const account = entities.Account?.accountId
    ?? entities.RefreshToken?.accountId
    ?? entities.AuthorizationCode?.accountId
    ?? refreshTokenOwners.get(params.refresh_token);
  if (!account) {
    return [stats];
  }
  if (!statsByUser.has(account)) {
    statsByUser.set(account, newStats());
  }
  return [stats, statsByUser.get(account)];
}

async function route(req, res) {
  const url = new URL(req.url, 'https://127.0.0.1');
  if (url.pathname.startsWith('/test/')) {
    return handleTest(req, res, url);
  }
  if (url.pathname.startsWith('/interaction/')) {
    return handleInteraction(req, res);
  }
  if (url.pathname === '/auth' && req.method === 'GET') {
    requireConsentForOfflineAccess(req, url);
  }
  return provider.callback()(req, res);
}

// oidc-provider drops offline_access (no refresh token) unless prompt includes consent; MSAL never sends it.
// The headless consent grants everything anyway, so ask for it whenever offline_access is requested.
function requireConsentForOfflineAccess(req, url) {
  const scopes = (url.searchParams.get('scope') ?? '').split(' ');
  if (scopes.includes('offline_access')) {
    url.searchParams.set('prompt', 'consent');
    req.url = `${url.pathname}?${url.searchParams.toString()}`;
  }
}

// Headless sign-in: the account is the idp_test_user cookie (on this origin) if set, else login_hint;
// consent grants every requested scope and claim.
async function handleInteraction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, session } = details;
  if (prompt.name === 'login') {
    const account = readCookie(req, TEST_USER_COOKIE) ?? params.login_hint;
    const result = account
      ? { login: { accountId: account } }
      : { error: 'login_required', error_description: 'no idp_test_user cookie and no login_hint' };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }

  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  const missing = prompt.details;
  if (missing.missingOIDCScope) {
    grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  }
  if (missing.missingOIDCClaims) {
    grant.addOIDCClaims(missing.missingOIDCClaims);
  }
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

async function handleTest(req, res, url) {
  if (req.method === 'GET' && url.pathname === '/test/stats') {
    const user = url.searchParams.get('user');
    return json(res, 200, user === null ? stats : (statsByUser.get(user) ?? newStats()));
  }
  const revoke = /^\/test\/users\/([^/]+)\/revoke$/.exec(url.pathname);
  if (req.method === 'POST' && revoke) {
    const user = decodeURIComponent(revoke[1]);
    const grantIds = [...(grantsByUser.get(user) ?? [])];
    await Promise.all(grantIds.map(revokeGrant));
    grantsByUser.delete(user);
    return json(res, 200, { revokedGrants: grantIds.length });
  }
  return json(res, 404, { error: 'not_found' });
}

async function revokeGrant(grantId) {
  await Promise.all([
    provider.AccessToken.revokeByGrantId(grantId),
    provider.RefreshToken.revokeByGrantId(grantId),
    provider.AuthorizationCode.revokeByGrantId(grantId),
    provider.Grant.adapter.destroy(grantId),
  ]);
}

function readCookie(req, name) {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name && rest.length) {
      return decodeURIComponent(rest.join('='));
    }
  }
  return undefined;
}

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function fail(res, err) {
  process.stderr.write(`idp error: ${err?.name ?? 'Error'}: ${err?.message ?? err}\n`);
  if (!res.headersSent) {
    json(res, 500, { error: 'server_error', error_description: err?.message ?? 'error' });
  } else {
    res.end();
  }
}

// The remote-CRM world for the connect tests: a .NET helper process (tests/GovernedCrm.Testing.RemoteCrmHost) that
// hosts a real OpenID provider (npm oidc-provider over HTTPS) and the HubSpot contract double, plus governed-crm
// serving HTTP with bearer tokens and a connectors file that puts the default tenant on that double. A tiny cookie-
// keeping "browser" walks the server's /connect page; the provider's own pages are walked by the helper (it holds
// the provider's test certificate, which nothing else trusts).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitationCompleteNotificationSchema, ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';

import {
  assertServerBuilt, freePort, liveChildren, makeDataDir, onCleanup, repoRoot, serverDll, serverEnv, stopChild, tail, waitForHttp,
} from './harness.mjs';

export const hostDll = join(
  repoRoot, 'tests', 'GovernedCrm.Testing.RemoteCrmHost', 'bin', 'Release', 'net10.0', 'GovernedCrm.Testing.RemoteCrmHost.dll',
);

/**
 * Starts the helper and the server; returns everything a test needs.
 * @param {import('node:test').TestContext} t
 */
export async function startRemoteCrm(t) {
  assertServerBuilt();
  if (!existsSync(hostDll)) throw new Error(`${hostDll} not found: build the solution first (dotnet build GovernedCrm.sln -c Release)`);
  const dataDir = await makeDataDir(t);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;

  const hostLogs = tail();
  const host = spawn('dotnet', [hostDll, `${baseUrl}/`, join(dataDir, 'remote')], { stdio: ['pipe', 'pipe', 'pipe'] });
  liveChildren.add(host);
  host.stderr.on('data', (c) => hostLogs.push(c));
  onCleanup(t, async () => {
    host.stdin.end();
    await stopChild(host);
  });
  const world = await new Promise((resolveWorld, reject) => {
    const lines = createInterface({ input: host.stdout });
    const timer = setTimeout(() => reject(new Error(`the remote CRM host did not start\n${hostLogs.text}`)), 60_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolveWorld(JSON.parse(line));
    });
    host.once('exit', (code) => reject(new Error(`the remote CRM host exited (${code})\n${hostLogs.text}`)));
  });

  const serverLogs = tail(4_000_000);
  const server = spawn(
    'dotnet',
    [serverDll, 'serve', '--http', '--urls', baseUrl, '--data', dataDir, '--jwt-issuer', world.issuer, '--jwt-keys', world.jwks, '--connectors', world.connectors],
    { env: serverEnv(world.environment), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  liveChildren.add(server);
  server.stdout.on('data', (c) => serverLogs.push(c));
  server.stderr.on('data', (c) => serverLogs.push(c));
  onCleanup(t, () => stopChild(server));
  try {
    await waitForHttp(baseUrl, server, 30_000);
  } catch (error) {
    throw new Error(`${error.message}\n--- server output ---\n${serverLogs.text}`);
  }

  const control = async (path, init) => {
    const response = await fetch(`${world.control}${path}`, init);
    if (!response.ok) throw new Error(`control ${path}: ${response.status} ${await response.text()}`);
    const text = await response.text();
    return text.length > 0 && (text.startsWith('{') || text.startsWith('[')) ? JSON.parse(text) : text;
  };

  return { baseUrl, dataDir, world, control, logs: () => serverLogs.text };
}

/**
 * The official TypeScript SDK client over Streamable HTTP with a bearer token for `user`; with `urlElicitation` it
 * declares URL-mode elicitation and records completion notices.
 */
export async function connectAs(t, env, user, { urlElicitation = false } = {}) {
  const token = await env.control(`/token?sub=${encodeURIComponent(user)}`);
  const client = new Client(
    { name: 'governedcrm-e2e-connect', version: '1.0.0' },
    { capabilities: urlElicitation ? { elicitation: { url: {} } } : {} },
  );
  const completed = [];
  if (urlElicitation) {
    client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept' }));
    client.setNotificationHandler(ElicitationCompleteNotificationSchema, (notification) => {
      completed.push(notification.params.elicitationId);
    });
  }
  const transport = new StreamableHTTPClientTransport(new URL(`${env.baseUrl}/mcp`), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  onCleanup(t, () => client.close().catch(() => {}));
  await client.connect(transport);
  return { client, completed };
}

/**
 * Walks a connect URL like a browser: the server's pages with their cookies, the provider's pages through the helper.
 * @returns {Promise<{ status: number, body: string }>} the server's last answer
 */
export async function browseConnect(env, connectUrl, signInUser, crmUser = signInUser) {
  const cookies = new Map();
  const get = async (url) => {
    const headers = {};
    if (cookies.size > 0) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(url, { redirect: 'manual', headers });
    for (const set of response.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const eq = pair.indexOf('=');
      cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return { status: response.status, location: response.headers.get('location'), body: await response.text() };
  };
  const viaProvider = async (url, user, prefix) =>
    (await env.control('/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url, user, redirectPrefix: `${env.baseUrl}${prefix}` }),
    })).location;

  let answer = await get(connectUrl);
  if (answer.status !== 302) return answer;
  if (new URL(answer.location).searchParams.get('client_id') === 'governed-crm-signin') {
    answer = await get(await viaProvider(answer.location, signInUser, '/connect/signin'));
    if (answer.status !== 302) return answer;
  }
  return await get(await viaProvider(answer.location, crmUser, '/connect/callback'));
}

// Starts the built governed-crm server the way real users do (a child process over stdio, or an HTTP
// listener) and connects the official MCP TypeScript SDK client to it. Every child and temp folder is
// registered for cleanup, so a failing assertion never leaves a server running or a CRM on disk.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const execFileAsync = promisify(execFile);

export const e2eRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(e2eRoot, '..', '..');

/** The built server; eng/test.sh points at the Release build it just made. */
export const serverDll = resolve(
  process.env.GOVERNEDCRM_SERVER_DLL ||
    join(repoRoot, 'src', 'GovernedCrm.Server', 'bin', 'Release', 'net10.0', 'governed-crm.dll'),
);

/** The CloseDeal sample's tool assembly (a custom governed tool), built with the solution; eng/test.sh sets the variable. */
export const closeDealDll = resolve(
  process.env.GOVERNEDCRM_CLOSEDEAL_DLL ||
    join(repoRoot, 'samples', 'CloseDeal', 'bin', 'Release', 'net10.0', 'GovernedCrm.Samples.CloseDeal.dll'),
);

/** The caller identity for stdio runs: fixed, so results do not depend on who runs the tests. */
export const e2eUser = 'e2e-agent';

const keepTemp = process.env.GOVERNEDCRM_E2E_KEEP === '1';
export const liveChildren = new Set();

// A crashed or interrupted test run must not leave servers holding ports or files.
process.on('exit', () => {
  for (const child of liveChildren) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

const cleanups = new WeakMap();

/**
 * Registers cleanup for a test, run last-registered-first (node:test runs `after` hooks in registration
 * order), so clients close before their servers stop and servers stop before their data folder is deleted.
 * @param {import('node:test').TestContext} t
 * @param {() => Promise<void> | void} fn
 */
export function onCleanup(t, fn) {
  let stack = cleanups.get(t);
  if (!stack) {
    stack = [];
    cleanups.set(t, stack);
    t.after(async () => {
      while (stack.length > 0) {
        const next = stack.pop();
        try {
          await next();
        } catch (error) {
          t.diagnostic(`cleanup failed: ${error.message}`);
        }
      }
    });
  }
  stack.push(fn);
}

export function assertServerBuilt() {
  if (!existsSync(serverDll)) {
    throw new Error(
      `governed-crm.dll not found at ${serverDll}. Build first: dotnet build GovernedCrm.sln -c Release ` +
        '(or set GOVERNEDCRM_SERVER_DLL).',
    );
  }
}

/**
 * A fresh data folder, so the server seeds a new CRM for every test and tests cannot see each other's writes.
 * @param {import('node:test').TestContext} t
 */
export async function makeDataDir(t) {
  const dir = await mkdtemp(join(tmpdir(), 'governedcrm-e2e-'));
  onCleanup(t, async () => {
    if (keepTemp) {
      t.diagnostic(`kept data folder ${dir}`);
      return;
    }
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  });
  return dir;
}

/**
 * The server's environment: only what dotnet needs plus a fixed user. Inherited GOVERNEDCRM_* settings are
 * dropped so a developer's own data folder or policy can never leak into a test.
 */
export function serverEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('GOVERNEDCRM_') || value === undefined) continue;
    env[key] = value;
  }
  return {
    ...env,
    DOTNET_CLI_TELEMETRY_OPTOUT: '1',
    DOTNET_NOLOGO: '1',
    GOVERNEDCRM_USER: e2eUser,
    ...extra,
  };
}

/** Only the variables dotnet itself may need; the SDK adds HOME, PATH, USER and the like. */
function dotnetEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('DOTNET_') && value !== undefined) env[key] = value;
  }
  return { ...env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1', GOVERNEDCRM_USER: e2eUser };
}

/** Keeps the last part of a child's stderr so a failure can show what the server said. */
export function tail(limit = 16_000) {
  let text = '';
  return {
    push(chunk) {
      text += chunk.toString();
      if (text.length > limit) text = text.slice(-limit);
    },
    get text() {
      return text;
    },
  };
}

export async function freePort() {
  return await new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

function exited(child) {
  return new Promise((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) resolveExit();
    else child.once('exit', () => resolveExit());
  });
}

export async function stopChild(child, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) {
    liveChildren.delete(child);
    return;
  }
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
  liveChildren.delete(child);
}

/**
 * Starts `governed-crm serve --http` on a free loopback port and waits until it answers HTTP.
 * Retries on a new port if another process grabbed the probed one first.
 * @param {import('node:test').TestContext} t
 * @param {string} dataDir
 */
export async function startHttpServer(t, dataDir) {
  assertServerBuilt();
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const stderr = tail();
    const child = spawn(
      'dotnet',
      [serverDll, 'serve', '--http', '--urls', baseUrl, '--data', dataDir],
      { env: serverEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    liveChildren.add(child);
    // HTTP mode may log to either stream; both are kept for diagnostics.
    child.stdout.on('data', (c) => stderr.push(c));
    child.stderr.on('data', (c) => stderr.push(c));
    const server = { baseUrl, port, child, logs: () => stderr.text, stop: () => stopChild(child) };
    onCleanup(t, () => server.stop());
    try {
      await waitForHttp(baseUrl, child, 30_000);
      return server;
    } catch (error) {
      lastError = new Error(`${error.message}\n--- server output ---\n${stderr.text}`);
      await server.stop();
    }
  }
  throw lastError;
}

export async function waitForHttp(baseUrl, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let exitedEarly = false;
  child.once('exit', () => {
    exitedEarly = true;
  });
  while (Date.now() < deadline) {
    if (exitedEarly) throw new Error(`server exited (code ${child.exitCode}) before answering at ${baseUrl}`);
    try {
      // Any HTTP answer (even 404 for "/") means Kestrel is listening and routing requests.
      const response = await fetch(`${baseUrl}/`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  throw new Error(`server did not answer at ${baseUrl} within ${timeoutMs} ms`);
}

/**
 * An SDK client that declares form elicitation (as Claude Desktop and VS Code do). Elicitation requests are
 * recorded and, unless a test passes its own handler, declined: declining keeps a surprise prompt visible as a
 * non-executed outcome instead of a silent approval.
 * @param {((params: any) => any) | undefined} elicit answers an elicitation request (returns an ElicitResult)
 */
function newClient(elicit) {
  const client = new Client(
    { name: 'governedcrm-e2e', version: '1.0.0' },
    { capabilities: { elicitation: { form: {} } } },
  );
  const elicitations = [];
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    elicitations.push(request.params);
    return elicit ? elicit(request.params) : { action: 'decline' };
  });
  return { client, elicitations };
}

/**
 * Starts a server with a fresh CRM and connects a client over the given transport.
 * @param {import('node:test').TestContext} t
 * @param {'stdio' | 'streamable-http' | 'sse'} kind
 * @param {{ elicit?: (params: any) => any, serverArgs?: string[] }} [options] how the client answers elicitation
 *   requests; serverArgs (stdio only) go before --data, e.g. ['serve', '--tools', dll, '--policy', file]
 */
export async function connect(t, kind, options = {}) {
  assertServerBuilt();
  const dataDir = await makeDataDir(t);
  const { client, elicitations } = newClient(options.elicit);
  let logs = () => '';
  let transport;
  if (kind === 'stdio') {
    const stderr = tail();
    transport = new StdioClientTransport({
      command: 'dotnet',
      args: [serverDll, ...(options.serverArgs ?? []), '--data', dataDir],
      env: dotnetEnv(),
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (c) => stderr.push(c));
    logs = () => stderr.text;
  } else {
    const server = await startHttpServer(t, dataDir);
    logs = server.logs;
    transport =
      kind === 'sse'
        ? new SSEClientTransport(new URL(`${server.baseUrl}/sse`))
        : new StreamableHTTPClientTransport(new URL(`${server.baseUrl}/mcp`));
  }

  let stdioGuard;
  // Registered before connecting so that a failed handshake still stops the child.
  onCleanup(t, async () => {
    await client.close().catch(() => {});
    if (stdioGuard) liveChildren.delete(stdioGuard);
  });
  try {
    await client.connect(transport);
  } catch (error) {
    throw new Error(`${kind}: connect failed: ${error.message}\n--- server output ---\n${logs()}`);
  }
  if (kind === 'stdio' && transport.pid) {
    // The SDK ends its child on close; this covers a test that dies before close runs.
    const pid = transport.pid;
    stdioGuard = { kill: (signal) => process.kill(pid, signal) };
    liveChildren.add(stdioGuard);
  }
  return { client, transport, dataDir, dbPath: join(dataDir, 'crm.db'), elicitations, logs };
}

/**
 * Runs a test body and, if it fails, appends the server's output so the cause is visible in CI logs.
 * @param {() => string} logs
 * @param {() => Promise<void>} body
 */
export async function withServerLogs(logs, body) {
  try {
    await body();
  } catch (error) {
    error.message += `\n--- server output (tail) ---\n${logs()}`;
    throw error;
  }
}

/** Calls a tool and returns the result; protocol errors (not tool errors) throw. */
export async function callTool(client, name, args) {
  return await client.callTool({ name, arguments: args });
}

/** The text of a result's first text block. */
export function textOf(result) {
  const block = result.content?.find((c) => c.type === 'text');
  return block?.text ?? '';
}

const sqliteBinary = process.env.SQLITE3 || 'sqlite3';

/**
 * Reads the CRM file directly with the sqlite3 CLI, read-only. WAL mode lets it see committed writes while
 * the server still holds the database open.
 */
export async function sqliteQuery(dbPath, sql) {
  try {
    const { stdout } = await execFileAsync(sqliteBinary, ['-readonly', '-batch', dbPath, sql], {
      timeout: 15_000,
    });
    return stdout.trim();
  } catch (error) {
    if (error.code === 'ENOENT') {
      throw new Error('sqlite3 command-line tool not found: install Debian package sqlite3 (eng/test.sh does).');
    }
    throw error;
  }
}

/**
 * Runs the MCP Inspector CLI from this package's own node_modules. npx --no-install and npm's offline mode
 * make sure nothing is fetched at run time; the Inspector's config and catalog files go to a temp folder.
 * @param {string[]} args arguments after `--cli`
 * @param {string} scratchDir a temp folder for the Inspector's own files
 */
export async function runInspectorCli(args, scratchDir) {
  const env = {
    ...process.env,
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
    MCP_CATALOG_PATH: join(scratchDir, 'inspector-catalog.json'),
    MCP_CLIENT_CONFIG_PATH: join(scratchDir, 'inspector-client.json'),
    // Never open a browser, should any code path try to.
    BROWSER: 'none',
    CI: 'true',
  };
  for (const key of Object.keys(env)) {
    if (key.startsWith('GOVERNEDCRM_')) delete env[key];
  }
  const child = spawn('npx', ['--no-install', '@modelcontextprotocol/inspector', '--cli', ...args], {
    cwd: e2eRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const code = await new Promise((r) => child.once('close', (c) => r(c)));
  clearTimeout(timer);
  liveChildren.delete(child);
  return { code, stdout, stderr };
}

/**
 * Runs a governed-crm CLI verb (verify, audit export, ...) against a data folder and returns its exit code and output.
 * @param {string[]} args
 * @param {Record<string, string | undefined>} [env] variables to set, or (undefined) to unset, e.g. GOVERNEDCRM_USER
 */
export async function runCli(args, env = {}) {
  const variables = serverEnv(env);
  for (const key of Object.keys(variables)) {
    if (variables[key] === undefined) delete variables[key];
  }
  try {
    const { stdout, stderr } = await execFileAsync('dotnet', [serverDll, ...args], { env: variables, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    if (typeof error.code === 'number') return { code: error.code, stdout: error.stdout ?? '', stderr: error.stderr ?? '' };
    throw error;
  }
}

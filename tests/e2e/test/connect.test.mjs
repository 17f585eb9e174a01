// Per-user CRM accounts end to end, with the official MCP TypeScript SDK over Streamable HTTP: the server acts as
// each user at a HubSpot contract double, with that user's own OAuth token from a real OpenID provider, connected
// through the server's /connect page; the model and the client never see a token.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';

import { UrlElicitationRequiredError } from '@modelcontextprotocol/sdk/types.js';

import { callTool, textOf, withServerLogs } from '../lib/harness.mjs';
import { browseConnect, connectAs, startRemoteCrm } from '../lib/remote-crm.mjs';

const answers = [];

async function call(client, name, args) {
  const result = await callTool(client, name, args);
  answers.push(JSON.stringify(result));
  return result;
}

async function eventually(predicate, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

async function rawFiles(dir) {
  let all = '';
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) all += (await readFile(join(entry.parentPath ?? entry.path, entry.name))).toString('latin1');
  }
  return all;
}

test('alice connects through URL elicitation and runs as herself; bob is told to connect, then runs as bob; 50 interleaved calls never cross; no token leaks', async (t) => {
  const env = await startRemoteCrm(t);
  await withServerLogs(env.logs, async () => {
    const contacts = env.world.contacts;
    const alice = await connectAs(t, env, 'alice', { urlElicitation: true });

    let elicitation;
    await assert.rejects(
      callTool(alice.client, 'CRM.GetRecord', { objectType: 'contact', recordId: contacts[0] }),
      (error) => {
        assert.ok(error instanceof UrlElicitationRequiredError, `expected -32042, got ${error.message}`);
        [elicitation] = error.elicitations;
        answers.push(JSON.stringify(error.elicitations));
        return true;
      },
    );
    assert.equal(elicitation.mode, 'url');
    assert.match(elicitation.url, /^http:\/\/127\.0\.0\.1:\d+\/connect\?id=[A-Za-z0-9_-]{43}$/);
    assert.ok(!(await env.control('/calls')).some((c) => c.user === 'alice'), 'nothing ran before alice connected');

    const page = await browseConnect(env, elicitation.url, 'alice');
    assert.equal(page.status, 200, page.body);
    await eventually(() => alice.completed.includes(elicitation.elicitationId), 'notifications/elicitation/complete');
    const read = await call(alice.client, 'CRM.GetRecord', { objectType: 'contact', recordId: contacts[0] });
    assert.notEqual(read.isError, true, textOf(read));
    assert.equal(read.structuredContent.properties.firstname, 'First0');
    assert.ok((await env.control('/calls')).some((c) => c.user === 'alice' && c.path.endsWith(`/contacts/${contacts[0]}`)));

    // Bob's client has no URL elicitation: a tool error names the connect URL; nothing runs with anyone's token.
    const bob = await connectAs(t, env, 'bob');
    const before = (await env.control('/calls')).length;
    const refused = await call(bob.client, 'CRM.UpdateRecord', {
      objectType: 'contact', recordId: contacts[1], properties: { firstname: 'Bobbed' }, reason: 'e2e',
    });
    assert.equal(refused.isError, true);
    assert.equal(refused.structuredContent.error.code, 'crm.not_connected');
    assert.equal((await env.control('/calls')).length, before, "bob's call never reached the CRM");
    const bobPage = await browseConnect(env, refused.structuredContent.error.connectUrl, 'bob');
    assert.equal(bobPage.status, 200, bobPage.body);

    // 50 interleaved concurrent writes, 25 each: every one runs with its own caller's token (checked by the double).
    const writes = contacts.slice(0, 50).map((recordId, i) => {
      const [who, session] = i % 2 === 0 ? ['alice', alice] : ['bob', bob];
      return { recordId, who, result: call(session.client, 'CRM.UpdateRecord', {
        objectType: 'contact', recordId, properties: { firstname: `${who}-${i}` }, reason: 'e2e concurrency',
      }) };
    });
    await Promise.all(writes.map((w) => w.result));
    const calls = await env.control('/calls');
    for (const write of writes) {
      const result = await write.result;
      assert.notEqual(result.isError, true, textOf(result));
      const patches = calls.filter((c) => c.method === 'PATCH' && c.path.endsWith(`/contacts/${write.recordId}`));
      assert.equal(patches.length, 1, `one PATCH of ${write.recordId}`);
      assert.equal(patches[0].user, write.who, `${write.recordId} was written as ${write.who}`);
    }

    // The CRM refuses alice's token (expired): one refresh and one retry, and the call succeeds.
    await env.control('/refuse-token?user=alice', { method: 'POST' });
    const afterExpiry = await call(alice.client, 'CRM.GetRecord', { objectType: 'contact', recordId: contacts[2] });
    assert.notEqual(afterExpiry.isError, true, textOf(afterExpiry));
    assert.equal((await env.control('/stats?user=alice')).grants.refresh_token, 1);

    // Bob's grant is revoked at the provider: his next call is answered with the connect URL again.
    await env.control('/revoke?user=bob', { method: 'POST' });
    const revoked = await call(bob.client, 'CRM.GetRecord', { objectType: 'contact', recordId: contacts[3] });
    assert.equal(revoked.isError, true);
    assert.equal(revoked.structuredContent.error.code, 'crm.not_connected');

    // Leak canary: no token the CRM ever saw appears in an MCP answer, the server's logs or any data file.
    const tokens = await env.control('/seen-tokens');
    assert.ok(tokens.length >= 3, `tokens seen: ${tokens.length}`);
    const files = await rawFiles(env.dataDir);
    const everything = answers.join('\n');
    for (const token of tokens) {
      assert.ok(!everything.includes(token), 'an MCP answer carried a token');
      assert.ok(!env.logs().includes(token), 'the server log carried a token');
      assert.ok(!files.includes(token), 'a data file holds a token in the clear');
    }
  });
});

test('the connect page refuses a browser signed in as someone else, and nothing is connected', async (t) => {
  const env = await startRemoteCrm(t);
  await withServerLogs(env.logs, async () => {
    const carol = await connectAs(t, env, 'carol');
    const answer = await call(carol.client, 'CRM.GetRecord', { objectType: 'contact', recordId: env.world.contacts[0] });
    const url = answer.structuredContent.error.connectUrl;

    const page = await browseConnect(env, url, 'mallory');

    assert.equal(page.status, 403, page.body);
    assert.match(page.body, /different user/);
    const again = await call(carol.client, 'CRM.GetRecord', { objectType: 'contact', recordId: env.world.contacts[0] });
    assert.equal(again.structuredContent.error.code, 'crm.not_connected');
    assert.ok(!(await env.control('/calls')).some((c) => c.user === 'carol' || c.user === 'mallory'));
  });
});

// Requester confirmation through MCP elicitation, with the official TypeScript SDK client answering the form:
// accept, decline, edit then accept, over stdio and Streamable HTTP. The default policy asks the requester to
// confirm a change of a contact's email address. The CRM file (read with sqlite3) holds exactly the decided value.
// The MCP Inspector CLI cannot answer elicitation: its call is queued, named by its approval id, and nothing changes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { assertServerBuilt, callTool, connect, makeDataDir, runInspectorCli, serverDll, sqliteQuery, textOf, withServerLogs } from '../lib/harness.mjs';

const original = 'ada.adler0@acme-robotics.example';
const proposed = 'ada.lovelace@acme-robotics.example';
const edited = 'ada.edited@acme-robotics.example';

const changeEmail = {
  objectType: 'contact',
  recordId: '1001',
  properties: { email: proposed },
  reason: 'e2e: the customer asked to use her new address',
  confidence: 0.85,
};

for (const kind of ['stdio', 'streamable-http']) {
  describe(`requester confirmation over ${kind}`, () => {
    it('accept: the proposed email is written', async (t) => {
      const { client, logs, dbPath, elicitations } = await connect(t, kind, { elicit: () => ({ action: 'accept' }) });
      await withServerLogs(logs, async () => {
        const result = await callTool(client, 'CRM.UpdateRecord', changeEmail);
        assert.notEqual(result.isError, true, textOf(result));
        assert.equal(result.structuredContent.outcome, 'executed');
        assert.equal(elicitations.length, 1);
        assert.match(elicitations[0].message, /contact 1001/);
        assert.match(elicitations[0].message, /contact-email-change/);
        assert.ok(elicitations[0].requestedSchema.properties.email, 'the proposed value is an editable field');
        assert.equal(await sqliteQuery(dbPath, 'select email from contacts where id = 1001'), proposed);
      });
    });

    it('decline: nothing changes', async (t) => {
      const { client, logs, dbPath } = await connect(t, kind, { elicit: () => ({ action: 'decline' }) });
      await withServerLogs(logs, async () => {
        const result = await callTool(client, 'CRM.UpdateRecord', changeEmail);
        assert.equal(result.isError, true, textOf(result));
        assert.equal(result.structuredContent?.error?.code, 'approval.declined');
        assert.equal(await sqliteQuery(dbPath, 'select email, version from contacts where id = 1001'), `${original}|1`);
      });
    });

    it('edit then accept: the edited email is written', async (t) => {
      const { client, logs, dbPath } = await connect(t, kind, { elicit: () => ({ action: 'accept', content: { email: edited } }) });
      await withServerLogs(logs, async () => {
        const result = await callTool(client, 'CRM.UpdateRecord', changeEmail);
        assert.notEqual(result.isError, true, textOf(result));
        assert.deepEqual(result.structuredContent.after, { email: edited });
        assert.equal(await sqliteQuery(dbPath, 'select email from contacts where id = 1001'), edited);
      });
    });
  });
}

describe('MCP Inspector CLI (no elicitation)', () => {
  it('a change that needs confirmation is queued with its approval id, and nothing changes', async (t) => {
    assertServerBuilt();
    const dataDir = await makeDataDir(t);
    const scratch = await makeDataDir(t);
    const run = await runInspectorCli(
      ['--format', 'json', '-e', 'GOVERNEDCRM_USER=e2e-inspector', 'dotnet', serverDll, '--data', dataDir,
        '--method', 'tools/call', '--tool-name', 'CRM.UpdateRecord', '--tool-args-json', JSON.stringify(changeEmail)],
      scratch,
    );
    const context = `exit ${run.code}\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`;
    assert.equal(run.code, 0, context);
    const result = JSON.parse(run.stdout).result;
    assert.equal(result.structuredContent?.outcome, 'pending_approval', context);
    assert.match(result.structuredContent.approvalId, /^apr_[0-9a-f]{24}$/);
    assert.ok(textOf(result).includes(result.structuredContent.approvalId), context);
    assert.equal(await sqliteQuery(`${dataDir}/crm.db`, 'select email, version from contacts where id = 1001'), `${original}|1`);
  });
});

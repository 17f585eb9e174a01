// The audit trail as an admin sees it after a real client session: the official SDK client drives writes over
// stdio, then the CLI verifies the chain and exports the entries the session produced.
import assert from 'node:assert/strict';
import { it } from 'node:test';

import { callTool, connect, e2eUser, runCli, withServerLogs } from '../lib/harness.mjs';

it('stdio session leaves a verifiable audit trail naming the user and the client', async (t) => {
  const { client, dataDir, logs } = await connect(t, 'stdio');
  await withServerLogs(logs, async () => {
    const update = await callTool(client, 'CRM.UpdateRecord', {
      objectType: 'deal',
      recordId: '3003',
      properties: { amount: 9876.5 },
      reason: 'e2e audit check',
      confidence: 0.8,
    });
    assert.notEqual(update.isError, true);
    await callTool(client, 'CRM.GetRecord', { objectType: 'deal', recordId: '3003' });
  });
  // Closing the client ends the server, which signs its final checkpoint.
  await client.close();
  await new Promise((r) => setTimeout(r, 500));

  const verify = await runCli(['verify', '--json', '--data', dataDir]);
  assert.equal(verify.code, 0, `verify failed: ${verify.stdout}${verify.stderr}`);
  const report = JSON.parse(verify.stdout);
  assert.equal(report.valid, true);
  assert.equal(report.entries, 6, 'received, proposed and executed for each of the two calls');

  const exported = await runCli(['audit', 'export', '--data', dataDir]);
  assert.equal(exported.code, 0, exported.stderr);
  const entries = exported.stdout.trim().split('\n').map((line) => JSON.parse(line));
  const proposed = entries.find((e) => e.event === 'proposed' && e.tool === 'CRM.UpdateRecord');
  assert.ok(proposed, 'a PROPOSED entry for the update');
  assert.equal(proposed.actor, e2eUser);
  assert.equal(proposed.onBehalfOf, 'governedcrm-e2e/1.0.0');
  assert.deepEqual(proposed.proposedValues, { amount: 9876.5 });
  assert.equal(proposed.reasoning, 'e2e audit check');
  const executed = entries.find((e) => e.event === 'executed' && e.executionId === proposed.executionId);
  assert.ok(executed && executed.seq > proposed.seq, 'EXECUTED follows its PROPOSED entry');
});

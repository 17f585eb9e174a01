// The MCP Inspector CLI is what many users try first against a new server; it must list and call our tools
// with nothing but the dll and a data folder on its command line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { assertToolContract } from '../lib/crm-suite.mjs';
import { assertServerBuilt, makeDataDir, runInspectorCli, serverDll } from '../lib/harness.mjs';

async function inspector(t, methodArgs) {
  assertServerBuilt();
  const dataDir = await makeDataDir(t);
  const scratch = await makeDataDir(t);
  const run = await runInspectorCli(
    ['--format', 'json', '-e', 'GOVERNEDCRM_USER=e2e-inspector', 'dotnet', serverDll, '--data', dataDir, ...methodArgs],
    scratch,
  );
  const context = `exit ${run.code}\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`;
  assert.equal(run.code, 0, context);
  let parsed;
  try {
    parsed = JSON.parse(run.stdout);
  } catch (error) {
    assert.fail(`stdout is not one JSON object (${error.message})\n${context}`);
  }
  return { parsed, context };
}

describe('MCP Inspector CLI against governed-crm over stdio', () => {
  it('tools/list returns the tools a rep is given (the four CRM tools and CRM.GetProposal)', async (t) => {
    const { parsed, context } = await inspector(t, ['--method', 'tools/list']);
    assert.ok(Array.isArray(parsed.result?.tools), context);
    assertToolContract(parsed.result.tools);
  });

  it('tools/call CRM.GetRecord returns deal 3001', async (t) => {
    const { parsed, context } = await inspector(t, [
      '--method',
      'tools/call',
      '--tool-name',
      'CRM.GetRecord',
      '--tool-args-json',
      JSON.stringify({ objectType: 'deal', recordId: '3001' }),
    ]);
    const result = parsed.result;
    assert.ok(result, context);
    assert.notEqual(result.isError, true, context);
    assert.equal(result.structuredContent?.id, '3001', context);
    assert.equal(result.structuredContent.objectType, 'deal');
    assert.equal(result.structuredContent.properties.dealname, 'Acme Robotics - Platform licence');
    assert.equal(result.structuredContent.properties.amount, 1000);
  });
});

// A custom governed tool on the shipped server: `governed-crm serve --tools <the CloseDeal sample's dll>` over stdio,
// driven by the official TypeScript SDK client. A lost deal closes at once; a big win (a deal over 50,000) waits for
// a manager, is approved with `governed-crm approvals approve` (the OS user mapped to maria by the policy's
// cli_users), and the server's executor runs it through the pipeline. The CRM file (sqlite3) shows each write and
// `governed-crm verify` finds the whole story in a valid chain.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { it } from 'node:test';

import { callTool, closeDealDll, connect, makeDataDir, repoRoot, runCli, sqliteQuery, textOf, withServerLogs } from '../lib/harness.mjs';

// The sample's policy plus what the queue needs: a rule letting the requester look up a proposal (CRM.GetProposal),
// and cli_users making the OS user running the tests maria (a manager) for the approvals CLI.
async function closeDealPolicy(t) {
  const sample = path.join(repoRoot, 'samples', 'CloseDeal', 'close-deal-policy.yaml');
  const file = path.join(await makeDataDir(t), 'close-deal-policy.yaml');
  const text = (await readFile(sample, 'utf8')).trimEnd();
  await writeFile(
    file,
    `${text}\n  - id: proposals\n    effect: allow\n    tools: [CRM.GetProposal]\n\n` +
      `cli_users:\n  ${os.userInfo().username}: { user: maria }\n`,
  );
  return file;
}

it('serve --tools: CRM.CloseDeal closes a lost deal at once; a big win waits for a manager, is approved with the CLI and run by the server; the chain verifies', async (t) => {
  assert.ok(existsSync(closeDealDll), `${closeDealDll} not built: dotnet build GovernedCrm.sln -c Release (or set GOVERNEDCRM_CLOSEDEAL_DLL)`);
  const policy = await closeDealPolicy(t);
  const { client, dataDir, dbPath, logs } = await connect(t, 'stdio', { serverArgs: ['serve', '--tools', closeDealDll, '--policy', policy] });
  await withServerLogs(logs, async () => {
    const { tools } = await client.listTools();
    const closeDeal = tools.find((tool) => tool.name === 'CRM.CloseDeal');
    assert.ok(closeDeal, `CRM.CloseDeal is listed: ${tools.map((tool) => tool.name).join(', ')}`);
    assert.deepEqual([...closeDeal.inputSchema.required].sort(), ['dealId', 'reason', 'won']);

    // A lost deal: allowed for a rep (the stdio user gets the policy's local_default), executed at once.
    const lost = await callTool(client, 'CRM.CloseDeal', { dealId: '3001', won: false, reason: 'e2e: the customer chose a competitor.' });
    assert.notEqual(lost.isError, true, textOf(lost));
    assert.equal(textOf(lost), 'Deal 3001 is now closedlost (version 2).');
    assert.equal(await sqliteQuery(dbPath, 'select dealstage, version from deals where id = 3001'), 'closedlost|2');

    // A big win: deal 3017 is worth more than 50,000, so a manager decides.
    assert.ok(Number(await sqliteQuery(dbPath, 'select amount from deals where id = 3017')) > 50000, 'deal 3017 is a big deal');
    const before = await sqliteQuery(dbPath, 'select dealstage, version from deals where id = 3017');
    const won = await callTool(client, 'CRM.CloseDeal', { dealId: '3017', won: true, reason: 'e2e: contract signed.' });
    assert.notEqual(won.isError, true, `waiting for approval is not an error: ${textOf(won)}`);
    assert.equal(won.structuredContent?.outcome, 'pending_approval', textOf(won));
    assert.equal(won.structuredContent.rule, 'big-wins-need-a-manager');
    assert.equal(won.structuredContent.approver, 'role:manager');
    const approvalId = won.structuredContent.approvalId;
    assert.match(approvalId, /^apr_[0-9a-f]{24}$/);
    assert.equal(await sqliteQuery(dbPath, 'select dealstage, version from deals where id = 3017'), before, 'nothing written before the approval');

    // maria approves from the shell: her OS user is mapped by cli_users (no --as, no GOVERNEDCRM_USER).
    const approve = await runCli(['approvals', 'approve', approvalId, '--data', dataDir, '--policy', policy], { GOVERNEDCRM_USER: undefined });
    assert.equal(approve.code, 0, `approve: ${approve.stdout}${approve.stderr}`);
    assert.match(approve.stdout, new RegExp(`approved: ${approvalId} \\(CRM\\.CloseDeal deal/3017, requested by e2e-agent\\)`));

    // The running server's executor picks the approved proposal up and runs it as the requester.
    let proposal;
    for (let i = 0; i < 50 && proposal?.status !== 'executed'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      proposal = (await callTool(client, 'CRM.GetProposal', { approvalId })).structuredContent;
    }
    assert.equal(proposal?.status, 'executed', `within 10 s: ${JSON.stringify(proposal)}`);
    assert.equal(proposal.decidedBy, 'maria');
    assert.equal(await sqliteQuery(dbPath, 'select dealstage from deals where id = 3017'), 'closedwon');
  });

  // Closing the client ends the server, which signs its final checkpoint; then the chain is checked offline.
  await client.close();
  await new Promise((r) => setTimeout(r, 500));
  const verify = await runCli(['verify', '--json', '--data', dataDir]);
  assert.equal(verify.code, 0, `verify: ${verify.stdout}${verify.stderr}`);
  assert.equal(JSON.parse(verify.stdout).valid, true);

  const exported = await runCli(['audit', 'export', '--data', dataDir]);
  assert.equal(exported.code, 0, exported.stderr);
  const entries = exported.stdout.trim().split('\n').map((line) => JSON.parse(line));
  const executed = entries.filter((e) => e.event === 'executed' && e.tool === 'CRM.CloseDeal').map((e) => e.recordId);
  assert.deepEqual(executed.sort(), ['3001', '3017'], 'both closes executed, in the chain');
  assert.ok(entries.some((e) => e.tool === 'CRM.CloseDeal' && e.recordId === '3017' && e.approver === 'maria'), 'the approval is in the chain, by maria');
});

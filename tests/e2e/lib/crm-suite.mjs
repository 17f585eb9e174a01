// The same CRM scenarios for every transport: a client that works over stdio must see the same tools and
// the same results over Streamable HTTP and legacy SSE.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { callTool, connect, runCli, sqliteQuery, textOf, withServerLogs } from './harness.mjs';

const objectTypes = ['contact', 'company', 'deal'];

// The approvals CLI decides as the OS user (mapped by the policy's cli_users); --as needs act_as. This writes the
// default policy plus an entry that lets the OS user running the tests act for maria, for the CLI only.
async function actingPolicy(dataDir) {
  const defaultPolicy = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'samples', 'policies', 'default.yaml');
  const file = path.join(dataDir, 'cli-acting.yaml');
  const text = (await readFile(defaultPolicy, 'utf8')).trimEnd();
  await writeFile(file, `${text}\n\ncli_users:\n  ${os.userInfo().username}: { user: adam, act_as: [maria] }\n`);
  return file;
}

// The published contract (ARCHITECTURE.md, "MCP tools"): names, arguments and hints are relied on by users'
// prompts and client configs, so any drift must fail here.
const expectedTools = {
  'CRM.SearchRecords': {
    properties: ['objectType', 'query', 'limit'],
    required: ['objectType'],
    readOnlyHint: true,
    destructiveHint: false,
  },
  'CRM.GetRecord': {
    properties: ['objectType', 'recordId', 'properties'],
    required: ['objectType', 'recordId'],
    readOnlyHint: true,
    destructiveHint: false,
  },
  'CRM.UpdateRecord': {
    properties: ['objectType', 'recordId', 'properties', 'reason', 'confidence'],
    required: ['objectType', 'recordId', 'properties', 'reason'],
    readOnlyHint: false,
    destructiveHint: true,
  },
  'CRM.CreateContact': {
    properties: ['properties', 'reason', 'confidence'],
    required: ['properties', 'reason'],
    readOnlyHint: false,
    destructiveHint: true,
  },
  // A requester looks up a proposal that waited for approval (the default policy gives it to every role; the
  // approver's Approvals.* tools are listed only to managers and admins).
  'CRM.GetProposal': {
    properties: ['approvalId'],
    required: ['approvalId'],
    readOnlyHint: true,
    destructiveHint: false,
  },
};

const sorted = (values) => [...values].sort();

/** Checks tools/list against the contract; shared with the Inspector CLI test. */
export function assertToolContract(tools) {
  assert.deepEqual(sorted(tools.map((t) => t.name)), sorted(Object.keys(expectedTools)), 'exactly the tools a rep is given');
  for (const tool of tools) {
    const expected = expectedTools[tool.name];
    const schema = tool.inputSchema;
    assert.equal(schema.type, 'object', `${tool.name} inputSchema.type`);
    assert.deepEqual(sorted(Object.keys(schema.properties ?? {})), sorted(expected.properties), `${tool.name} arguments`);
    assert.deepEqual(sorted(schema.required ?? []), sorted(expected.required), `${tool.name} required arguments`);
    if (schema.properties.objectType) {
      assert.deepEqual(schema.properties.objectType.enum, objectTypes, `${tool.name} objectType enum`);
    }
    assert.equal(tool.annotations?.readOnlyHint, expected.readOnlyHint, `${tool.name} readOnlyHint`);
    assert.equal(tool.annotations?.destructiveHint, expected.destructiveHint, `${tool.name} destructiveHint`);
  }
  const update = tools.find((t) => t.name === 'CRM.UpdateRecord');
  assert.equal(update.inputSchema.properties.properties.type, 'object', 'UpdateRecord properties is an object');
}

/** A successful tool result: no isError, and the text block carries the same JSON as structuredContent. */
function success(result, what) {
  assert.notEqual(result.isError, true, `${what} failed: ${textOf(result)}`);
  assert.ok(result.structuredContent, `${what} has structuredContent`);
  assert.deepEqual(JSON.parse(textOf(result)), result.structuredContent, `${what}: text and structuredContent agree`);
  return result.structuredContent;
}

async function getDeal(client, id) {
  return success(await callTool(client, 'CRM.GetRecord', { objectType: 'deal', recordId: id }), `GetRecord deal ${id}`);
}

/**
 * @param {'stdio' | 'streamable-http' | 'sse'} kind
 * @param {{ checkDatabase: boolean }} options whether to also read crm.db with the sqlite3 CLI
 */
export function defineCrmSuite(kind, { checkDatabase }) {
  describe(`governed-crm over ${kind} (official MCP TypeScript SDK client)`, () => {
    it('lists exactly the four CRM tools with their arguments and hints', async (t) => {
      const { client, logs } = await connect(t, kind);
      await withServerLogs(logs, async () => {
        const info = client.getServerVersion();
        assert.equal(info?.name, 'governed-crm');
        assert.ok(client.getServerCapabilities()?.tools, 'server declares tools');
        const { tools, nextCursor } = await client.listTools();
        assert.equal(nextCursor, undefined, 'all tools on one page');
        assertToolContract(tools);
      });
    });

    it('searches deals in id order, by text and with a limit', async (t) => {
      const { client, logs } = await connect(t, kind);
      await withServerLogs(logs, async () => {
        const page = success(
          await callTool(client, 'CRM.SearchRecords', { objectType: 'deal', limit: 5 }),
          'SearchRecords deals',
        );
        assert.equal(page.objectType, 'deal');
        assert.equal(page.count, 5);
        assert.equal(page.hasMore, true, '40 seeded deals, limit 5');
        assert.deepEqual(
          page.records.map((r) => r.id),
          ['3001', '3002', '3003', '3004', '3005'],
        );
        for (const record of page.records) assert.equal(record.objectType, 'deal');

        const acme = success(
          await callTool(client, 'CRM.SearchRecords', { objectType: 'deal', query: 'acme robotics', limit: 100 }),
          'SearchRecords deals by text',
        );
        assert.ok(acme.count >= 1, 'finds the Acme Robotics deal');
        assert.ok(acme.records.some((r) => r.id === '3001'), 'deal 3001 among the matches');
        for (const record of acme.records) {
          assert.match(JSON.stringify(record.properties).toLowerCase(), /acme robotics/);
        }
      });
    });

    it('reads deal 3001', async (t) => {
      const { client, logs, dbPath } = await connect(t, kind);
      await withServerLogs(logs, async () => {
        const deal = await getDeal(client, '3001');
        assert.equal(deal.id, '3001');
        assert.equal(deal.objectType, 'deal');
        assert.equal(deal.version, 1);
        assert.ok(deal.createdAt && deal.updatedAt, 'timestamps');
        assert.equal(deal.properties.dealname, 'Acme Robotics - Platform licence');
        assert.equal(deal.properties.amount, 1000);
        if (checkDatabase) {
          assert.equal(await sqliteQuery(dbPath, 'select amount, version from deals where id = 3001'), '1000|1');
        }

        const only = success(
          await callTool(client, 'CRM.GetRecord', { objectType: 'deal', recordId: '3001', properties: ['amount'] }),
          'GetRecord with a property list',
        );
        assert.deepEqual(Object.keys(only.properties), ['amount']);
      });
    });

    it('updates the amount of deal 3001 (under the 50,000 approval threshold) and reads the new value back', async (t) => {
      const { client, logs, dbPath, elicitations } = await connect(t, kind);
      await withServerLogs(logs, async () => {
        const result = await callTool(client, 'CRM.UpdateRecord', {
          objectType: 'deal',
          recordId: '3001',
          properties: { amount: 45678.9 },
          reason: 'End-to-end test: customer signed the expanded order form.',
          confidence: 0.9,
        });
        const outcome = success(result, 'UpdateRecord');
        assert.equal(outcome.outcome, 'executed', `outcome (elicitations: ${JSON.stringify(elicitations)})`);
        assert.equal(outcome.recordId, '3001');
        assert.deepEqual(outcome.changed, ['amount']);
        assert.deepEqual(outcome.before, { amount: 1000 });
        assert.deepEqual(outcome.after, { amount: 45678.9 });
        assert.equal(outcome.version, 2);

        const deal = await getDeal(client, '3001');
        assert.equal(deal.properties.amount, 45678.9);
        assert.equal(deal.version, 2);
        assert.equal(deal.properties.dealname, 'Acme Robotics - Platform licence', 'other properties untouched');
        if (checkDatabase) {
          // Read while the server still runs: proves the write was committed, not just cached.
          assert.equal(await sqliteQuery(dbPath, 'select amount, version from deals where id = 3001'), '45678.9|2');
          assert.equal(await sqliteQuery(dbPath, 'select amount from deals where id = 3002'), '2500', 'neighbour untouched');
        }
      });
    });

    it('creates a contact and reads it back', async (t) => {
      const { client, logs, dbPath } = await connect(t, kind);
      await withServerLogs(logs, async () => {
        const email = `ada.lovelace+${kind}@example.com`;
        const created = success(
          await callTool(client, 'CRM.CreateContact', {
            properties: { email, firstname: 'Ada', lastname: 'Lovelace', jobtitle: 'Analyst' },
            reason: 'End-to-end test: new lead from the analytics webinar.',
            confidence: 0.8,
          }),
          'CreateContact',
        );
        assert.equal(created.outcome, 'executed');
        assert.equal(created.objectType, 'contact');
        assert.equal(created.created, true);
        assert.equal(created.version, 1);
        assert.match(created.recordId, /^\d+$/);
        const id = Number(created.recordId);
        assert.ok(id < 1001 || id > 1060, `new id ${id} is not one of the seeded contacts`);
        assert.equal(created.after.email, email);

        const contact = success(
          await callTool(client, 'CRM.GetRecord', { objectType: 'contact', recordId: created.recordId }),
          'GetRecord new contact',
        );
        assert.equal(contact.id, created.recordId);
        assert.equal(contact.version, 1);
        assert.equal(contact.properties.email, email);
        assert.equal(contact.properties.firstname, 'Ada');
        assert.equal(contact.properties.lastname, 'Lovelace');
        assert.equal(contact.properties.jobtitle, 'Analyst');

        const found = success(
          await callTool(client, 'CRM.SearchRecords', { objectType: 'contact', query: email }),
          'SearchRecords new contact',
        );
        assert.deepEqual(found.records.map((r) => r.id), [created.recordId]);
        if (checkDatabase) {
          assert.equal(
            await sqliteQuery(dbPath, `select email, firstname, lastname from contacts where id = ${id}`),
            `${email}|Ada|Lovelace`,
          );
        }
      });
    });

    it('queues a deal change over 50,000 for a manager (default policy); a manager approves it with the CLI and the server runs it', async (t) => {
      const { client, logs, dbPath, dataDir } = await connect(t, kind);
      await withServerLogs(logs, async () => {
        const result = await callTool(client, 'CRM.UpdateRecord', {
          objectType: 'deal',
          recordId: '3002',
          properties: { amount: 75000 },
          reason: 'End-to-end test: a big deal needs a manager.',
        });
        assert.notEqual(result.isError, true, `waiting for approval is not an error: ${textOf(result)}`);
        assert.equal(result.structuredContent.outcome, 'pending_approval');
        assert.equal(result.structuredContent.rule, 'big-deals');
        assert.equal(result.structuredContent.approver, 'role:manager');
        const approvalId = result.structuredContent.approvalId;
        assert.match(textOf(result), new RegExp(approvalId));
        const deal = await getDeal(client, '3002');
        assert.equal(deal.properties.amount, 2500);
        if (checkDatabase) {
          assert.equal(await sqliteQuery(dbPath, 'select amount, version from deals where id = 3002'), '2500|1');
        }

        const approve = await runCli(['approvals', 'approve', approvalId, '--as', 'maria', '--data', dataDir, '--policy', await actingPolicy(dataDir)]);
        assert.equal(approve.code, 0, `approve: ${approve.stdout}${approve.stderr}`);
        let amount;
        for (let i = 0; i < 50 && amount !== 75000; i++) {
          await new Promise((r) => setTimeout(r, 200));
          amount = (await getDeal(client, '3002')).properties.amount;
        }
        assert.equal(amount, 75000, 'the server ran the approved proposal');
        const proposal = await callTool(client, 'CRM.GetProposal', { approvalId });
        assert.equal(proposal.structuredContent.status, 'executed');
        assert.equal(proposal.structuredContent.decidedBy, 'maria');
      });
    });

    it('rejects amount "abc" with crm.invalid_value and leaves the deal unchanged', async (t) => {
      const { client, logs, dbPath } = await connect(t, kind);
      await withServerLogs(logs, async () => {
        const result = await callTool(client, 'CRM.UpdateRecord', {
          objectType: 'deal',
          recordId: '3001',
          properties: { amount: 'abc' },
          reason: 'End-to-end test: a malformed amount must be refused.',
        });
        assert.equal(result.isError, true, `expected a tool error, got: ${textOf(result)}`);
        assert.match(textOf(result), /^crm\.invalid_value: .*amount/);
        assert.equal(result.structuredContent?.error?.code, 'crm.invalid_value');

        const deal = await getDeal(client, '3001');
        assert.equal(deal.properties.amount, 1000);
        assert.equal(deal.version, 1);
        if (checkDatabase) {
          assert.equal(await sqliteQuery(dbPath, 'select amount, version from deals where id = 3001'), '1000|1');
        }
      });
    });
  });
}

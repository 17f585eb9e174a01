import { defineCrmSuite } from '../lib/crm-suite.mjs';

// The server as a desktop client starts it: a child process speaking JSON-RPC on stdin/stdout.
defineCrmSuite('stdio', { checkDatabase: true });

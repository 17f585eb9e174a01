import { defineCrmSuite } from '../lib/crm-suite.mjs';

// Legacy HTTP+SSE (GET /sse, then POSTs to the endpoint the server announces) for older clients.
defineCrmSuite('sse', { checkDatabase: true });

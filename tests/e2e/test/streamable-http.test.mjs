import { defineCrmSuite } from '../lib/crm-suite.mjs';

// `governed-crm serve --http`, Streamable HTTP endpoint at /mcp.
defineCrmSuite('streamable-http', { checkDatabase: true });

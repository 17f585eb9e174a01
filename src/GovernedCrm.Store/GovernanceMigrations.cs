using GovernedCrm.Persistence.Sqlite;

namespace GovernedCrm.Store;

/// <summary>The governance database's schema (1: approvals; 2: token vault; 3: requester identity; 4: decision entry position; 5: console sign-in links), as an ordered list of migrations. Never edit a released migration: add one.</summary>
internal static class GovernanceMigrations
{
    // One column per ApprovalRequest field; times are Unix milliseconds (UTC); status and route are lowercase names.
    public static IReadOnlyList<SqliteMigration> All { get; } =
    [
        new(1, """
            CREATE TABLE approvals (
                id TEXT PRIMARY KEY,
                tenant TEXT NOT NULL,
                requester TEXT NOT NULL,
                tool TEXT NOT NULL,
                object_type TEXT,
                record_id TEXT,
                arguments_json TEXT NOT NULL,
                arguments_digest TEXT NOT NULL,
                before_json TEXT,
                record_version INTEGER,
                reason TEXT,
                confidence REAL,
                rule TEXT NOT NULL,
                route TEXT NOT NULL CHECK (route IN ('requester', 'role')),
                approver_role TEXT,
                approval_reason TEXT NOT NULL,
                policy_version TEXT NOT NULL,
                execution_id TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'expired', 'executing', 'executed', 'failed', 'stale')),
                decided_by TEXT,
                decided_at INTEGER,
                decision_note TEXT,
                approved_arguments_json TEXT,
                bulk_id TEXT,
                result_json TEXT,
                completed_at INTEGER
            ) STRICT;
            CREATE INDEX approvals_tenant_created ON approvals (tenant, created_at DESC);
            CREATE INDEX approvals_status_expires ON approvals (status, expires_at);
            """),

        // The token vault: one AES-GCM encrypted token cache per (user, provider); the key itself is never stored here.
        new(2, """
            CREATE TABLE token_vault (
                user TEXT NOT NULL,
                provider TEXT NOT NULL,
                key_id TEXT NOT NULL,
                nonce BLOB NOT NULL CHECK (length(nonce) = 12),
                ciphertext BLOB NOT NULL,
                tag BLOB NOT NULL CHECK (length(tag) = 16),
                status TEXT NOT NULL CHECK (status IN ('connected', 'needs_reconnect')),
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (user, provider)
            ) STRICT;
            """),

        // The requester's identity as established when they proposed (roles and how they were identified), so an
        // approver's edit is re-checked as that same caller. Proposals made before this keep the local-user default.
        new(3, """
            ALTER TABLE approvals ADD COLUMN requester_roles TEXT NOT NULL DEFAULT '';
            ALTER TABLE approvals ADD COLUMN requester_source TEXT NOT NULL DEFAULT 'local';
            """),

        // Where the decision's entry is in the tenant's audit chain: a hint for reading the evidence an approved call
        // is checked against before it runs (the chain, not this row, is the evidence).
        new(4, """
            ALTER TABLE approvals ADD COLUMN decision_seq INTEGER;
            """),

        // The admin console's one-time sign-in links (governed-crm console-link): only the SHA-256 of each link's
        // token is kept, with the user it signs in and its expiry; using a link deletes its row (single use).
        new(5, """
            CREATE TABLE console_links (
                token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
                user TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL
            ) STRICT;
            """),
    ];
}

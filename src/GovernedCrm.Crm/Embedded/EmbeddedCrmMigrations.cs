using GovernedCrm.Persistence.Sqlite;

namespace GovernedCrm.Crm.Embedded;

/// <summary>The embedded CRM's schema, as an ordered list of migrations. Never edit a released migration: add one.</summary>
internal static class EmbeddedCrmMigrations
{
    // Money is stored as TEXT in invariant culture so amounts keep every cent (SQLite REAL would not).
    public static IReadOnlyList<SqliteMigration> All { get; } =
    [
        new(1, """
            CREATE TABLE companies (
                id INTEGER PRIMARY KEY,
                tenant TEXT NOT NULL,
                name TEXT, domain TEXT, industry TEXT, city TEXT, country TEXT,
                numberofemployees INTEGER, annualrevenue TEXT,
                version INTEGER NOT NULL DEFAULT 1,
                created_at TEXT NOT NULL, updated_at TEXT NOT NULL
            );
            CREATE INDEX companies_tenant ON companies (tenant, id);
            CREATE TABLE contacts (
                id INTEGER PRIMARY KEY,
                tenant TEXT NOT NULL,
                email TEXT NOT NULL, firstname TEXT, lastname TEXT, phone TEXT, company TEXT, jobtitle TEXT,
                lifecyclestage TEXT, owner TEXT,
                version INTEGER NOT NULL DEFAULT 1,
                created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
                UNIQUE (tenant, email)
            );
            CREATE TABLE deals (
                id INTEGER PRIMARY KEY,
                tenant TEXT NOT NULL,
                dealname TEXT, amount TEXT, dealstage TEXT, pipeline TEXT, closedate TEXT, owner TEXT,
                company_id INTEGER REFERENCES companies (id),
                version INTEGER NOT NULL DEFAULT 1,
                created_at TEXT NOT NULL, updated_at TEXT NOT NULL
            );
            CREATE INDEX deals_tenant ON deals (tenant, id);
            """),
    ];
}

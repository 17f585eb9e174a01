using GovernedCrm.Audit.Checkpoints;
using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Merkle;
using GovernedCrm.Audit.Verification;

namespace GovernedCrm.Audit.Tests.Verification;

/// <summary>The tamper matrix: each edit an attacker with write access to the SQLite file could make, detected at the right place.</summary>
public sealed class AuditVerifierTamperTests
{
    [Fact]
    public async Task Verify_UntouchedChain_Valid()
    {
        await using var audit = await Trail(100);

        var report = await audit.VerifyAsync();

        report.Valid.Should().BeTrue(report.Summary);
        report.Entries.Should().Be(100);
        report.Checkpoints.Should().BeGreaterThanOrEqualTo(4, "checkpoints at 25, 50, 75, 100 in the database and the anchor");
        report.Summary.Should().MatchRegex(@"^chain valid: 100 entries walked in \d+ ms$");
    }

    [Fact]
    public async Task Verify_BodyByteEdited_BodyHashMismatchAtThatEntry()
    {
        await using var audit = await Trail(100);
        var body = await audit.BodyAsync(40);
        body[^3] ^= 0x01;
        await audit.TamperAsync("UPDATE audit_entries SET body = $b WHERE chain = 'default' AND seq = 40", ("$b", body));

        await ExpectBroken(audit, 40, VerifyCodes.BodyHashMismatch);
    }

    [Fact]
    public async Task Verify_ColumnOnlyEdited_ColumnMismatch()
    {
        await using var audit = await Trail(100);
        await audit.TamperAsync("UPDATE audit_entries SET actor = 'mallory' WHERE chain = 'default' AND seq = 41");

        await ExpectBroken(audit, 41, VerifyCodes.ColumnMismatch);
    }

    [Fact]
    public async Task Verify_EntryEditedAndRehashed_LinkOfNextEntryBreaks()
    {
        await using var audit = await Trail(100);
        var body = await audit.BodyAsync(42);
        body[^3] ^= 0x01;
        await audit.TamperAsync("UPDATE audit_entries SET body = $b, entry_hash = $h WHERE chain = 'default' AND seq = 42", ("$b", body), ("$h", MerkleHasher.LeafHash(body)));

        await ExpectBroken(audit, 43, VerifyCodes.LinkMismatch);
    }

    [Fact]
    public async Task Verify_LastEntryEditedAndRehashed_CaughtBySignedCheckpoint()
    {
        await using var audit = await Trail(100);
        var body = await audit.BodyAsync(99);
        body[^3] ^= 0x01;
        await audit.TamperAsync("UPDATE audit_entries SET body = $b, entry_hash = $h WHERE chain = 'default' AND seq = 99", ("$b", body), ("$h", MerkleHasher.LeafHash(body)));

        await ExpectBroken(audit, 99, VerifyCodes.CheckpointRootMismatch);
    }

    [Fact]
    public async Task Verify_MiddleEntryDeleted_SequenceGap()
    {
        await using var audit = await Trail(100);
        await audit.TamperAsync("DELETE FROM audit_entries WHERE chain = 'default' AND seq = 50");

        await ExpectBroken(audit, 50, VerifyCodes.SequenceGap);
    }

    [Fact]
    public async Task Verify_TwoEntriesSwapped_SequenceMismatch()
    {
        await using var audit = await Trail(100);
        await audit.TamperAsync("""
            UPDATE audit_entries SET seq = -1 WHERE chain = 'default' AND seq = 60;
            UPDATE audit_entries SET seq = 60 WHERE chain = 'default' AND seq = 61;
            UPDATE audit_entries SET seq = 61 WHERE chain = 'default' AND seq = -1;
            """);

        await ExpectBroken(audit, 60, VerifyCodes.SequenceMismatch);
    }

    [Fact]
    public async Task Verify_ForgedEntryInsertedWithShift_SequenceMismatchAfterIt()
    {
        await using var audit = await Trail(100);
        var previous = MerkleHasher.LeafHash(await audit.BodyAsync(29));
        var forged = AuditEntryCodec.Encode(new AuditEntry(AuditChains.Origin("default"), 30, audit.Time.GetUtcNow(), previous, Entries.AuditEntryCodecTests.SampleRecord()));
        await audit.TamperAsync("""
            UPDATE audit_entries SET seq = seq + 1000 WHERE chain = 'default' AND seq >= 30;
            UPDATE audit_entries SET seq = seq - 999 WHERE chain = 'default' AND seq >= 1030;
            INSERT INTO audit_entries (chain, seq, ts, actor, event, tool, execution_id, body, entry_hash)
                VALUES ('default', 30, $ts, 'alice', 'Proposed', 'CRM.UpdateRecord', 'exec-1', $b, $h);
            UPDATE audit_heads SET size = size + 1 WHERE chain = 'default';
            """, ("$ts", audit.Time.GetUtcNow().ToUnixTimeMilliseconds()), ("$b", forged), ("$h", MerkleHasher.LeafHash(forged)));

        await ExpectBroken(audit, 31, VerifyCodes.SequenceMismatch);
    }

    [Fact]
    public async Task Verify_EntryDuplicated_SequenceMismatch()
    {
        await using var audit = await Trail(100);
        await audit.TamperAsync("""
            UPDATE audit_entries SET seq = seq + 1000 WHERE chain = 'default' AND seq >= 71;
            UPDATE audit_entries SET seq = seq - 999 WHERE chain = 'default' AND seq >= 1071;
            INSERT INTO audit_entries (chain, seq, ts, actor, event, tool, execution_id, body, entry_hash)
                SELECT chain, 71, ts, actor, event, tool, execution_id, body, entry_hash FROM audit_entries WHERE chain = 'default' AND seq = 70;
            """);

        await ExpectBroken(audit, 71, VerifyCodes.SequenceMismatch);
    }

    [Fact]
    public async Task Verify_EntryMovedToAnotherTenantsChain_ChainMismatch()
    {
        await using var audit = await TempAudit.CreateAsync(checkpointEvery: 1000);
        await audit.AppendAsync(10, "default");
        await audit.AppendAsync(3, "northwind");
        await audit.CloseAsync();
        await audit.TamperAsync("UPDATE audit_entries SET chain = 'northwind' WHERE chain = 'default' AND seq = 3");

        var northwind = await audit.VerifyAsync(tenant: "northwind");
        var all = await audit.VerifyAsync();

        northwind.Code.Should().Be(VerifyCodes.ChainMismatch);
        northwind.Position.Should().Be(3);
        all.Valid.Should().BeFalse();
        all.Code.Should().Be(VerifyCodes.SequenceGap, "the chain it was taken from now has a hole");
    }

    [Fact]
    public async Task Verify_TailDeleted_TruncatedBelowSignedSize()
    {
        await using var audit = await Trail(100);
        await audit.TamperAsync("DELETE FROM audit_entries WHERE chain = 'default' AND seq >= 90; UPDATE audit_heads SET size = 90 WHERE chain = 'default';");

        await ExpectBroken(audit, 90, VerifyCodes.TruncatedBelowSignedSize);
    }

    [Fact]
    public async Task Verify_TailAndDatabaseCheckpointsDeleted_CaughtByAnchor()
    {
        await using var audit = await Trail(100);
        await audit.TamperAsync("""
            DELETE FROM audit_entries WHERE chain = 'default' AND seq >= 60;
            DELETE FROM audit_checkpoints WHERE size > 50;
            UPDATE audit_heads SET size = 60 WHERE chain = 'default';
            """);

        var withAnchor = await audit.VerifyAsync();
        var withoutAnchor = await audit.VerifyAsync(useAnchor: false);

        withAnchor.Code.Should().Be(VerifyCodes.TruncatedBelowSignedSize);
        withAnchor.Position.Should().Be(60);
        withoutAnchor.Valid.Should().BeTrue("without the anchor, deleting entries and checkpoints above the newest surviving checkpoint cannot be seen (the documented limit)");
    }

    [Fact]
    public async Task Verify_WholeChainRewrittenWithUnsignedCheckpoints_BadSignature()
    {
        await using var audit = await Trail(100);
        await RewriteChainAsync(audit, signWith: null);

        await ExpectBroken(audit, 25, VerifyCodes.BadSignature, useAnchor: false);
    }

    [Fact]
    public async Task Verify_WholeChainRewrittenAndResignedWithAttackersKey_CaughtByPinnedKeyAndAnchor()
    {
        await using var audit = await Trail(100);
        using var attacker = AuditSigningKey.LoadOrCreate(Path.Combine(audit.Folder, "attacker", "k.key"), "governed-crm-audit");
        await RewriteChainAsync(audit, signWith: attacker);

        (await audit.VerifyAsync(useAnchor: false)).Code.Should().Be(VerifyCodes.BadSignature);
        await audit.TamperAsync("DELETE FROM audit_checkpoints");
        var anchored = await audit.VerifyAsync();
        anchored.Code.Should().Be(VerifyCodes.CheckpointRootMismatch);
    }

    [Fact]
    public async Task Verify_ForgedCheckpoint_BadSignature()
    {
        await using var audit = await Trail(100);
        using var attacker = AuditSigningKey.LoadOrCreate(Path.Combine(audit.Folder, "attacker", "k.key"), "governed-crm-audit");
        var note = attacker.SignCheckpoint(new Checkpoint(AuditChains.Origin("default"), 200, new byte[32]));
        await audit.TamperAsync("INSERT INTO audit_checkpoints (chain, size, note, created_at) VALUES ('default', 200, $n, 0)", ("$n", note));

        await ExpectBroken(audit, 200, VerifyCodes.BadSignature);
    }

    [Fact]
    public async Task Verify_AnchorFileTruncated_StillVerifiesAgainstDatabaseCheckpoints()
    {
        await using var audit = await Trail(100);
        var bytes = await File.ReadAllBytesAsync(audit.Paths.AnchorPath);
        await File.WriteAllBytesAsync(audit.Paths.AnchorPath, bytes[..(bytes.Length / 2)]);
        await audit.TamperAsync("DELETE FROM audit_entries WHERE chain = 'default' AND seq >= 95; UPDATE audit_heads SET size = 95;");

        var report = await audit.VerifyAsync();

        report.Code.Should().Be(VerifyCodes.TruncatedBelowSignedSize, "the database's own signed checkpoint at 100 still covers the deleted tail");
    }

    [Fact]
    public async Task Verify_AnchorRecordsTornOrForged_AreLeftOutAndNamedInTheWarnings()
    {
        await using var audit = await Trail(100);
        using var other = AuditSigningKey.LoadOrCreate(Path.Combine(audit.Folder, "other", "k.key"), "governed-crm-audit");
        var clean = await audit.VerifyAsync();
        var lines = (await File.ReadAllTextAsync(audit.Paths.AnchorPath)).Split('\n').Length - 1;

        // A note signed by another key, then a record torn after its first line (as a crash while appending leaves it).
        var forged = other.SignCheckpoint(new Checkpoint("governed-crm/audit/default", 100, new byte[32]));
        await File.AppendAllTextAsync(audit.Paths.AnchorPath, forged + "\n" + "governed-crm/audit/default\n");
        var report = await audit.VerifyAsync();

        clean.Warnings.Should().BeEmpty();
        report.Valid.Should().BeTrue(report.Summary);
        report.Warnings.Should().Equal(
            $"anchor file line {lines + 7}: an unfinished record at the end of the file; left out",
            $"anchor file line {lines + 1}: a checkpoint note not validly signed by the audit key; left out");
    }

    [Fact]
    public async Task Verify_TailDeletedPastANewestAnchorRecordWhoseSignaturesWereRemoved_IsNotCaught_ButTheDamagedRecordIsNamed()
    {
        await using var audit = await Trail(100);
        var text = await File.ReadAllTextAsync(audit.Paths.AnchorPath);
        var records = text.Split("\n\n").Where(r => r.Length > 0).ToList();
        var lastText = text.LastIndexOf("governed-crm/audit/default\n100\n", StringComparison.Ordinal);
        var lastSignature = text.IndexOf("\n— ", lastText, StringComparison.Ordinal);
        var line = text[..lastText].Count(c => c == '\n') + 1;
        await File.WriteAllTextAsync(audit.Paths.AnchorPath, text[..(lastSignature + 1)] + "\n");
        await audit.TamperAsync("""
            DELETE FROM audit_entries WHERE chain = 'default' AND seq >= 80;
            DELETE FROM audit_checkpoints WHERE size > 75;
            UPDATE audit_heads SET size = 80 WHERE chain = 'default';
            """);

        var report = await audit.VerifyAsync();

        records.Should().HaveCountGreaterThan(2);
        report.Valid.Should().BeTrue("the newest checkpoint left is at 75 (the documented limit: entries after the newest usable anchored checkpoint can go)");
        report.Warnings.Should().ContainSingle().Which.Should().Be($"anchor file line {line}: an unfinished record at the end of the file; left out");
    }

    [Fact]
    public async Task Verify_WrongPinnedKey_BadSignature()
    {
        await using var audit = await Trail(100);
        using var other = AuditSigningKey.LoadOrCreate(Path.Combine(audit.Folder, "other", "k.key"), "governed-crm-audit");

        var report = await audit.VerifyAsync(verifierKey: other.VerifierKey);

        report.Code.Should().Be(VerifyCodes.BadSignature);
    }

    private static async Task<TempAudit> Trail(int entries)
    {
        var audit = await TempAudit.CreateAsync(checkpointEvery: 25);
        await audit.AppendAndCloseAsync(entries);
        return audit;
    }

    private static async Task ExpectBroken(TempAudit audit, long position, string code, bool useAnchor = true)
    {
        var report = await audit.VerifyAsync(useAnchor: useAnchor);
        report.Valid.Should().BeFalse();
        report.Code.Should().Be(code, report.Summary);
        report.Position.Should().Be(position, report.Summary);
        report.Summary.Should().StartWith($"chain broken at position {position}: {code} (");
    }

    /// <summary>Rewrites every entry's actor and recomputes every hash and link, as someone with the database but not the key would.</summary>
    private static async Task RewriteChainAsync(TempAudit audit, AuditSigningKey? signWith)
    {
        var previous = new byte[32];
        var tree = new StreamingMerkleTree();
        var statements = new List<(long Seq, byte[] Body, byte[] Hash)>();
        for (long seq = 0; seq < 100; seq++)
        {
            AuditEntryCodec.TryDecode(await audit.BodyAsync(seq), out var entry, out _).Should().BeTrue();
            var rewritten = entry! with { PreviousHash = previous, Record = entry.Record with { Reasoning = "rewritten" } };
            var body = AuditEntryCodec.Encode(rewritten);
            var hash = MerkleHasher.LeafHash(body);
            statements.Add((seq, body, hash));
            tree.Append(hash);
            previous = hash;
        }

        foreach (var (seq, body, hash) in statements)
        {
            await audit.TamperAsync("UPDATE audit_entries SET body = $b, entry_hash = $h WHERE chain = 'default' AND seq = $s", ("$b", body), ("$h", hash), ("$s", seq));
        }

        await audit.TamperAsync("UPDATE audit_heads SET head_hash = $h WHERE chain = 'default'", ("$h", previous));
        var fake = signWith?.SignCheckpoint(new Checkpoint(AuditChains.Origin("default"), 100, tree.Root()))
            ?? $"{AuditChains.Origin("default")}\n100\n{Convert.ToBase64String(tree.Root())}\n";
        await audit.TamperAsync("UPDATE audit_checkpoints SET note = $n WHERE chain = 'default'", ("$n", fake));
    }
}

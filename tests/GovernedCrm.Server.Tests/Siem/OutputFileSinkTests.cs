using GovernedCrm.Hosting.Siem;

namespace GovernedCrm.Server.Tests.Siem;

/// <summary>
/// The output file's recovery after a kill in the middle of a batch, made deterministic: the position file as it is
/// saved before the batch, and the file as the kill left it.
/// </summary>
public sealed class OutputFileSinkTests : IDisposable
{
    private readonly TempFolder _folder = new("governedcrm-sink-");

    [Fact]
    public async Task Recover_KilledAfterTwoOfThreeLinesAndHalfTheThird_CountsTwoCutsTheHalfLine_NextBatchAppendsOnce()
    {
        var path = _folder.File("out.jsonl");
        var positions = _folder.File("out.position");
        ExportPosition saved;
        using (var file = ExportPositionFile.Open(positions))
        {
            var position = file.Load();
            position.Delivered["default"] = 9;
            await using (var sink = OutputFileSink.Open(path))
            {
                sink.Recover(position);
                await sink.DeliverAsync([new ExportLine("default", 10, "ten"), new ExportLine("default", 11, "eleven"), new ExportLine("default", 12, "twelve")], position, _ => file.Save(position), CancellationToken.None);
            }

            saved = ExportPosition.FromJson(await File.ReadAllTextAsync(positions)); // Saved before the batch was written: what a kill right then leaves.
        }

        File.WriteAllText(path, "ten\neleven\ntwe"); // The kill: two whole lines and part of the third reached the file.

        saved.Delivered["default"].Should().Be(9);
        saved.Pending.Select(p => p.Sequence).Should().Equal(10, 11, 12);
        await using (var sink = OutputFileSink.Open(path))
        {
            sink.Recover(saved);
            saved.Delivered["default"].Should().Be(11);
            saved.Pending.Should().BeEmpty();
            (await File.ReadAllTextAsync(path)).Should().Be("ten\neleven\n");
            await sink.DeliverAsync([new ExportLine("default", 12, "twelve")], saved, _ => { }, CancellationToken.None);
        }

        (await File.ReadAllTextAsync(path)).Should().Be("ten\neleven\ntwelve\n");
        saved.OutputLength.Should().Be("ten\neleven\ntwelve\n".Length);
    }

    [Fact]
    public async Task Recover_KilledAfterTheWholeBatchBeforeThePositionSave_CountsItAll_CutsNothing()
    {
        var path = _folder.File("out.jsonl");
        var position = new ExportPosition { OutputLength = 0 };
        position.Pending.AddRange([new PendingLine("acme", 0, 4), new PendingLine("acme", 1, 8)]);
        File.WriteAllText(path, "aaa\nbbb\n");

        await using var sink = OutputFileSink.Open(path);
        sink.Recover(position);

        position.Delivered["acme"].Should().Be(1);
        (await File.ReadAllTextAsync(path)).Should().Be("aaa\nbbb\n");
    }

    [Fact]
    public void PositionFile_RoundTripsAndRefusesAFileOthersCanRead()
    {
        var path = _folder.File("p.position");
        using (var file = ExportPositionFile.Open(path))
        {
            var position = new ExportPosition();
            position.Delivered["a"] = 5;
            position.Delivered["b"] = 0;
            file.Save(position);
            file.Load().Delivered.Should().BeEquivalentTo(position.Delivered);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
            using var file = ExportPositionFile.Open(path);
            file.Invoking(f => f.Load()).Should().Throw<InvalidDataException>().WithMessage("*group or others may access it*");
        }
    }

    public void Dispose() => _folder.Dispose();
}

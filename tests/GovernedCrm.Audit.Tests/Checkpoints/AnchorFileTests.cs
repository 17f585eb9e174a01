using System.Text;
using GovernedCrm.Audit.Checkpoints;

namespace GovernedCrm.Audit.Tests.Checkpoints;

public sealed class AnchorFileTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly AuditSigningKey _key = AuditSigningKey.Generate("governed-crm-audit");

    public void Dispose()
    {
        _key.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public void Append_ThreeNotes_ReadsBackThreeEqualNotesInOrder()
    {
        var anchor = new AnchorFile(_folder.File("anchor", "checkpoints.anchor"));
        var notes = Notes(3);

        foreach (var note in notes)
        {
            anchor.Append(note);
        }

        anchor.ReadNotes().Should().Equal(notes);
        new AnchorFile(anchor.Path).ReadNotes().Should().Equal(notes);
    }

    [Fact]
    public void Append_Notes_WritesEachNoteFollowedByABlankLine()
    {
        var anchor = new AnchorFile(_folder.File("checkpoints.anchor"));
        var notes = Notes(2);

        anchor.Append(notes[0]);
        anchor.Append(notes[1]);

        File.ReadAllText(anchor.Path, Encoding.UTF8).Should().Be(notes[0] + "\n" + notes[1] + "\n");
    }

    [Fact]
    public void Append_NewFile_IsOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var anchor = new AnchorFile(_folder.File("checkpoints.anchor"));

        anchor.Append(Notes(1)[0]);

        File.GetUnixFileMode(anchor.Path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Fact]
    public void ReadNotes_MissingFile_ReturnsEmpty()
    {
        new AnchorFile(_folder.File("nowhere", "checkpoints.anchor")).ReadNotes().Should().BeEmpty();
    }

    [Fact]
    public void ReadNotes_EmptyFile_ReturnsEmpty()
    {
        var path = _folder.File("checkpoints.anchor");
        File.WriteAllBytes(path, []);

        new AnchorFile(path).ReadNotes().Should().BeEmpty();
    }

    [Fact]
    public void ReadNotes_FileCutAnywhereInTheLastRecord_ReturnsOnlyTheCompleteNotes()
    {
        var path = _folder.File("checkpoints.anchor");
        var anchor = new AnchorFile(path);
        var notes = Notes(3);
        foreach (var note in notes)
        {
            anchor.Append(note);
        }

        var content = File.ReadAllBytes(path);
        var lastRecordStart = Encoding.UTF8.GetByteCount(notes[0] + "\n" + notes[1] + "\n");
        for (var cut = lastRecordStart; cut < content.Length; cut++)
        {
            File.WriteAllBytes(path, content[..cut]);

            anchor.ReadNotes().Should().Equal(notes[..2], "the file was cut at byte {0} of {1}", cut, content.Length);
        }
    }

    [Fact]
    public void Append_AfterATornLastRecord_KeepsTheNewNoteReadable()
    {
        var path = _folder.File("checkpoints.anchor");
        var anchor = new AnchorFile(path);
        var notes = Notes(4);
        anchor.Append(notes[0]);
        anchor.Append(notes[1]);
        anchor.Append(notes[2]);
        var content = File.ReadAllBytes(path);
        var lastRecordStart = Encoding.UTF8.GetByteCount(notes[0] + "\n" + notes[1] + "\n");
        for (var cut = lastRecordStart; cut < content.Length; cut++)
        {
            File.WriteAllBytes(path, content[..cut]);

            anchor.Append(notes[3]);

            var read = anchor.ReadNotes();
            read.Take(2).Should().Equal(notes[..2], "cut at byte {0}", cut);
            read[^1].Should().Be(notes[3], "cut at byte {0}", cut);
            read.Where(note => NoteVerifier.TryVerify(note, _key.VerifierKey, out _))
                .Should().Equal(cut >= content.Length - 2 ? notes : [notes[0], notes[1], notes[3]], "cut at byte {0} (only newlines lost: the note survives)", cut);
        }
    }

    [Fact]
    public void ReadNotes_ExtraBlankLinesBetweenRecords_AreTolerated()
    {
        var path = _folder.File("checkpoints.anchor");
        var notes = Notes(2);
        File.WriteAllText(path, "\n\n" + notes[0] + "\n\n\n" + notes[1] + "\n\n", new UTF8Encoding(false));

        new AnchorFile(path).ReadNotes().Should().Equal(notes);
    }

    [Fact]
    public void ReadNotes_DamagedNoteInTheMiddle_IsReturnedAndFailsVerification()
    {
        var path = _folder.File("checkpoints.anchor");
        var anchor = new AnchorFile(path);
        var notes = Notes(3);
        foreach (var note in notes)
        {
            anchor.Append(note);
        }

        var damaged = notes[1].Replace("\n2\n", "\n3\n", StringComparison.Ordinal);
        File.WriteAllText(path, File.ReadAllText(path).Replace(notes[1], damaged, StringComparison.Ordinal), new UTF8Encoding(false));

        var read = anchor.ReadNotes();

        read.Should().Equal(notes[0], damaged, notes[2]);
        NoteVerifier.TryVerify(read[1], _key.VerifierKey, out _).Should().BeFalse();
    }

    [Fact]
    public void Append_NoteWithSeveralSignatures_ReadsBackWhole()
    {
        using var witness = AuditSigningKey.Generate("witness.example/w1");
        var note = _key.SignCheckpoint(new Checkpoint("governed-crm/audit/default", 5, CheckpointTestSupport.Root(5)));
        var cosigned = note + witness.SignNote(note[..(note.IndexOf("\n\n", StringComparison.Ordinal) + 1)]).Split("\n\n")[1];
        var anchor = new AnchorFile(_folder.File("checkpoints.anchor"));

        anchor.Append(cosigned);

        anchor.ReadNotes().Should().Equal(cosigned);
        NoteVerifier.TryVerify(cosigned, witness.VerifierKey, out _).Should().BeTrue();
        NoteVerifier.TryVerify(cosigned, _key.VerifierKey, out _).Should().BeTrue();
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a note")]
    [InlineData("text\n")]
    [InlineData("text\n\n")]
    public void Append_NotASignedNote_ThrowsArgumentException(string note)
    {
        var anchor = new AnchorFile(_folder.File("checkpoints.anchor"));

        var append = () => anchor.Append(note);

        append.Should().Throw<ArgumentException>();
        File.Exists(anchor.Path).Should().BeFalse();
    }

    [Fact]
    public void Append_NoteWhoseTextHasABlankLine_ThrowsArgumentException()
    {
        var anchor = new AnchorFile(_folder.File("checkpoints.anchor"));

        var append = () => anchor.Append(_key.SignNote("first\n\nsecond\n"));

        append.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Append_ConcurrentWritersOnSeparateInstances_LoseNoNote()
    {
        var path = _folder.File("checkpoints.anchor");
        var notes = Notes(80);

        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, writer =>
        {
            var anchor = new AnchorFile(path);
            for (var i = writer; i < notes.Length; i += 4)
            {
                anchor.Append(notes[i]);
            }
        });

        new AnchorFile(path).ReadNotes().Should().BeEquivalentTo(notes);
    }

    [Fact]
    public void Read_DamagedRecords_AreReportedWithTheirLines_AndEveryCompleteNoteIsKept()
    {
        var notes = Notes(5);
        var textOnly = notes[1][..(notes[1].IndexOf("\n\n", StringComparison.Ordinal) + 2)];
        var unfinished = string.Join('\n', notes[4].Split('\n').Take(2)) + "\n";
        var path = _folder.File("checkpoints.anchor");

        // Each note is five lines and a blank one: note 0 on lines 1-6, note 1's text alone on 7-10, note 2 on 11-16,
        // a signature line alone on 17-18, note 3 on 19-24, and the first two lines of note 4 on 25-26.
        File.WriteAllText(path, notes[0] + "\n" + textOnly + notes[2] + "\n" + "— governed-crm-audit AAAA\n\n" + notes[3] + "\n" + unfinished, new UTF8Encoding(false));

        var contents = new AnchorFile(path).Read();

        contents.Notes.Should().Equal(new AnchoredNote(notes[0], 1), new AnchoredNote(notes[2], 11), new AnchoredNote(notes[3], 19));
        contents.Damaged.Should().Equal(
            new AnchorDamage(7, "note text without its signature lines"),
            new AnchorDamage(17, "signature lines without the note text before them"),
            new AnchorDamage(25, "an unfinished record at the end of the file"));
        new AnchorFile(path).ReadNotes().Should().Equal(notes[0], notes[2], notes[3]);
    }

    [Fact]
    public void Read_AWellFormedFile_HasNoDamage()
    {
        var anchor = new AnchorFile(_folder.File("checkpoints.anchor"));
        foreach (var note in Notes(3))
        {
            anchor.Append(note);
        }

        var contents = anchor.Read();

        contents.Notes.Select(n => n.Line).Should().Equal(1, 7, 13);
        contents.Damaged.Should().BeEmpty();
    }

    private string[] Notes(int count) => Enumerable.Range(1, count)
        .Select(i => _key.SignCheckpoint(new Checkpoint("governed-crm/audit/default", i, CheckpointTestSupport.Root((byte)i))))
        .ToArray();
}

using System.Text;
using GovernedCrm.Audit.Checkpoints;

namespace GovernedCrm.Audit.Tests.Checkpoints;

public sealed class NoteVerifierTests
{
    private static readonly string ExampleNote = CheckpointTestSupport.ExampleNote;
    private static readonly string ExampleKey = CheckpointTestSupport.ExampleVerifierKey;

    [Fact]
    public void TryVerify_C2spExampleVector_ReturnsText()
    {
        NoteVerifier.TryVerify(ExampleNote, ExampleKey, out var text).Should().BeTrue();

        text.Should().Be(CheckpointTestSupport.ExampleText);
        ExampleNote.Should().StartWith(CheckpointTestSupport.ExampleText + "\n\u2014 example.com/foo ");
    }

    [Fact]
    public void TryVerify_C2spExampleWithAnyTextByteChanged_Fails()
    {
        var bytes = Encoding.UTF8.GetBytes(ExampleNote);
        var textLength = Encoding.UTF8.GetByteCount(CheckpointTestSupport.ExampleText);
        foreach (var flip in new byte[] { 0x01, 0x20, 0x80 })
        {
            for (var i = 0; i < textLength; i++)
            {
                var changed = (byte[])bytes.Clone();
                changed[i] ^= flip;

                NoteVerifier.TryVerify(Encoding.UTF8.GetString(changed), ExampleKey, out var text)
                    .Should().BeFalse("byte {0} of the text was XORed with 0x{1:x2}", i, flip);
                text.Should().BeNull();
            }
        }
    }

    [Fact]
    public void TryVerify_C2spExampleWithAnySignatureByteChanged_Fails()
    {
        var lineStart = ExampleNote.LastIndexOf("\n\n", StringComparison.Ordinal) + 2;
        var line = ExampleNote[lineStart..^1];
        var prefix = line[..(line.LastIndexOf(' ') + 1)];
        var signature = Convert.FromBase64String(line[prefix.Length..]);
        signature.Should().HaveCount(68);
        for (var i = 0; i < signature.Length; i++)
        {
            var changed = (byte[])signature.Clone();
            changed[i] ^= 0x01;
            var note = ExampleNote[..lineStart] + prefix + Convert.ToBase64String(changed) + "\n";

            NoteVerifier.TryVerify(note, ExampleKey, out _).Should().BeFalse("signature byte {0} was changed", i);
        }
    }

    [Fact]
    public void TryVerify_WrongKeys_Fail()
    {
        using var sameName = AuditSigningKey.Generate("example.com/foo");
        using var otherName = AuditSigningKey.Generate("example.com/bar");

        NoteVerifier.TryVerify(ExampleNote, sameName.VerifierKey, out _).Should().BeFalse("same name, other key");
        NoteVerifier.TryVerify(ExampleNote, otherName.VerifierKey, out _).Should().BeFalse("other name, other key");
        NoteVerifier.TryVerify(ExampleNote, CheckpointTestSupport.GoVerifierKey, out _).Should().BeFalse("Go example key");
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("example.com/foo")]
    [InlineData("example.com/foo+530d903a")]
    [InlineData("example.com/foo+530d903a+")]
    [InlineData("example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")]
    [InlineData("example.com/foo+0530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")]
    [InlineData("example.com/bar+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")]
    [InlineData("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2l")]
    [InlineData("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2")]
    [InlineData("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k\n")]
    [InlineData("+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")]
    public void TryVerify_MalformedOrMismatchedVerifierKey_ReturnsFalse(string verifierKey)
    {
        NoteVerifier.TryVerify(ExampleNote, verifierKey, out var text).Should().BeFalse();
        text.Should().BeNull();
    }

    [Fact]
    public void TryVerify_UppercaseHexKeyId_IsAcceptedLikeGo()
    {
        // Go parses the id with strconv.ParseUint(hash16, 16, 32): both cases. Here the id 530d903a has only
        // lowercase letters a and d; the upper-case form must verify as well.
        NoteVerifier.TryVerify(ExampleNote, ExampleKey.Replace("+530d903a+", "+530D903A+", StringComparison.Ordinal), out _)
            .Should().BeTrue();
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("\n")]
    [InlineData("\n\n")]
    [InlineData("\n\n\n")]
    [InlineData("This is an example message.\n")]
    [InlineData("This is an example message.\n\n")]
    [InlineData("This is an example message.\n\n\u2014 example.com/foo\n")]
    [InlineData("This is an example message.\n\n\u2014 example.com/foo \n")]
    [InlineData("This is an example message.\n\n\u2014 example.com/foo AAAA\n")]
    [InlineData("This is an example message.\n\n\u2014 example.com/foo !!!!\n")]
    [InlineData("This is an example message.\n\n- example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n")]
    [InlineData("This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=")]
    [InlineData("This is an example message.\r\n\r\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\r\n")]
    [InlineData("This is an example message.\n\n\u2014 example.com/foo  Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n")]
    [InlineData("This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n\n")]
    [InlineData("This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\ntrailing\n")]
    [InlineData("This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM\n")]
    [InlineData("This is an example message.\u0000\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n")]
    public void TryVerify_MalformedNote_ReturnsFalseWithoutThrowing(string note)
    {
        var verify = () => NoteVerifier.TryVerify(note, ExampleKey, out _);

        verify.Should().NotThrow().Which.Should().BeFalse();
    }

    [Fact]
    public void TryVerify_UnpairedSurrogate_ReturnsFalse()
    {
        // A valid note whose text gains a lone surrogate (not encodable as UTF-8): malformed, not an exception.
        var note = (char)0xD800 + ExampleNote;

        NoteVerifier.TryVerify(note, ExampleKey, out _).Should().BeFalse();
        SignedNoteFormat.TryParse(note, out _, out _).Should().BeFalse();
    }

    [Fact]
    public void TryVerify_NullArguments_ReturnFalseWithoutThrowing()
    {
        NoteVerifier.TryVerify(null!, ExampleKey, out _).Should().BeFalse();
        NoteVerifier.TryVerify(ExampleNote, null!, out _).Should().BeFalse();
        NoteVerifier.TryVerifyCheckpoint(null!, null!, out var checkpoint).Should().BeFalse();
        checkpoint.Should().BeNull();
    }

    [Fact]
    public void TryVerify_RandomGarbage_NeverThrows()
    {
        var random = new Random(1234);
        var alphabet = "ab+/=\n \u2014\r\t0".ToCharArray();
        for (var i = 0; i < 2000; i++)
        {
            var chars = new char[random.Next(0, 200)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = alphabet[random.Next(alphabet.Length)];
            }

            var note = new string(chars);
            FluentActions.Invoking(() => NoteVerifier.TryVerify(note, ExampleKey, out _)).Should().NotThrow();
            FluentActions.Invoking(() => NoteVerifier.TryVerifyCheckpoint(ExampleNote[..random.Next(ExampleNote.Length)] + note, ExampleKey, out _)).Should().NotThrow();
        }
    }

    [Fact]
    public void TryVerify_ExtraSignatureByUnknownKey_IsIgnored()
    {
        using var other = AuditSigningKey.Generate("example.com/other");
        var otherLine = other.SignNote(CheckpointTestSupport.ExampleText)[(CheckpointTestSupport.ExampleText.Length + 1)..];

        NoteVerifier.TryVerify(ExampleNote + otherLine, ExampleKey, out var first).Should().BeTrue();
        NoteVerifier.TryVerify(ExampleNote + otherLine, other.VerifierKey, out var second).Should().BeTrue();

        first.Should().Be(CheckpointTestSupport.ExampleText);
        second.Should().Be(CheckpointTestSupport.ExampleText);
    }

    [Fact]
    public void TryVerify_OnlyUnknownSignatures_Fails()
    {
        using var other = AuditSigningKey.Generate("example.com/other");

        NoteVerifier.TryVerify(other.SignNote(CheckpointTestSupport.ExampleText), ExampleKey, out _).Should().BeFalse();
    }

    [Fact]
    public void TryVerify_SecondBadSignatureByTheKnownKey_RejectsTheNote()
    {
        var line = ExampleNote[(ExampleNote.LastIndexOf("\n\n", StringComparison.Ordinal) + 2)..];
        var raw = Convert.FromBase64String(line[(line.LastIndexOf(' ') + 1)..^1]);
        raw[^1] ^= 0x01;
        var badLine = "\u2014 example.com/foo " + Convert.ToBase64String(raw) + "\n";

        NoteVerifier.TryVerify(ExampleNote + badLine, ExampleKey, out _).Should().BeFalse();
    }

    [Fact]
    public void TryVerify_GoNotePackageExample_Verifies()
    {
        NoteVerifier.TryVerify(CheckpointTestSupport.GoSignedNote, CheckpointTestSupport.GoVerifierKey, out var text).Should().BeTrue();

        text.Should().Be(CheckpointTestSupport.GoText);
    }

    [Fact]
    public void TryVerifyCheckpoint_SignedCheckpoint_ParsesBackEqual()
    {
        using var key = AuditSigningKey.Generate("governed-crm-audit");
        var checkpoint = new Checkpoint("governed-crm/audit/default", 1234, CheckpointTestSupport.Root(9));

        var note = key.SignCheckpoint(checkpoint);

        NoteVerifier.TryVerifyCheckpoint(note, key.VerifierKey, out var parsed).Should().BeTrue();
        parsed.Should().Be(checkpoint);
        NoteVerifier.TryVerify(note, key.VerifierKey, out var text).Should().BeTrue();
        text.Should().Be(checkpoint.ToBody());
    }

    [Fact]
    public void TryVerifyCheckpoint_OtherKeysVerifierKey_Fails()
    {
        using var key = AuditSigningKey.Generate("governed-crm-audit");
        using var other = AuditSigningKey.Generate("governed-crm-audit");
        var note = key.SignCheckpoint(new Checkpoint("governed-crm/audit/default", 10, CheckpointTestSupport.Root(1)));

        NoteVerifier.TryVerifyCheckpoint(note, other.VerifierKey, out var checkpoint).Should().BeFalse();
        checkpoint.Should().BeNull();
    }

    [Fact]
    public void TryVerifyCheckpoint_KeyNameChangedOnSignatureLine_Fails()
    {
        using var key = AuditSigningKey.Generate("audit-a");
        var note = key.SignCheckpoint(new Checkpoint("governed-crm/audit/default", 10, CheckpointTestSupport.Root(1)));
        var renamed = note.Replace("\u2014 audit-a ", "\u2014 audit-b ", StringComparison.Ordinal);
        var publicKey = Convert.FromBase64String(key.VerifierKey.Split('+', 3)[2])[1..];
        var sameKeyOtherName = SignedNoteFormat.FormatVerifierKey("audit-b", SignedNoteFormat.KeyId("audit-b", publicKey), publicKey);

        renamed.Should().NotBe(note);
        NoteVerifier.TryVerifyCheckpoint(renamed, key.VerifierKey, out _).Should().BeFalse();
        NoteVerifier.TryVerifyCheckpoint(renamed, sameKeyOtherName, out _).Should().BeFalse("the key id still names audit-a");
    }

    [Fact]
    public void TryVerifyCheckpoint_ValidNoteWithNonCheckpointText_Fails()
    {
        NoteVerifier.TryVerify(ExampleNote, ExampleKey, out _).Should().BeTrue();

        NoteVerifier.TryVerifyCheckpoint(ExampleNote, ExampleKey, out var checkpoint).Should().BeFalse();
        checkpoint.Should().BeNull();
    }

    [Fact]
    public void TryVerifyCheckpoint_TamperedSizeOrRoot_Fails()
    {
        using var key = AuditSigningKey.Generate("governed-crm-audit");
        var checkpoint = new Checkpoint("governed-crm/audit/default", 1000, CheckpointTestSupport.Root(1));
        var note = key.SignCheckpoint(checkpoint);

        var smaller = note.Replace("\n1000\n", "\n999\n", StringComparison.Ordinal);
        var otherRoot = note.Replace(Convert.ToBase64String(checkpoint.RootHash), Convert.ToBase64String(CheckpointTestSupport.Root(2)), StringComparison.Ordinal);

        NoteVerifier.TryVerifyCheckpoint(smaller, key.VerifierKey, out _).Should().BeFalse();
        NoteVerifier.TryVerifyCheckpoint(otherRoot, key.VerifierKey, out _).Should().BeFalse();
    }
}

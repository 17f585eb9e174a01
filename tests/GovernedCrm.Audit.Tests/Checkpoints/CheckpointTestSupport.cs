using System.Security.Cryptography;
using System.Text;

namespace GovernedCrm.Audit.Tests.Checkpoints;

/// <summary>Test vectors and helpers for the checkpoint tests.</summary>
internal static class CheckpointTestSupport
{
    /// <summary>The C2SP signed-note example key and note (TestData/c2sp, copied to the output folder).</summary>
    public static string C2spDirectory => Path.Combine(AppContext.BaseDirectory, "TestData", "c2sp");

    public static string ExampleNote => File.ReadAllText(Path.Combine(C2spDirectory, "signed-note-example.note"), Encoding.UTF8);

    public static string ExampleVerifierKey => File.ReadAllText(Path.Combine(C2spDirectory, "signed-note-example.vkey"), Encoding.UTF8).Trim();

    public const string ExampleText = "This is an example message.\n";

    /// <summary>The example of Go's golang.org/x/mod/sumdb/note package documentation (BSD-3-Clause): a signer key, its verifier key and the signed note.</summary>
    public const string GoSignerKey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";

    public const string GoVerifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

    public const string GoText = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";

    public const string GoSignedNote = GoText + "\n" +
        "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    public static byte[] Root(byte seed) => SHA256.HashData([seed]);
}

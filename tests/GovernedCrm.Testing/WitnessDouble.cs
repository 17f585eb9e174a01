using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using GovernedCrm.Audit.Checkpoints;
using GovernedCrm.Audit.Merkle;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NSec.Cryptography;

namespace GovernedCrm.Testing;

/// <summary>
/// A witness on a real loopback port, for the witness tests (a collector, not the process under test). It speaks the
/// C2SP tlog-witness protocol at <c>/add-checkpoint</c>: it checks the log's signature with the audit key it was given,
/// the <c>old</c> size against the one it holds (409 with <c>text/x.tlog.size</c>), the RFC 9162 consistency proof
/// (422), and answers a cosignature/v1 line made with its own Ed25519 key, generated when it starts. It serves its newest
/// cosigned checkpoint of an origin at <c>GET /checkpoint?origin=</c>. At <c>/notes</c> it is a plain collector: a POST
/// keeps the note, a GET answers the newest one of the origin. While <see cref="Down"/> is set, every request hangs until
/// the client gives up.
/// </summary>
public sealed class WitnessDouble : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (long Size, byte[] Root, string Cosigned)> _held = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Size, string Note)> _notes = new(StringComparer.Ordinal);
    private readonly List<(string Path, long Old, int Proof, int Status)> _requests = [];
    private readonly Key _key = Key.Create(SignatureAlgorithm.Ed25519);
    private readonly string _logKey;
    private WebApplication? _app;

    /// <summary>Creates the double; <see cref="StartAsync"/> starts it.</summary>
    /// <param name="logVerifierKey">The audit public key it accepts checkpoints from.</param>
    /// <param name="name">Its cosigner name.</param>
    public WitnessDouble(string logVerifierKey, string name = "witness.test/w1")
    {
        _logKey = logVerifierKey;
        Name = name;
        var publicKey = _key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        KeyId = CosignerKeyId(name, publicKey);
        var blob = new byte[33];
        blob[0] = 0x04;
        publicKey.CopyTo(blob, 1);
        VerifierKey = string.Create(CultureInfo.InvariantCulture, $"{name}+{KeyId:x8}+{Convert.ToBase64String(blob)}");
    }

    /// <summary>The cosigner name.</summary>
    public string Name { get; }

    /// <summary>Its cosigner verifier key (type 0x04), for <c>verify --witness-key</c>.</summary>
    public string VerifierKey { get; }

    /// <summary>The tlog-witness submission URL (…/add-checkpoint).</summary>
    public Uri AddCheckpointUrl { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The plain collector URL (…/notes).</summary>
    public Uri NotesUrl { get; private set; } = new("http://127.0.0.1/");

    /// <summary>While true, every request hangs until the client gives up (a witness that is down).</summary>
    public bool Down { get; set; }

    /// <summary>Every answered request: path, old size, proof lines, status.</summary>
    public IReadOnlyList<(string Path, long Old, int Proof, int Status)> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    private uint KeyId { get; }

    /// <summary>The size it holds for an origin through the tlog-witness protocol (0: none).</summary>
    public long SizeOf(string origin)
    {
        lock (_gate)
        {
            return _held.TryGetValue(origin, out var held) ? held.Size : 0;
        }
    }

    /// <summary>The size of the newest note the plain collector holds for an origin (0: none).</summary>
    public long NoteSizeOf(string origin)
    {
        lock (_gate)
        {
            return _notes.TryGetValue(origin, out var held) ? held.Size : 0;
        }
    }

    /// <summary>Starts on a free loopback port.</summary>
    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            if (Down)
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });
        app.MapPost("/add-checkpoint", AddCheckpointAsync);
        app.MapGet("/checkpoint", (string origin) => Newest(origin, tlog: true));
        app.MapPost("/notes", AddNoteAsync);
        app.MapGet("/notes", (string origin) => Newest(origin, tlog: false));
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        AddCheckpointUrl = new Uri(address + "/add-checkpoint");
        NotesUrl = new Uri(address + "/notes");
        _app = app;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Down = false;
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        _key.Dispose();
    }

    private static uint CosignerKeyId(string name, ReadOnlySpan<byte> publicKey)
    {
        var input = Encoding.UTF8.GetBytes(name).Concat(new byte[] { 0x0A, 0x04 }).Concat(publicKey.ToArray()).ToArray();
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(input));
    }

    private IResult Newest(string origin, bool tlog)
    {
        lock (_gate)
        {
            if (tlog && _held.TryGetValue(origin, out var held))
            {
                return Results.Text(held.Cosigned, "text/plain");
            }

            return !tlog && _notes.TryGetValue(origin, out var note) ? Results.Text(note.Note, "text/plain") : Results.NotFound();
        }
    }

    private async Task<IResult> AddNoteAsync(HttpRequest request)
    {
        var note = await new StreamReader(request.Body, Encoding.UTF8).ReadToEndAsync().ConfigureAwait(false);
        if (!NoteVerifier.TryVerifyCheckpoint(note, _logKey, out var checkpoint))
        {
            return Record("/notes", 0, 0, Results.StatusCode(403));
        }

        lock (_gate)
        {
            if (!_notes.TryGetValue(checkpoint!.Origin, out var held) || held.Size < checkpoint.Size)
            {
                _notes[checkpoint.Origin] = (checkpoint.Size, note);
            }
        }

        return Record("/notes", 0, 0, Results.NoContent());
    }

    private async Task<IResult> AddCheckpointAsync(HttpRequest request)
    {
        var body = await new StreamReader(request.Body, Encoding.UTF8).ReadToEndAsync().ConfigureAwait(false);
        var split = body.IndexOf("\n\n", StringComparison.Ordinal);
        var lines = split < 0 ? [] : body[..split].Split('\n');
        if (lines.Length == 0 || !lines[0].StartsWith("old ", StringComparison.Ordinal)
            || !long.TryParse(lines[0][4..], NumberStyles.None, CultureInfo.InvariantCulture, out var old))
        {
            return Record("/add-checkpoint", -1, 0, Results.BadRequest());
        }

        var proof = new List<byte[]>();
        foreach (var line in lines[1..])
        {
            proof.Add(Convert.FromBase64String(line));
        }

        var note = body[(split + 2)..];
        if (!SignedNoteFormatProbe.TryCheckpoint(note, out var origin, out var size, out var root))
        {
            return Record("/add-checkpoint", old, proof.Count, Results.BadRequest());
        }

        if (!origin.StartsWith("governed-crm/audit/", StringComparison.Ordinal))
        {
            return Record("/add-checkpoint", old, proof.Count, Results.NotFound());
        }

        if (!NoteVerifier.TryVerifyCheckpoint(note, _logKey, out _))
        {
            return Record("/add-checkpoint", old, proof.Count, Results.StatusCode(403));
        }

        if (old > size || (old == 0 && proof.Count > 0))
        {
            return Record("/add-checkpoint", old, proof.Count, Results.BadRequest());
        }

        lock (_gate)
        {
            var held = _held.TryGetValue(origin, out var h) ? h : (Size: 0L, Root: Array.Empty<byte>(), Cosigned: "");
            if (old != held.Size)
            {
                return Record("/add-checkpoint", old, proof.Count, Results.Text(held.Size.ToString(CultureInfo.InvariantCulture) + "\n", "text/x.tlog.size", statusCode: 409));
            }

            if (old == size && old > 0 && !held.Root.AsSpan().SequenceEqual(root))
            {
                return Record("/add-checkpoint", old, proof.Count, Results.StatusCode(409));
            }

            if (old > 0 && old < size && !MerkleProofs.VerifyConsistency(old, size, proof, held.Root, root))
            {
                return Record("/add-checkpoint", old, proof.Count, Results.StatusCode(422));
            }

            var cosignature = Cosign(note[..(note.IndexOf("\n\n", StringComparison.Ordinal) + 1)]);
            _held[origin] = (size, root, note + cosignature);
            return Record("/add-checkpoint", old, proof.Count, Results.Text(cosignature, "text/plain"));
        }
    }

    private string Cosign(string checkpointBody)
    {
        var timestamp = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var message = Encoding.UTF8.GetBytes($"cosignature/v1\ntime {timestamp}\n{checkpointBody}");
        var blob = new byte[4 + 8 + 64];
        BinaryPrimitives.WriteUInt32BigEndian(blob, KeyId);
        BinaryPrimitives.WriteUInt64BigEndian(blob.AsSpan(4), timestamp);
        SignatureAlgorithm.Ed25519.Sign(_key, message, blob.AsSpan(12));
        return $"\u2014 {Name} {Convert.ToBase64String(blob)}\n";
    }

    private IResult Record(string path, long old, int proof, IResult result)
    {
        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : 200;
        lock (_gate)
        {
            _requests.Add((path, old, proof, status));
        }

        return result;
    }

    /// <summary>Reads the checkpoint lines of a note without trusting the log's parser for the protocol checks.</summary>
    private static class SignedNoteFormatProbe
    {
        public static bool TryCheckpoint(string note, out string origin, out long size, out byte[] root)
        {
            origin = "";
            size = 0;
            root = [];
            var end = note.IndexOf("\n\n", StringComparison.Ordinal);
            var lines = end < 0 ? [] : note[..end].Split('\n');
            if (lines.Length < 3 || !long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out size))
            {
                return false;
            }

            origin = lines[0];
            root = Convert.FromBase64String(lines[2]);
            return root.Length == 32;
        }
    }
}

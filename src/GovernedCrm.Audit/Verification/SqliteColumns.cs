using System.Runtime.InteropServices;
using SQLitePCL;

namespace GovernedCrm.Audit.Verification;

/// <summary>
/// Reads the rows of one prepared statement, for the verifier's hot loop. Where available, the column functions
/// of the very SQLite library Microsoft.Data.Sqlite loaded (e_sqlite3) are called directly on the statement
/// pointer: SQLitePCL's calls marshal a SafeHandle and switch GC mode on every call, which costs more than the
/// column read itself, and the walk makes about fifteen such calls per entry. Blob and text values are spans
/// over SQLite's own copy of the value, as SQLitePCL's sqlite3_column_blob returns them: valid until the next
/// step, reset or type conversion of that column. Otherwise, SQLitePCL's own calls are used.
/// Not thread-safe; one per statement at a time.
/// </summary>
internal sealed class SqliteColumns
{
    private static readonly Lazy<bool> Direct = new(Probe, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly bool _direct;
    private sqlite3_stmt? _statement;
    private IntPtr _handle;
    private bool _addedReference;

    private SqliteColumns(bool direct) => _direct = direct;

    /// <summary>True when the direct calls are bound to Microsoft.Data.Sqlite's e_sqlite3 and agree with SQLitePCL.</summary>
    public static bool IsDirect => Direct.Value;

    /// <summary>A reader that calls e_sqlite3 directly when <paramref name="nativeCalls"/> is set and that is available.</summary>
    public static SqliteColumns Create(bool nativeCalls) => new(nativeCalls && Direct.Value);

    /// <summary>Starts reading <paramref name="statement"/> (holding a reference on it until <see cref="End"/>).</summary>
    public void Begin(sqlite3_stmt statement)
    {
        _statement = statement;
        if (_direct)
        {
            statement.DangerousAddRef(ref _addedReference);
            _handle = statement.DangerousGetHandle();
        }
    }

    /// <summary>Stops reading the statement.</summary>
    public void End()
    {
        if (_addedReference)
        {
            _statement!.DangerousRelease();
            _addedReference = false;
        }

        _handle = IntPtr.Zero;
        _statement = null;
    }

    /// <summary>sqlite3_step; the values of the previous row are no longer valid.</summary>
    public int Step() => _direct ? NativeMethods.Step(_handle) : raw.sqlite3_step(_statement);

    public long Int64(int column) => _direct ? NativeMethods.ColumnInt64(_handle, column) : raw.sqlite3_column_int64(_statement, column);

    public int Type(int column) => _direct ? NativeMethods.ColumnType(_handle, column) : raw.sqlite3_column_type(_statement, column);

    /// <summary>
    /// The value as sqlite3_column_blob returns it (text and numbers converted as SQLite converts them; NULL is
    /// empty): SQLite's own bytes, valid until the next step or reset, and until this column is read as another type.
    /// </summary>
    public unsafe ReadOnlySpan<byte> Blob(int column)
    {
        if (!_direct)
        {
            return raw.sqlite3_column_blob(_statement, column);
        }

        // sqlite3_column_blob first, then sqlite3_column_bytes, as SQLite's documentation asks.
        var pointer = NativeMethods.ColumnBlob(_handle, column);
        var length = NativeMethods.ColumnBytes(_handle, column);
        return length <= 0 || pointer == IntPtr.Zero ? [] : new ReadOnlySpan<byte>((void*)pointer, length);
    }

    private static bool Probe()
    {
        try
        {
            // Only the e_sqlite3 provider, and the same library file its own P/Invokes resolve to.
            if (raw.GetNativeLibraryName() != "e_sqlite3"
                || System.Type.GetType("SQLitePCL.SQLite3Provider_e_sqlite3, SQLitePCLRaw.provider.e_sqlite3") is not { } provider
                || !NativeLibrary.TryLoad("e_sqlite3", provider.Assembly, null, out var library))
            {
                return false;
            }

            VerifierNativeLibraries.Bind(VerifierNativeLibraries.Sqlite, library);
            return SelfTest();
        }
#pragma warning disable CA1031 // Any failure to bind or to agree means: use SQLitePCL's calls.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    /// <summary>A row of every storage class read both ways must agree.</summary>
    private static bool SelfTest()
    {
        if (raw.sqlite3_open_v2(":memory:", out var database, raw.SQLITE_OPEN_READWRITE | raw.SQLITE_OPEN_NOMUTEX, null) != raw.SQLITE_OK)
        {
            database.Dispose();
            return false;
        }

        using (database)
        {
            if (raw.sqlite3_prepare_v2(database, "SELECT 4611686018427387904, x'00FF10', 'gövernéd', NULL, 2.5, ''", out var statement) != raw.SQLITE_OK)
            {
                statement.Dispose();
                return false;
            }

            using (statement)
            {
                if (raw.sqlite3_step(statement) != raw.SQLITE_ROW)
                {
                    return false;
                }

                var reader = new SqliteColumns(direct: true);
                reader.Begin(statement);
                try
                {
                    for (var column = 0; column < 6; column++)
                    {
                        if (reader.Type(column) != raw.sqlite3_column_type(statement, column)
                            || reader.Int64(column) != raw.sqlite3_column_int64(statement, column)
                            || !reader.Blob(column).SequenceEqual(raw.sqlite3_column_blob(statement, column)))
                        {
                            return false;
                        }
                    }

                    return reader.Int64(0) == 4611686018427387904 && reader.Blob(1).SequenceEqual((ReadOnlySpan<byte>)[0x00, 0xFF, 0x10]);
                }
                finally
                {
                    reader.End();
                }
            }
        }
    }

    /// <summary>The few SQLite functions of the hot loop; the column functions are short and never block or call back, so they skip the GC transition.</summary>
    private static class NativeMethods
    {
        [DllImport(VerifierNativeLibraries.Sqlite, EntryPoint = "sqlite3_step", ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Step(IntPtr statement);

        [DllImport(VerifierNativeLibraries.Sqlite, EntryPoint = "sqlite3_column_int64", ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [SuppressGCTransition]
        public static extern long ColumnInt64(IntPtr statement, int column);

        [DllImport(VerifierNativeLibraries.Sqlite, EntryPoint = "sqlite3_column_type", ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [SuppressGCTransition]
        public static extern int ColumnType(IntPtr statement, int column);

        [DllImport(VerifierNativeLibraries.Sqlite, EntryPoint = "sqlite3_column_blob", ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [SuppressGCTransition]
        public static extern IntPtr ColumnBlob(IntPtr statement, int column);

        [DllImport(VerifierNativeLibraries.Sqlite, EntryPoint = "sqlite3_column_bytes", ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [SuppressGCTransition]
        public static extern int ColumnBytes(IntPtr statement, int column);
    }
}

namespace GovernedCrm.Persistence.Files;

/// <summary>What <see cref="OwnerOnlyFile.TryRead"/> did.</summary>
public enum OwnerOnlyReadStatus
{
    /// <summary>The content was read.</summary>
    Read,

    /// <summary>Group or others may access the file (Unix): it was not read; restrict it (chmod 600) and replace the secret.</summary>
    AccessibleToOthers,

    /// <summary>The file is larger than the caller accepts: it was not read.</summary>
    TooLarge,
}

namespace Relay.Tls.Certificates;

/// <summary>Timing of <see cref="CredentialStore"/>'s change detection.</summary>
public sealed record CredentialStoreOptions
{
    /// <summary>
    /// Quiet time after the last file event before reloading: writers (cert-manager, spiffe-helper,
    /// `relay ca issue`) replace cert, key and bundle one after another within a few ms; 200 ms
    /// lets the set settle so we do not load a new cert with the old key.
    /// </summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Fallback poll for what watchers miss (symlink swaps, NFS); 5 s bounds rotation lag at trivial cost.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);
}

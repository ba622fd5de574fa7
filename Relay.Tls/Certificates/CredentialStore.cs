using Microsoft.Extensions.Logging;

namespace Relay.Tls.Certificates;

/// <summary>
/// Holds the credentials in use and replaces them when the files change. A new set is loaded
/// whole and validated (<see cref="CredentialLoader"/>) before one reference swap publishes it;
/// an invalid set is logged, counted and ignored, so the last good material stays in use.
/// New handshakes read <see cref="Current"/>; live connections keep the instance they started with.
/// </summary>
public sealed partial class CredentialStore : IDisposable
{
    private readonly CredentialPaths paths;
    private readonly ILogger logger;
    private readonly ICredentialMetrics? metrics;
    private readonly TimeProvider time;
    private readonly Lock reloadLock = new();
    private MeshCredentials current;
    private string contentHash;
    private CredentialFileWatcher? watcher;

    private CredentialStore(CredentialPaths paths, MeshCredentials initial, string contentHash, ILogger logger, ICredentialMetrics? metrics, TimeProvider time)
    {
        this.paths = paths;
        this.logger = logger;
        this.metrics = metrics;
        this.time = time;
        current = initial;
        this.contentHash = contentHash;
        metrics?.TrackExpiry(() => Current.NotAfter);
    }

    /// <summary>The credentials new handshakes must use.</summary>
    public MeshCredentials Current => Volatile.Read(ref current);

    /// <summary>Raised after a successful swap, with the new credentials (e.g. to refresh the admin /certs page).</summary>
    public event Action<MeshCredentials>? Rotated;

    /// <summary>Loads the files once; the store exists only if they are valid (first load failing is fatal for the caller).</summary>
    public static (CredentialStore? Store, CredentialLoadResult Result) Open(
        CredentialPaths paths, ILogger logger, ICredentialMetrics? metrics = null, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var hash = FileSetFingerprint.Content(paths.Files);
        var result = CredentialLoader.Load(paths, time);
        return result.Credentials is { } credentials
            ? (new CredentialStore(paths, credentials, hash, logger, metrics, time), result)
            : (null, result);
    }

    /// <summary>Starts watching the files (and polling them) so changes reload automatically.</summary>
    public void StartWatching(CredentialStoreOptions? options = null)
    {
        watcher ??= new CredentialFileWatcher([.. paths.Files], options ?? new CredentialStoreOptions(), time, () => Reload());
    }

    /// <summary>
    /// Reloads now (also what SIGHUP should call). Returns null when the files are byte-identical
    /// to the set in use, otherwise the load result; only a valid result is swapped in.
    /// </summary>
    public CredentialLoadResult? Reload()
    {
        lock (reloadLock)
        {
            var hash = FileSetFingerprint.Content(paths.Files);
            if (string.Equals(hash, contentHash, StringComparison.Ordinal))
            {
                return null;
            }
            var result = CredentialLoader.Load(paths, time);
            Apply(result, hash);
            return result;
        }
    }

    public void Dispose() => watcher?.Dispose();

    private void Apply(CredentialLoadResult result, string hash)
    {
        metrics?.RecordRotation(result.Succeeded);
        if (result.Credentials is not { } next)
        {
            LogRejected(logger, paths.CertPath, string.Join("; ", result.Errors), Current.Fingerprint);
            // Not remembering the hash: a fix that restores identical bytes later must still reload.
            return;
        }
        contentHash = hash;
        Volatile.Write(ref current, next);
        LogRotated(logger, next.SpiffeId.ToString(), next.Fingerprint, next.NotAfter);
        Rotated?.Invoke(next);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "TLS credentials rotated: {SpiffeId} fingerprint {Fingerprint} valid until {NotAfter}")]
    private static partial void LogRotated(ILogger logger, string spiffeId, string fingerprint, DateTimeOffset notAfter);

    [LoggerMessage(Level = LogLevel.Error, Message = "TLS credentials in {CertPath} rejected, keeping {Fingerprint} in use: {Errors}")]
    private static partial void LogRejected(ILogger logger, string certPath, string errors, string fingerprint);
}

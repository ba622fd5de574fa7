namespace Relay.Tests.Config;

/// <summary>The three hostile mesh.yaml files of issue 17 §1, as written by its reproduction.</summary>
internal static class HostileYaml
{
    private const string Header = "mesh: {trust_domain: x.test}\n";

    /// <summary>80 KB: 40,000 '[' then 40,000 ']'; overflowed the stack of `relay validate` and the daemon.</summary>
    public static string DeepNesting { get; } = Header + "bogus: " + new string('[', 40_000) + new string(']', 40_000) + "\n";

    /// <summary>Just over the 4 MiB file limit.</summary>
    public static string Huge { get; } = Header + "bogus: " + new string('a', (4 << 20) + 1) + "\n";

    /// <summary>Under the file limit, one 3 MiB scalar.</summary>
    public static string LongScalar { get; } = Header + "bogus: " + new string('a', 3 << 20) + "\n";

    public static string Named(string name) => name switch
    {
        nameof(DeepNesting) => DeepNesting,
        nameof(Huge) => Huge,
        nameof(LongScalar) => LongScalar,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}

using System.Text.RegularExpressions;
namespace Relay.Tests.Systemd;

/// <summary>
/// scripts/packages.txt is the one list of Debian packages that test.sh and demo.sh install. A tool a
/// test, the benchmark or a script calls must be on that list or come with the fresh machine image:
/// shellcheck once passed here only because an earlier session had installed it by hand.
/// </summary>
[Trait("Tier", "Unit")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class PackageListTests
{
    /// <summary>Where the tools are called from: test and bench code, and the two commands' scripts.</summary>
    private static readonly string[] SourceRoots = ["Relay.Tests", "Relay.Bench", "bench", "scripts"];
    private static readonly string[] SourceFiles = ["test.sh", "demo.sh", "install.sh", "uninstall.sh", ".ci/run", "iptables/relay-capture.sh"];

    [Fact]
    public void PackageList_ParsesAndNamesTheSuitesKnownTools()
    {
        var list = PackageList.Load(RepoFiles.PathOf("scripts/packages.txt"));

        foreach (var tool in new[] { "shellcheck", "haproxy", "wrk", "nginx", "tcpdump", "iptables", "ip", "setpriv", "curl" })
        {
            Assert.True(list.Commands.ContainsKey(tool), $"scripts/packages.txt does not name {tool}");
        }
        Assert.All(list.Commands.Values, entry => Assert.NotEmpty(entry.Groups));
    }

    /// <summary>
    /// Every word of the sources that names an executable installed from a Debian package must be
    /// a command on the list, or its package must be on the list or in the fresh machine image.
    /// </summary>
    [Fact]
    public void PackageList_CoversEveryToolTheSuiteCalls()
    {
        var list = PackageList.Load(RepoFiles.PathOf("scripts/packages.txt"));
        var owners = DpkgOwners.Load();
        var image = FreshImage.Packages();
        var missing = new List<string>();
        foreach (var (word, file) in CandidateWords())
        {
            if (list.Commands.ContainsKey(word) || Executables.Find(word) is not { } path || owners.Of(path) is not { } package)
            {
                continue;
            }
            if (!image.Contains(package) && !list.Packages.Contains(package))
            {
                missing.Add($"{word} (package {package}, named in {file})");
            }
        }

        Assert.True(missing.Count == 0, "called by the suite but neither in scripts/packages.txt nor in the fresh image:\n" + string.Join("\n", missing.Distinct()));
    }

    private static IEnumerable<(string Word, string File)> CandidateWords()
    {
        var files = SourceRoots.SelectMany(root => Directory.EnumerateFiles(RepoFiles.PathOf(root), "*", SearchOption.AllDirectories))
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/results/", StringComparison.Ordinal))
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".sh", StringComparison.Ordinal))
            .Concat(SourceFiles.Select(RepoFiles.PathOf).Where(File.Exists));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            // In shell every word can name a program. In C# a program is named by a string literal that
            // is the name itself ("shellcheck"), or a command line's first word ("ip netns ..."), or the
            // word after "exec" ("ip netns exec NS iptables-save"); other words of a literal are prose
            // ("setns failed: errno 1" named moreutils' errno once).
            var words = file.EndsWith(".cs", StringComparison.Ordinal)
                ? StringLiteral().Matches(text).SelectMany(m => CommandWords(m.Groups[1].Value)).Where(w => Word().Match(w).Value == w)
                : Word().Matches(text).Select(m => m.Value);
            foreach (var word in words)
            {
                if (seen.Add(word))
                {
                    yield return (word, Path.GetRelativePath(RepoFiles.Root, file));
                }
            }
        }
    }

    private static IEnumerable<string> CommandWords(string literal)
    {
        var tokens = literal.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length > 0)
        {
            yield return tokens[0];
        }
        for (var i = 0; i + 1 < tokens.Length; i++)
        {
            if (tokens[i] == "exec")
            {
                // "exec NS tool" (ip netns exec) or "exec tool".
                yield return tokens[i + 1];
                if (i + 2 < tokens.Length)
                {
                    yield return tokens[i + 2];
                }
            }
        }
    }

    [GeneratedRegex("\"((?:[^\"\\\\\\n]|\\\\.)*)\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex("(?<![\\w./$-])[a-z][a-z0-9+_.-]{1,40}(?![\\w/-])")]
    private static partial Regex Word();

    /// <summary>scripts/packages.txt: "command package group..." per line, # comments.</summary>
    internal sealed record PackageList(IReadOnlyDictionary<string, PackageEntry> Commands, IReadOnlySet<string> Packages)
    {
        public static PackageList Load(string path)
        {
            var entries = File.ReadAllLines(path)
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(fields => fields.Length > 0 && !fields[0].StartsWith('#'))
                .Select(fields => new PackageEntry(fields[0], fields.Length > 1 ? fields[1] : "", fields.Skip(2).ToHashSet()))
                .ToList();
            Assert.All(entries, e => Assert.False(string.IsNullOrEmpty(e.Package), $"{path}: {e.Command} has no package"));
            return new(entries.ToDictionary(e => e.Command), entries.Select(e => e.Package).ToHashSet());
        }
    }

    internal sealed record PackageEntry(string Command, string Package, IReadOnlySet<string> Groups);

    internal static class Executables
    {
        private static readonly string[] Dirs = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

        public static string? Find(string name) => Dirs.Select(d => Path.Combine(d, name))
            .FirstOrDefault(p => File.Exists(p) && (File.GetUnixFileMode(p) & UnixFileMode.UserExecute) != 0);
    }

    /// <summary>Which package installed an executable: dpkg's own file lists, following alternatives symlinks.</summary>
    private sealed class DpkgOwners(Dictionary<string, string> byName)
    {
        public static DpkgOwners Load()
        {
            var byName = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var list in Directory.EnumerateFiles("/var/lib/dpkg/info", "*.list"))
            {
                var package = Path.GetFileNameWithoutExtension(list).Split(':')[0];
                foreach (var line in File.ReadLines(list))
                {
                    if (line.Contains("bin/", StringComparison.Ordinal) && Path.GetDirectoryName(line) is "/bin" or "/sbin" or "/usr/bin" or "/usr/sbin")
                    {
                        byName.TryAdd(Path.GetFileName(line), package);
                    }
                }
            }
            return new(byName);
        }

        public string? Of(string path)
        {
            if (byName.TryGetValue(Path.GetFileName(path), out var package))
            {
                return package;
            }
            var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
            return target is not null && byName.TryGetValue(target.Name, out package) ? package : null;
        }
    }

    /// <summary>The packages a fresh machine of this kind has: the image's list where it ships one, else Debian's required and important set.</summary>
    private static class FreshImage
    {
        private const string ImageList = "/usr/share/package-lists/installed-dotnet.txt";

        public static HashSet<string> Packages()
        {
            if (File.Exists(ImageList))
            {
                return File.ReadLines(ImageList).Select(l => l.Split('\t')).Where(f => f.Length > 1 && f[0] == "apt")
                    .Select(f => f[1].Split(':')[0]).ToHashSet(StringComparer.Ordinal);
            }
            var packages = new HashSet<string>(StringComparer.Ordinal);
            string? name = null;
            foreach (var line in File.ReadLines("/var/lib/dpkg/status"))
            {
                if (line.StartsWith("Package: ", StringComparison.Ordinal))
                {
                    name = line[9..];
                }
                else if (name is not null && (line is "Priority: required" or "Priority: important" or "Essential: yes"))
                {
                    packages.Add(name);
                }
            }
            return packages;
        }
    }
}

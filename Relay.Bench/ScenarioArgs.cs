using System.Globalization;

namespace Relay.Bench;

/// <summary>
/// The options of a bench command (load, flood, balance, tracing-cost, package-ab): <c>--name value</c>
/// pairs and value-less flags, every name given in advance. An unknown option, a missing or repeated value, or a value
/// that is not an integer in range is an error naming the option, so a typo stops the run with
/// exit code 2 instead of silently measuring the default (what these commands did before).
/// </summary>
internal sealed class ScenarioArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly List<string> _errors = [];

    public ScenarioArgs(string[] args, params string[] known)
        : this(args, [], known)
    {
    }

    /// <param name="args">The command line after the command's name.</param>
    /// <param name="flags">Options that take no value (<c>--quick</c>).</param>
    /// <param name="known">Options that take one value each.</param>
    public ScenarioArgs(string[] args, IReadOnlyCollection<string> flags, params string[] known)
    {
        string[] names = [.. known, .. flags];
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (flags.Contains(name, StringComparer.Ordinal))
            {
                if (!_flags.Add(name))
                {
                    _errors.Add($"{name} is given more than once");
                }
                continue;
            }
            if (!known.Contains(name, StringComparer.Ordinal))
            {
                _errors.Add(name.StartsWith("--", StringComparison.Ordinal)
                    ? $"unknown option '{name}' (known: {string.Join(", ", names)})"
                    : $"unexpected argument '{name}' (options are --name value)");
                continue;
            }
            if (i + 1 >= args.Length || names.Contains(args[i + 1], StringComparer.Ordinal))
            {
                _errors.Add($"{name} needs a value");
                continue;
            }
            if (!_values.TryAdd(name, args[++i]))
            {
                _errors.Add($"{name} is given more than once");
            }
        }
    }

    public IReadOnlyList<string> Errors => _errors;

    /// <summary>Whether the value-less option was given.</summary>
    public bool Flag(string name) => _flags.Contains(name);

    /// <summary>The option's text, or null when it is absent.</summary>
    public string? Text(string name) => _values.GetValueOrDefault(name);

    /// <summary>The option as an integer in [min, max]; the fallback when absent; an error (and the fallback) otherwise.</summary>
    public int Int(string name, int fallback, int min = 1, int max = int.MaxValue)
    {
        if (Text(name) is not { } text)
        {
            return fallback;
        }
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }
        _errors.Add($"{name}: expected an integer from {min} to {max}, got '{text}'");
        return fallback;
    }

    /// <summary>Writes the errors, if any, to <paramref name="error"/>; true when there were some (the command exits 2).</summary>
    public bool Failed(TextWriter error)
    {
        foreach (var message in _errors)
        {
            error.WriteLine(message);
        }
        return _errors.Count > 0;
    }
}

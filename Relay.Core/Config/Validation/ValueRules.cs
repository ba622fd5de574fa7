namespace Relay.Core.Config.Validation;

/// <summary>Rules shared by the section validators: ranges, duplicates, non-empty lists.</summary>
internal static class ValueRules
{
    // TCP ports are 16-bit; 0 means "any" to bind() and cannot be dialled or captured.
    public const int MinPort = 1;
    public const int MaxPort = 65_535;

    public static void Range(Located<int>? value, int min, int max, ConfigErrorSink errors)
    {
        if (value is not null && (value.Value < min || value.Value > max))
        {
            errors.Add(value.Location, $"must be between {min} and {max}, got {value.Value}");
        }
    }

    public static void Port(Located<int>? value, ConfigErrorSink errors) => Range(value, MinPort, MaxPort, errors);

    public static void Ports(ConfigList<int>? list, ConfigErrorSink errors)
    {
        foreach (var item in list?.Items ?? [])
        {
            Port(item, errors);
        }
        NoDuplicates(list, errors);
    }

    /// <summary>Reports every repeat of an earlier item, naming where the first one is.</summary>
    public static void NoDuplicates<T>(ConfigList<T>? list, ConfigErrorSink errors)
        where T : notnull
    {
        var seen = new Dictionary<T, ConfigLocation>();
        foreach (var item in list?.Items ?? [])
        {
            if (!seen.TryAdd(item.Value, item.Location))
            {
                errors.Add(item.Location, $"duplicate entry '{item.Value}' (already listed at {seen[item.Value].KeyPath})");
            }
        }
    }

    public static void NotEmpty<T>(ConfigList<T>? list, ConfigErrorSink errors)
    {
        if (list is { IsLiterallyEmpty: true })
        {
            errors.Add(list.Location, "must list at least one entry");
        }
    }
}

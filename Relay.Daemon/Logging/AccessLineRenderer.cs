using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Relay.Core.Observability;
using Serilog.Formatting.Compact;

namespace Relay.Daemon.Logging;

/// <summary>
/// Renders an access event (category <c>Relay.Access</c>: one line per connection, one per
/// request) straight into characters, the same characters Serilog's text template and its
/// <c>RenderedCompactJsonFormatter</c> write for it (<c>AccessLineRendererTests</c> holds the two
/// side by side). Through Serilog each such event built a LogEvent with a dictionary of ~20
/// boxed properties: on relay-http at 64 connections that was ~40% of the bytes the daemon
/// allocated per request (dotnet-trace gc-verbose, 2026-12-02; docs/performance.md). Anything
/// this renderer does not know how to write exactly (a value that is not a string or an
/// integer, a format specifier in the template, an exception, a scope that is not a list of
/// string pairs or that shares a property's name) returns false, and the event goes to Serilog as before.
/// </summary>
internal sealed class AccessLineRenderer(bool json)
{
    private readonly ConditionalWeakTable<string, Template> _templates = new();

    // The event's properties, copied out of the state once per event: the LoggerMessage state's
    // indexer builds each pair (and boxes each integer) on every call.
    [ThreadStatic]
    private static KeyValuePair<string, object?>[]? t_properties;

    /// <summary>
    /// Renders the event as one line (newline included); false when Serilog must render it. The
    /// line is an exact-size string: a pooled buffer handed to the drain loop's thread would be
    /// returned to that thread's pool, and under load most came back as new arrays (2 KiB per
    /// line, dotnet-counters, 2026-12-02).
    /// </summary>
    public bool TryRender<TState>(string category, EventId eventId, TState state, IReadOnlyList<object?> scopes, [NotNullWhen(true)] out string? rendered)
    {
        rendered = null;
        if (state is not IReadOnlyList<KeyValuePair<string, object?>> values || values.Count is 0 or > 64
            || values[^1] is not { Key: "{OriginalFormat}", Value: string format } || Parse(format) is not { } template)
        {
            return false;
        }
        var count = values.Count - 1;
        var copy = t_properties is { } reused && reused.Length >= count ? reused : (t_properties = new KeyValuePair<string, object?>[64]);
        for (var i = 0; i < count; i++)
        {
            copy[i] = values[i];
        }
        var properties = copy.AsSpan(0, count);
        try
        {
            if (!Renderable(properties) || !template.Covers(properties) || !Renderable(scopes, properties))
            {
                return false;
            }
            var line = new LineBuffer(512 + (format.Length * 2));
            // UTC, as LoggingSetup's template writes it; UtcNow also skips the local zone's offset lookup.
            var now = DateTime.UtcNow;
            if (json)
            {
                WriteJson(ref line, now, category, eventId, template, properties, scopes);
            }
            else
            {
                line.AppendUtcMillis(now);
                line.Append(" INF ");
                WriteMessage(ref line, template, properties, quoted: false);
                line.Append('\n');
            }
            rendered = new string(line.Buffer, 0, line.Length);
            line.Return();
            return true;
        }
        finally
        {
            properties.Clear();
        }
    }

    private static void WriteJson(ref LineBuffer line, DateTime now, string category, EventId eventId, Template template,
        ReadOnlySpan<KeyValuePair<string, object?>> properties, IReadOnlyList<object?> scopes)
    {
        line.Append("{\"@t\":\"");
        line.Append(now, "O");
        line.Append("\",\"@m\":");
        // The message, rendered with strings quoted (Serilog's default rendering), then JSON-quoted as a whole.
        var message = new LineBuffer(template.Text.Length * 2);
        WriteMessage(ref message, template, properties, quoted: true);
        line.AppendJsonString(message.Buffer.AsSpan(0, message.Length));
        message.Return();
        line.Append(",\"@i\":\"");
        line.AppendHex8(template.Id);
        line.Append('"');
        if (Activity.Current is { } activity)
        {
            line.Append(",\"@tr\":\"");
            line.Append(activity.TraceId.ToHexString());
            line.Append("\",\"@sp\":\"");
            line.Append(activity.SpanId.ToHexString());
            line.Append('"');
        }
        foreach (var (key, value) in properties)
        {
            line.Append(',');
            line.AppendJsonString(key);
            line.Append(':');
            AppendJsonValue(ref line, value);
        }
        if (eventId.Id != 0 || eventId.Name is not null)
        {
            line.Append(",\"EventId\":{\"Id\":");
            line.Append(eventId.Id);
            if (eventId.Name is { } name)
            {
                line.Append(",\"Name\":");
                line.AppendJsonString(name);
            }
            line.Append('}');
        }
        line.Append(",\"SourceContext\":");
        line.AppendJsonString(category);
        // Scope properties (Kestrel's ConnectionId on the request line), outermost first, as
        // Serilog adds them from the factory's scopes; Renderable refused any name written twice.
        foreach (var scope in scopes)
        {
            var pairs = (IReadOnlyList<KeyValuePair<string, object>>)scope!;
            for (var i = 0; i < pairs.Count; i++)
            {
                var (key, value) = pairs[i];
                line.Append(',');
                line.AppendJsonString(key);
                line.Append(':');
                AppendJsonValue(ref line, value);
            }
        }
        line.Append("}\n");
    }

    /// <summary>
    /// Scopes Serilog adds as plain properties: lists of string or integer pairs, with names no
    /// other property has (Serilog would overwrite that property, in the message too).
    /// </summary>
    private static bool Renderable(IReadOnlyList<object?> scopes, ReadOnlySpan<KeyValuePair<string, object?>> properties)
    {
        for (var s = 0; s < scopes.Count; s++)
        {
            // Indexed lists only (Kestrel's connection scope is one): enumerating would allocate an
            // enumerator per scope per line.
            if (scopes[s] is not IReadOnlyList<KeyValuePair<string, object>> pairs)
            {
                return false;
            }
            for (var i = 0; i < pairs.Count; i++)
            {
                var (key, value) = pairs[i];
                if (key is not { Length: > 0 } || key[0] is '@' or '$' || key is "EventId" or "SourceContext" || value is not (string or int or long)
                    || IndexOf(properties, key) >= 0 || InScopes(scopes, s, key))
                {
                    return false;
                }
            }
        }
        return true;
    }

    /// <summary>Whether a scope before <paramref name="before"/> has a pair named <paramref name="key"/>, or the same scope has it twice.</summary>
    private static bool InScopes(IReadOnlyList<object?> scopes, int before, string key)
    {
        for (var s = 0; s <= before; s++)
        {
            var seen = 0;
            var pairs = (IReadOnlyList<KeyValuePair<string, object>>)scopes[s]!;
            for (var i = 0; i < pairs.Count; i++)
            {
                seen += pairs[i].Key == key ? 1 : 0;
            }
            if (seen > (s == before ? 1 : 0))
            {
                return true;
            }
        }
        return false;
    }

    private static void WriteMessage(ref LineBuffer line, Template template, ReadOnlySpan<KeyValuePair<string, object?>> properties, bool quoted)
    {
        var parts = template.Parts;
        for (var p = 0; p < parts.Length; p++)
        {
            if (parts[p].Hole is not { } hole)
            {
                line.Append(parts[p].Literal!);
                continue;
            }
            var value = properties[template.IndexOf(p, hole, properties)].Value;
            if (value is string text)
            {
                if (quoted)
                {
                    // Serilog's ScalarValue rendering: in quotes, with only the quote escaped.
                    line.Append('"');
                    line.AppendEscapingQuotes(text);
                    line.Append('"');
                }
                else
                {
                    line.Append(text);
                }
            }
            else
            {
                AppendInteger(ref line, value);
            }
        }
    }

    private static int IndexOf(ReadOnlySpan<KeyValuePair<string, object?>> properties, string name)
    {
        for (var i = 0; i < properties.Length; i++)
        {
            if (properties[i].Key == name)
            {
                return i;
            }
        }
        return -1;
    }

    private static void AppendJsonValue(ref LineBuffer line, object? value)
    {
        if (value is string text)
        {
            line.AppendJsonString(text);
        }
        else
        {
            AppendInteger(ref line, value);
        }
    }

    private static void AppendInteger(ref LineBuffer line, object? value)
    {
        switch (value)
        {
            case int i:
                line.Append(i);
                break;
            case long l:
                line.Append(l);
                break;
            default:
                throw new UnreachableException("Renderable admits strings and integers only");
        }
    }

    /// <summary>Strings and 32/64-bit integers only: what Relay's access events carry, and what this renderer writes exactly as Serilog does.</summary>
    private static bool Renderable(ReadOnlySpan<KeyValuePair<string, object?>> properties)
    {
        foreach (var (key, value) in properties)
        {
            if (value is not (string or int or long) || key.Length == 0 || key[0] is '@' or '$')
            {
                return false;
            }
        }
        return true;
    }

    private Template? Parse(string format)
    {
        if (_templates.TryGetValue(format, out var known))
        {
            return known.Parts.Length == 0 ? null : known;
        }
        var parsed = Template.Parse(format);
        _templates.AddOrUpdate(format, parsed);
        return parsed.Parts.Length == 0 ? null : parsed;
    }

    /// <summary>A message template split into literal text and named holes; no parts when it uses anything but plain <c>{Name}</c> holes.</summary>
    private sealed class Template
    {
        private Template(string text, Part[] parts)
        {
            Text = text;
            Parts = parts;
            Id = EventIdHash.Compute(text);
        }

        public string Text { get; }

        public Part[] Parts { get; }

        /// <summary>The compact JSON formatter's <c>@i</c>: a hash of the template text.</summary>
        public uint Id { get; }

        // Per part: where its hole's value sat among the properties last time (the same place
        // for every event of a LoggerMessage method), checked by name before use.
        private int[]? _slots;

        /// <summary>The index of hole <paramref name="name"/> (part <paramref name="part"/>) among <paramref name="properties"/>.</summary>
        public int IndexOf(int part, string name, ReadOnlySpan<KeyValuePair<string, object?>> properties)
        {
            var slots = _slots ??= new int[Parts.Length];
            var slot = Volatile.Read(ref slots[part]);
            if (slot < properties.Length && properties[slot].Key == name)
            {
                return slot;
            }
            slot = AccessLineRenderer.IndexOf(properties, name);
            if (slot >= 0)
            {
                Volatile.Write(ref slots[part], slot);
            }
            return slot;
        }

        /// <summary>Whether every hole has a value (Serilog would write a missing one as the hole's text).</summary>
        public bool Covers(ReadOnlySpan<KeyValuePair<string, object?>> properties)
        {
            for (var p = 0; p < Parts.Length; p++)
            {
                if (Parts[p].Hole is { } hole && IndexOf(p, hole, properties) < 0)
                {
                    return false;
                }
            }
            return true;
        }

        public static Template Parse(string text)
        {
            var parts = new List<Part>();
            var at = 0;
            while (at < text.Length)
            {
                var open = text.IndexOfAny(['{', '}'], at);
                if (open < 0)
                {
                    parts.Add(new Part(text[at..], null));
                    break;
                }
                var close = text[open] == '{' ? text.IndexOf('}', open + 1) : -1;
                var name = close > open + 1 ? text[(open + 1)..close] : "";
                if (close < 0 || name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                {
                    // "{{", "}}", "{@X}", "{X:fmt}", "{X,10}": Serilog's full template language, left to Serilog.
                    return new Template(text, []);
                }
                if (open > at)
                {
                    parts.Add(new Part(text[at..open], null));
                }
                parts.Add(new Part(null, name));
                at = close + 1;
            }
            return new Template(text, [.. parts]);
        }
    }

    private readonly record struct Part(string? Literal, string? Hole);

    /// <summary>Characters from <see cref="ArrayPool{T}.Shared"/>, grown by doubling.</summary>
    private struct LineBuffer(int capacity)
    {
        public char[] Buffer = ArrayPool<char>.Shared.Rent(capacity);
        public int Length;

        public void Append(char c)
        {
            Reserve(1);
            Buffer[Length++] = c;
        }

        public void Append(string text) => Append(text.AsSpan());

        public void Append(ReadOnlySpan<char> text)
        {
            Reserve(text.Length);
            text.CopyTo(Buffer.AsSpan(Length));
            Length += text.Length;
        }

        public void Append(long value)
        {
            Reserve(20);
            value.TryFormat(Buffer.AsSpan(Length), out var written, default, CultureInfo.InvariantCulture);
            Length += written;
        }

        public void Append(DateTime value, string format)
        {
            Reserve(40);
            value.TryFormat(Buffer.AsSpan(Length), out var written, format, CultureInfo.InvariantCulture);
            Length += written;
        }

        public void AppendUtcMillis(DateTime utc)
        {
            Reserve(UtcStamp.Length);
            UtcStamp.Write(Buffer.AsSpan(Length, UtcStamp.Length), utc);
            Length += UtcStamp.Length;
        }

        public void AppendHex8(uint value)
        {
            Reserve(8);
            value.TryFormat(Buffer.AsSpan(Length), out var written, "x8", CultureInfo.InvariantCulture);
            Length += written;
        }

        public void AppendEscapingQuotes(string text)
        {
            foreach (var c in text)
            {
                if (c == '"')
                {
                    Append('\\');
                }
                Append(c);
            }
        }

        /// <summary>Serilog's <c>JsonValueFormatter.WriteQuotedJsonString</c>, character for character.</summary>
        public void AppendJsonString(ReadOnlySpan<char> text)
        {
            Append('"');
            foreach (var c in text)
            {
                switch (c)
                {
                    case '"':
                        Append("\\\"");
                        break;
                    case '\\':
                        Append("\\\\");
                        break;
                    case '\n':
                        Append("\\n");
                        break;
                    case '\r':
                        Append("\\r");
                        break;
                    case '\f':
                        Append("\\f");
                        break;
                    case '\t':
                        Append("\\t");
                        break;
                    case < (char)32:
                        Append("\\u");
                        Reserve(4);
                        ((int)c).TryFormat(Buffer.AsSpan(Length), out var written, "X4", CultureInfo.InvariantCulture);
                        Length += written;
                        break;
                    default:
                        Append(c);
                        break;
                }
            }
            Append('"');
        }

        public readonly void Return() => ArrayPool<char>.Shared.Return(Buffer);

        private void Reserve(int more)
        {
            if (Length + more <= Buffer.Length)
            {
                return;
            }
            var bigger = ArrayPool<char>.Shared.Rent(Math.Max(Buffer.Length * 2, Length + more));
            Buffer.AsSpan(0, Length).CopyTo(bigger);
            ArrayPool<char>.Shared.Return(Buffer);
            Buffer = bigger;
        }
    }
}

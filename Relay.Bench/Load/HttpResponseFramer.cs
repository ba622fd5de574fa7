using System.Buffers.Text;
using System.Text;

namespace Relay.Bench.Load;

/// <summary>
/// Splits a byte stream of HTTP/1.1 responses (status line, headers, Content-Length body) into
/// whole responses, for the open-loop client. Only what nginx sends is supported: no chunked bodies.
/// </summary>
internal sealed class HttpResponseFramer
{
    // Headers of nginx's responses are ~200 bytes; anything past 8 KiB without an end is broken.
    private const int MaxHeaderBytes = 8 * 1024;

    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] ContentLength = "\r\ncontent-length:"u8.ToArray();
    private static readonly byte[] Status200 = "HTTP/1.1 200 "u8.ToArray();

    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private long _bodyLeft = -1;
    private bool _currentOk;

    /// <summary>Where the next socket read should go.</summary>
    public Memory<byte> FreeSpace()
    {
        // Keep any partial response at the front; bodies are skipped, so at most a header stays.
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            (_end, _start) = (_end - _start, 0);
        }
        return _buffer.AsMemory(_end);
    }

    /// <summary>Consumes <paramref name="count"/> new bytes; returns how many responses completed (ok or not).</summary>
    public (int Ok, int Failed) Advance(int count)
    {
        _end += count;
        var (ok, failed) = (0, 0);
        while (true)
        {
            if (_bodyLeft < 0 && !TryReadHeader())
            {
                return (ok, failed);
            }
            var take = (int)Math.Min(_bodyLeft, _end - _start);
            _start += take;
            _bodyLeft -= take;
            if (_bodyLeft > 0)
            {
                return (ok, failed);
            }
            _bodyLeft = -1;
            (ok, failed) = _currentOk ? (ok + 1, failed) : (ok, failed + 1);
        }
    }

    private bool TryReadHeader()
    {
        var window = _buffer.AsSpan(_start, _end - _start);
        var end = window.IndexOf(HeaderEnd);
        if (end < 0)
        {
            return window.Length < MaxHeaderBytes ? false : throw new InvalidDataException("HTTP response header over 8 KiB");
        }
        var header = window[..(end + 2)];
        _currentOk = header.StartsWith(Status200);
        _bodyLeft = ParseContentLength(header);
        _start += end + HeaderEnd.Length;
        return true;
    }

    private static long ParseContentLength(ReadOnlySpan<byte> header)
    {
        Span<byte> lower = stackalloc byte[header.Length];
        Ascii.ToLower(header, lower, out _);
        var at = lower.IndexOf(ContentLength);
        if (at < 0)
        {
            throw new InvalidDataException("HTTP response without Content-Length");
        }
        var value = lower[(at + ContentLength.Length)..].TrimStart((byte)' ');
        return Utf8Parser.TryParse(value, out long length, out _) ? length : throw new InvalidDataException("bad Content-Length");
    }
}

using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Relay.Tests.Upstreams.Discovery;

/// <summary>
/// A DNS responder on 127.0.0.1 (UDP, an ephemeral port) for the loopback tier: answers SRV
/// queries for one name with the records set now (targets' A records in the additional section),
/// A queries for those targets, and NOERROR with no records for anything else. <see cref="Mode"/>
/// makes it answer SERVFAIL or not at all, for the keep-the-last-good-set path. Enough of RFC 1035
/// for one question per query; the real-server tier uses dnsmasq (Root/DnsDiscoveryTests).
/// </summary>
internal sealed class TestDnsServer : IAsyncDisposable
{
    private const ushort TypeA = 1;
    private const ushort TypeSrv = 33;
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private volatile IReadOnlyList<(string Target, int Port)> _srv = [];
    private int _queries;

    private TestDnsServer(string srvName)
    {
        SrvName = srvName.TrimEnd('.');
        _serving = Task.Run(ServeAsync);
    }

    public enum Answering
    {
        Normally,
        ServFail,
        Silent,
    }

    public string SrvName { get; }

    public IPEndPoint Address => (IPEndPoint)_udp.Client.LocalEndPoint!;

    public volatile Answering Mode = Answering.Normally;

    /// <summary>The TTL every record carries.</summary>
    public volatile int Ttl = 1;

    public int Queries => Volatile.Read(ref _queries);

    public static TestDnsServer Start(string srvName) => new(srvName);

    /// <summary>The SRV records from now on: each target resolves to 127.0.0.1.</summary>
    public void SetRecords(params (string Target, int Port)[] records) => _srv = records;

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult received;
            try
            {
                received = await _udp.ReceiveAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            Interlocked.Increment(ref _queries);
            if (Mode == Answering.Silent || Answer(received.Buffer) is not { } reply)
            {
                continue;
            }
            await _udp.SendAsync(reply, received.RemoteEndPoint, _stop.Token);
        }
    }

    private byte[]? Answer(byte[] query)
    {
        if (query.Length < 17)
        {
            return null;
        }
        var (name, end) = ReadName(query, 12);
        var type = BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(end));
        var questionEnd = end + 4;
        var answers = new List<byte[]>();
        var additionals = new List<byte[]>();
        if (Mode == Answering.Normally && type == TypeSrv && string.Equals(name, SrvName, StringComparison.OrdinalIgnoreCase))
        {
            foreach (var (target, port) in _srv)
            {
                answers.Add(Record(Pointer(), TypeSrv, Srv(port, target)));
                additionals.Add(Record(Name(target), TypeA, [127, 0, 0, 1]));
            }
        }
        else if (Mode == Answering.Normally && type == TypeA && _srv.Any(r => string.Equals(r.Target, name, StringComparison.OrdinalIgnoreCase)))
        {
            answers.Add(Record(Pointer(), TypeA, [127, 0, 0, 1]));
        }
        var reply = new List<byte>(512);
        reply.AddRange(query.AsSpan(0, 2).ToArray());
        // QR, opcode 0, RD copied; RA; rcode 0 (NOERROR) or 2 (SERVFAIL).
        reply.AddRange([(byte)(0x80 | (query[2] & 0x01)), (byte)(Mode == Answering.ServFail ? 0x82 : 0x80)]);
        reply.AddRange(U16(1));
        reply.AddRange(U16(answers.Count));
        reply.AddRange(U16(0));
        reply.AddRange(U16(additionals.Count));
        reply.AddRange(query.AsSpan(12, questionEnd - 12).ToArray());
        answers.Concat(additionals).ToList().ForEach(reply.AddRange);
        return [.. reply];
    }

    private byte[] Record(byte[] owner, ushort type, byte[] data) =>
        [.. owner, .. U16(type), .. U16(1), .. U32(Ttl), .. U16(data.Length), .. data];

    private static byte[] Srv(int port, string target) => [.. U16(0), .. U16(1), .. U16(port), .. Name(target)];

    // The question's name, at offset 12.
    private static byte[] Pointer() => [0xC0, 0x0C];

    private static byte[] Name(string name)
    {
        var bytes = new List<byte>();
        foreach (var label in name.TrimEnd('.').Split('.'))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }
        bytes.Add(0);
        return [.. bytes];
    }

    private static (string Name, int End) ReadName(byte[] packet, int at)
    {
        var labels = new List<string>();
        while (at < packet.Length && packet[at] != 0)
        {
            labels.Add(Encoding.ASCII.GetString(packet, at + 1, packet[at]));
            at += packet[at] + 1;
        }
        return (string.Join('.', labels), at + 1);
    }

    private static byte[] U16(int value) => [(byte)(value >> 8), (byte)value];

    private static byte[] U32(int value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _udp.Dispose();
        await _serving;
        _stop.Dispose();
    }
}

using System.CommandLine;
using Relay.Tls.Certificates;

namespace Relay.Daemon.Commands;

/// <summary>
/// <c>relay ca init</c> and <c>relay ca issue</c>: a small built-in mesh CA for labs and small
/// meshes. Exit 0 on success, 2 on bad input or unwritable output, with the reason on stderr.
/// </summary>
internal static class CaCommand
{
    private const int ExitOk = 0;
    private const int ExitBadInput = 2;

    // One year for a root and 30 days for leaves: long enough to run, short enough that rotation
    // is exercised (docs/tls.md recommends far shorter leaves with an automated issuer).
    private const int DefaultRootDays = 365;
    private const int DefaultLeafDays = 30;

    public static Command Create()
    {
        var command = new Command("ca", "Create a mesh CA and issue SPIFFE certificates from it.");
        command.Subcommands.Add(CreateInit());
        command.Subcommands.Add(CreateIssue());
        return command;
    }

    private static Command CreateInit()
    {
        var trustDomain = new Option<string>("--trust-domain") { Description = "Trust domain, e.g. corp.example.", Required = true };
        var outDir = new Option<string>("--out") { Description = "Directory for ca.pem and ca.key.", Required = true };
        var days = new Option<int>("--days") { Description = "Root lifetime in days.", DefaultValueFactory = _ => DefaultRootDays };
        var init = new Command("init", "Create a self-signed ECDSA P-256 root: ca.pem and ca.key (0600).") { trustDomain, outDir, days };
        init.SetAction((ParseResult parse, CancellationToken _) => Task.FromResult(
            Report(CertificateAuthority.InitRoot(parse.GetValue(trustDomain)!, parse.GetValue(outDir)!, parse.GetValue(days)))));
        return init;
    }

    private static Command CreateIssue()
    {
        var caDir = new Option<string>("--ca") { Description = "Directory holding ca.pem and ca.key.", Required = true };
        var identity = new Option<string>("--identity") { Description = "SPIFFE ID, e.g. spiffe://corp.example/host/vm-a.", Required = true };
        var days = new Option<int>("--days") { Description = "Leaf lifetime in days.", DefaultValueFactory = _ => DefaultLeafDays };
        var outDir = new Option<string>("--out") { Description = "Directory for cert.pem, key.pem (0600) and bundle.pem.", Required = true };
        var issue = new Command("issue", "Issue a leaf certificate with one SPIFFE URI SAN.") { caDir, identity, days, outDir };
        issue.SetAction((ParseResult parse, CancellationToken _) => Task.FromResult(
            Report(CertificateAuthority.IssueLeaf(parse.GetValue(caDir)!, parse.GetValue(identity)!, parse.GetValue(days), parse.GetValue(outDir)!))));
        return issue;
    }

    private static int Report(CaFileResult result)
    {
        if (!result.Succeeded)
        {
            Console.Error.WriteLine($"relay ca: {result.Error}");
            return ExitBadInput;
        }
        foreach (var path in result.Written)
        {
            Console.Out.WriteLine($"wrote {path}");
        }
        return ExitOk;
    }
}

using Relay.Core.Config.Yaml;
using YamlDotNet.RepresentationModel;

namespace Relay.Core.Config.Reading;

/// <summary>The document root → <see cref="MeshFileConfig"/>, one section reader per key.</summary>
internal static class MeshFileReader
{
    private static readonly string[] Keys = ["mesh", "tls", "capture", "admin", "limits", "inbound", "services", "listeners", "tracing", "discovery"];

    public static MeshFileConfig? Read(YamlNode root, ConfigErrorSink errors)
    {
        if (MappingReader.Open(root, "", errors, Keys) is not { } file)
        {
            return null;
        }
        return new MeshFileConfig(
            MeshSectionReader.Read(file.Mapping("mesh", MeshSectionReader.Keys, required: true)),
            TlsSectionReader.Read(file.Mapping("tls", TlsSectionReader.Keys)),
            CaptureSectionReader.Read(file.Mapping("capture", CaptureSectionReader.Keys), file.Location.Child("capture")),
            AdminSectionReader.Read(file.Mapping("admin", AdminSectionReader.Keys), file.Location.Child("admin")),
            LimitsSectionReader.Read(file.Mapping("limits", LimitsSectionReader.Keys), file.Location.Child("limits")),
            InboundSectionReader.Read(file),
            ServicesSectionReader.Read(file),
            ListenersSectionReader.Read(file))
        {
            Tracing = TracingSectionReader.Read(file.Mapping("tracing", TracingSectionReader.Keys)),
            Discovery = DiscoverySectionReader.Read(file.Mapping("discovery", DiscoverySectionReader.Keys)),
        };
    }
}

namespace Relay.Core.Vocabulary;

/// <summary>Which listener accepted a connection.</summary>
public enum Direction
{
    Outbound,
    Inbound,
}

public static class DirectionNames
{
    public static string Label(this Direction direction) =>
        direction == Direction.Outbound ? "outbound" : "inbound";
}

namespace PahoSharp.Samples.LastWill;

/// <summary>The optional arguments, the same as the C reference's; none of them changes the seed's default run.</summary>
internal sealed record Arguments(string Address, int KeepAliveSeconds, bool SkipDisconnect)
{
    public const string Usage = "usage: PahoSharp.Samples.LastWill [--address URI] [--keepalive SECONDS] [--skip-disconnect]";

    /// <summary>The arguments, or null when the usage line must be printed.</summary>
    public static Arguments? Parse(string[] args, string defaultAddress, int defaultKeepAlive)
    {
        var parsed = new Arguments(defaultAddress, defaultKeepAlive, false);
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--address" when i + 1 < args.Length:
                    parsed = parsed with { Address = args[++i] };
                    break;
                case "--keepalive" when i + 1 < args.Length:
                    if (!int.TryParse(args[++i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int seconds))
                        return null;
                    parsed = parsed with { KeepAliveSeconds = seconds };
                    break;
                case "--skip-disconnect":
                    parsed = parsed with { SkipDisconnect = true };
                    break;
                default:
                    return null;
            }
        }
        return parsed;
    }
}

// The compare command's "record" mode: one program run behind a recording FaultProxy (it passes
// everything through) toward a broker that is already running, and what crossed the proxy written to
// a file, one packet a line with its bytes. build/arm64-check.sh records the x64 and the arm64 C
// reference this way and compares the files.
//
//   dotnet PahoSharp.Compare.dll record --broker-port PORT --transcript FILE -- PROGRAM [ARGS...]
//
// "{address}" in ARGS becomes the proxy's address (tcp://127.0.0.1:PROXYPORT). The program's output is
// passed on after it ends. Exit status: the program's; 124 when it ran longer than 60 s, or its
// connection did not close; 2 for bad arguments.
using System.Globalization;
using System.Text;

using PahoSharp.Testing;
using PahoSharp.Testing.Faults;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Testing.Scenarios;

namespace PahoSharp.Compare;

internal static class RecordCommand
{
    private const string Usage = "usage: PahoSharp.Compare record --broker-port PORT --transcript FILE -- PROGRAM [ARGS...]  ({address} in ARGS: the proxy)";

    public static async Task<int> RunAsync(string[] args)
    {
        int? brokerPort = null;
        string? transcriptFile = null;
        int i = 0;
        for (; i < args.Length && args[i] != "--"; i++)
        {
            switch (args[i])
            {
                case "--broker-port" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int port):
                    brokerPort = port;
                    i++;
                    break;
                case "--transcript" when i + 1 < args.Length:
                    transcriptFile = args[++i];
                    break;
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }
        string[] command = i < args.Length ? args[(i + 1)..] : [];
        if (brokerPort is null || transcriptFile is null || command.Length == 0)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        await using FaultProxy proxy = FaultProxy.Start(brokerPort.Value, new FaultProxyOptions { Lifetime = TimeSpan.FromSeconds(90) });
        string[] arguments = [.. command[1..].Select(a => a.Replace("{address}", proxy.Address, StringComparison.Ordinal))];
        using var process = ProcessRunner.Start(command[0], arguments, out StringBuilder stdout, out StringBuilder stderr);
        int status;
        try
        {
            ProcessResult run = await ProcessRunner.WaitAsync(process, stdout, stderr, WillScenarioRunner.RunTimeout * 2);
            Console.Out.Write(run.StandardOutput);
            Console.Error.Write(run.StandardError);
            status = run.ExitCode;
            // The socket closes at the latest when the process ends: then the transcript is complete.
            await proxy.ClientClosed.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException e)
        {
            Console.Error.WriteLine($"record: {e.Message}");
            status = 124;
        }

        // PINGREQ and PINGRESP are left out: timing alone decides them (as in WireComparison).
        var transcript = new StringBuilder();
        foreach (RecordedPacket p in proxy.Packets.Where(p => p.Packet.Type is not (MqttPacketType.PingReq or MqttPacketType.PingResp)))
        {
            string arrow = p.Direction switch
            {
                ProxyDirection.ClientToBroker => "C->B",
                ProxyDirection.BrokerToClient => "B->C",
                _ => "proxy",
            };
            transcript.Append(arrow).Append(' ').Append(p.Forwarded ? "" : "[not forwarded] ").AppendLine(WireComparison.Decode(p.Packet));
        }
        if (proxy.AbortReason is { } reason)
            transcript.AppendLine($"proxy aborted: {reason}");
        await File.WriteAllTextAsync(transcriptFile, transcript.ToString());
        return status;
    }
}

// Connects once and says how it went, for tests that need PahoSharp in a process of its own:
//   PahoSharp.Probe connect URI CONNECT_TIMEOUT_SECONDS
// Prints "connected" or "failed: MESSAGE", then "elapsed-ms: N"; exit status 0, 1 (failed) or 2 (usage).
using System.Diagnostics;
using System.Globalization;
using PahoSharp;

if (args is not ["connect", var uri, var seconds] || !int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out int timeout))
{
    Console.Error.WriteLine("usage: PahoSharp.Probe connect URI CONNECT_TIMEOUT_SECONDS");
    return 2;
}

var elapsed = Stopwatch.StartNew();
int status;
try
{
    using var client = new MqttClient(uri, "pahosharp-probe");
    client.Connect(new ConnectOptions { ConnectTimeout = TimeSpan.FromSeconds(timeout) });
    Console.WriteLine("connected");
    client.Disconnect(TimeSpan.FromSeconds(1));
    status = 0;
}
catch (MqttException e)
{
    Console.WriteLine($"failed: {e.Message}");
    status = 1;
}
Console.WriteLine($"elapsed-ms: {elapsed.ElapsedMilliseconds}");
return status;

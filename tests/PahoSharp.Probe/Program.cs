// One-shot clients for tests that need PahoSharp in a process of its own (a resolver sandbox, a
// process killed with SIGKILL):
//   PahoSharp.Probe connect URI CONNECT_TIMEOUT_SECONDS
//       connects once (MqttClient); prints "connected" or "failed: MESSAGE", then "elapsed-ms: N"
//   PahoSharp.Probe async-publish URI CLIENT_ID STORE COUNT
//       connects (MqttAsyncClient, persistent session, STORE), prints "connected", waits for a line on
//       standard input, publishes COUNT QoS 1 messages (payloads "0".."COUNT-1") without waiting for
//       them, prints "published", then waits to be killed
//   PahoSharp.Probe async-resume URI CLIENT_ID STORE CONNECT_URI
//       is created the same way (paho keys its store by client identifier and the URI of creation,
//       and restores what it kept), connects to CONNECT_URI, prints "connected", then waits to be killed
//   PahoSharp.Probe consume-shared URI CLIENT_ID GROUP FILTER
//       connects (MqttAsyncClient, MQTT 5), subscribes to $share/GROUP/FILTER at QoS 1, prints
//       "subscribed", then prints the payload of every message it receives, one a line, until killed
//   PahoSharp.Probe async-connect URI
//       connects (MqttAsyncClient) and disconnects; prints "connected" and nothing else
//   PahoSharp.Probe paho-version
//       loads paho's libraries as any application would (the resolver, its version handshake); prints
//       "loaded VERSION from PATH", or "refused: EXCEPTION-TYPE: MESSAGE" and exits 1
// STORE is file:DIRECTORY (paho's file store), sqlite:PATH (PahoSharp.Persistence.Sqlite) or none.
// Exit status 0, 1 (failed) or 2 (usage).
using System.Diagnostics;
using System.Globalization;
using PahoSharp;
using PahoSharp.Persistence.Sqlite;

switch (args)
{
    case ["connect", var uri, var seconds] when int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out int timeout):
        return Connect(uri, timeout);
    case ["async-publish", var uri, var clientId, var store, var count] when int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out int messages):
        return await AsyncPublishAsync(uri, clientId, store, messages, null, 1000);
    case ["async-publish", var uri, var clientId, var store, var count, var window]
        when int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out int messages) && int.TryParse(window, NumberStyles.None, CultureInfo.InvariantCulture, out int maxInflight):
        return await AsyncPublishAsync(uri, clientId, store, messages, null, maxInflight);
    case ["async-resume", var uri, var clientId, var store, var connectUri]:
        return await AsyncPublishAsync(uri, clientId, store, 0, connectUri, 1000);
    case ["consume-shared", var uri, var clientId, var group, var filter]:
        return await ConsumeSharedAsync(uri, clientId, group, filter);
    case ["async-connect", var uri]:
        return await AsyncConnectAsync(uri);
    case ["paho-version"]:
        return PahoVersion();
    default:
        Console.Error.WriteLine("usage: PahoSharp.Probe async-connect URI | paho-version | connect URI SECONDS | async-publish URI CLIENT_ID STORE COUNT [MAX_INFLIGHT] | async-resume URI CLIENT_ID STORE CONNECT_URI | consume-shared URI CLIENT_ID GROUP FILTER");
        return 2;
}

static async Task<int> AsyncConnectAsync(string uri)
{
    using var client = new MqttAsyncClient(uri, "pahosharp-probe-async");
    await client.ConnectAsync(new ConnectOptions());
    Console.WriteLine("connected");
    await client.DisconnectAsync(TimeSpan.FromSeconds(5));
    return 0;
}

static int PahoVersion()
{
    try
    {
        string version = MqttClient.PahoVersion;
        Console.WriteLine($"loaded {version} from {PahoSharp.Native.PahoLibraryResolver.LoadedPath("paho-mqtt3cs")}");
        return 0;
    }
    catch (DllNotFoundException e)
    {
        Console.WriteLine($"refused: {e.GetType().Name}: {e.Message}");
        return 1;
    }
}

static int Connect(string uri, int timeout)
{
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
}

static async Task<int> AsyncPublishAsync(string uri, string clientId, string store, int count, string? connectUri, int maxInflight)
{
    ClientPersistence persistence = store switch
    {
        _ when store.StartsWith("file:", StringComparison.Ordinal) => ClientPersistence.InDirectory(store["file:".Length..]),
        _ when store.StartsWith("sqlite:", StringComparison.Ordinal) => ClientPersistence.Custom(new SqlitePersistence(store["sqlite:".Length..])),
        "none" => ClientPersistence.None,
        _ => throw new ArgumentException($"Unknown store \"{store}\": file:DIRECTORY or sqlite:PATH.", nameof(store)),
    };
    using var client = new MqttAsyncClient(new MqttClientOptions { ServerUri = uri, ClientId = clientId, Persistence = persistence });
    try
    {
        var options = new ConnectOptions { CleanSession = false, MaxInflight = maxInflight };
        if (connectUri is not null)
            options.ServerUris.Add(connectUri);
        await client.ConnectAsync(options);
    }
    catch (MqttException e)
    {
        Console.WriteLine($"failed: {e.Message}");
        return 1;
    }
    Console.WriteLine("connected");
    if (count > 0)
    {
        _ = Console.ReadLine();
        for (int i = 0; i < count; i++)
            _ = client.PublishAsync("probe/persisted", i.ToString(CultureInfo.InvariantCulture), MqttQos.AtLeastOnce);
        Console.WriteLine("published");
    }
    await Task.Delay(Timeout.Infinite);
    return 0;
}

static async Task<int> ConsumeSharedAsync(string uri, string clientId, string group, string filter)
{
    using var client = new MqttAsyncClient(new MqttClientOptions { ServerUri = uri, ClientId = clientId, Version = MqttVersion.V5 });
    var output = new object();
    client.MessageReceived += (_, e) =>
    {
        lock (output)
            Console.WriteLine(e.Message.PayloadText);
    };
    try
    {
        await client.ConnectAsync(new ConnectOptions());
        await client.SubscribeAsync(new MqttSubscription($"$share/{group}/{filter}", MqttQos.AtLeastOnce));
    }
    catch (MqttException e)
    {
        Console.WriteLine($"failed: {e.Message}");
        return 1;
    }
    lock (output)
        Console.WriteLine("subscribed");
    await Task.Delay(Timeout.Infinite);
    return 0;
}

namespace PahoSharp.Tests.Packaging;

/// <summary>
/// The small application that each <see cref="DeploymentShape"/> deploys: all four packages, used for
/// one round trip against a broker, printing what the test checks.
/// </summary>
/// <remarks>
/// Its arguments are the broker's URI and a client identifier. It binds and validates options with
/// PahoSharp.Extensions.Hosting (the will among them: the binder must construct
/// <c>MqttWillSettings</c>), takes the <c>MqttAsyncClient</c> that AddMqttClient registers, connects,
/// subscribes, publishes at QoS 1 and receives its own message; then publishes through a client with
/// SQLite persistence (PahoSharp.Persistence.Sqlite). It prints <c>received:</c>, <c>sqlite:</c>,
/// <c>describe:</c> (paho's text for a failure), <c>loaded:</c> (PahoLibraryResolver.LoadedPath of
/// paho-mqtt3as, or "(linked in)"), <c>version:</c> (what paho reports) and a <c>mapped:</c> line for
/// each paho file in the process's memory map. Any failure is an unhandled exception: a non-zero exit.
/// </remarks>
internal static class DeploymentProbe
{
    public const string LinkedIn = "(linked in)";

    /// <summary>Writes the project <paramref name="name"/> into <paramref name="directory"/>.</summary>
    public static async Task WriteAsync(string directory, string name, string properties, string restorePackagesPath, string version)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <AllowUnsafeBlocks>true</AllowUnsafeBlocks>
                <!-- A trimming or AOT warning from any package fails the publish. -->
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <RestorePackagesPath>{restorePackagesPath}</RestorePackagesPath>
                {properties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="PahoSharp.Extensions.Hosting" Version="{version}" />
                <PackageReference Include="PahoSharp.Persistence.Sqlite" Version="{version}" />
                <PackageReference Include="Microsoft.Extensions.Configuration" Version="11.0.0" />
                <PackageReference Include="Microsoft.Extensions.DependencyInjection" Version="11.0.0" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(directory, "Program.cs"), Source);
    }

    private const string Source = """
        using System.Runtime.InteropServices;
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Options;
        using PahoSharp;
        using PahoSharp.Extensions.Hosting;
        using PahoSharp.Native;
        using PahoSharp.Persistence.Sqlite;

        string server = args[0];
        string clientId = args[1];
        string topic = $"deployment/{clientId}";
        TimeSpan timeout = TimeSpan.FromSeconds(10);

        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mqtt:ServerUri"] = server,
            ["Mqtt:ClientId"] = clientId,
            ["Mqtt:KeepAlive"] = "00:00:20",
            ["Mqtt:Will:Topic"] = topic + "/will",
            ["Mqtt:Will:Payload"] = "gone",
        }).Build();
        await using (ServiceProvider services = new ServiceCollection().AddMqttClient(configuration.GetSection("Mqtt")).BuildServiceProvider())
        {
            MqttClientServiceOptions options = services.GetRequiredService<IOptions<MqttClientServiceOptions>>().Value;
            MqttAsyncClient client = services.GetRequiredService<MqttAsyncClient>();
            var received = new TaskCompletionSource<MqttMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            client.MessageReceived += (_, e) => received.TrySetResult(e.Message);
            await client.ConnectAsync(new ConnectOptions { KeepAlive = options.KeepAlive, Will = new WillOptions(options.Will!.Topic, options.Will.Payload) }).WaitAsync(timeout);
            await client.SubscribeAsync(topic, MqttQos.AtLeastOnce).WaitAsync(timeout);
            await client.PublishAsync(topic, "round trip", MqttQos.AtLeastOnce).AsTask().WaitAsync(timeout);
            MqttMessage message = await received.Task.WaitAsync(timeout);
            Console.WriteLine($"received: {message.Topic} \"{message.PayloadText}\" QoS {(int)message.Qos}");
            await client.DisconnectAsync(timeout).WaitAsync(timeout);
        }

        string database = Path.Combine(Path.GetTempPath(), $"{clientId}-{Environment.ProcessId}.db");
        using (var store = new SqlitePersistence(database))
        using (var persisted = new MqttAsyncClient(new MqttClientOptions { ServerUri = server, ClientId = clientId + "-sqlite", Persistence = ClientPersistence.Custom(store) }))
        {
            await persisted.ConnectAsync(new ConnectOptions()).WaitAsync(timeout);
            await persisted.PublishAsync(topic + "/sqlite", "persisted", MqttQos.AtLeastOnce).AsTask().WaitAsync(timeout);
            await persisted.DisconnectAsync(timeout).WaitAsync(timeout);
            Console.WriteLine("sqlite: published");
        }
        File.Delete(database);

        // The words MqttAsyncClient's failures carry: paho's, from whichever paho the application has.
        Console.WriteLine($"describe: {MqttException.Describe(MqttReturnCode.Failure)}");
        Console.WriteLine($"loaded: {PahoLibraryResolver.LoadedPath("paho-mqtt3as") ?? "(linked in)"}");
        Console.WriteLine($"version: {PahoVersion()}");
        foreach (string path in File.ReadLines("/proc/self/maps").Where(l => l.Contains("libpaho", StringComparison.Ordinal)).Select(l => l[l.IndexOf('/')..]).Distinct())
            Console.WriteLine($"mapped: {path}");
        return 0;

        // MQTTAsync_getVersionInfo through the bindings: the same call whether paho is loaded or linked in.
        static unsafe string PahoVersion()
        {
            for (MQTTAsync_nameValue* entry = MQTTAsyncApi.MQTTAsync_getVersionInfo(); entry->name != null; entry++)
            {
                if (Marshal.PtrToStringUTF8((nint)entry->name) == "Version")
                    return Marshal.PtrToStringUTF8((nint)entry->value) ?? "";
            }
            return "";
        }
        """;
}

// The seed's MQTT "last will" program (a C sample over paho.mqtt.c), ported to C# over PahoSharp:
// the same constants, the same steps in the same order, the same printed lines, the same exit
// statuses (255 where the C returns -1). native/samples/last_will.c is its C reference.
using PahoSharp;
using PahoSharp.Samples.LastWill;

const string ADDRESS = "tcp://127.0.0.1:1883";
const string CLIENTID = "mqtt_test_client";
const string TOPIC = "MQTT Examples";
const string PAYLOAD = "Hello World!";
const MqttQos QOS = MqttQos.AtLeastOnce;
TimeSpan TIMEOUT = TimeSpan.FromMilliseconds(10000);
const int KEEPALIVE = 20;

const string LAST_WILL_TOPIC = "Iamdie";
const string LAST_WILL_MSG = "I am really die.";

const int ExitFailure = 255; // the C `return -1`
const int ExitUsage = 2;

Arguments? arguments = Arguments.Parse(args, ADDRESS, KEEPALIVE);
if (arguments is null)
{
    Console.Error.WriteLine(Arguments.Usage);
    return ExitUsage;
}

MqttClient client;
try
{
    // The seed's connect options ask for paho's default version (3.1.1, then 3.1 after a failure), which
    // PahoSharp's clients no longer speak unless asked: asked here, so the port behaves as the seed does.
    client = new MqttClient(arguments.Address, CLIENTID, ClientPersistence.None, MqttVersion.Default);
}
catch (MqttException e)
{
    Console.WriteLine($"Failed to create client, return code {e.NativeCode}");
    return ExitFailure;
}

// The seed keeps the will initializer's retained = 0 and qos = 0.
var connOpts = new ConnectOptions
{
    KeepAlive = TimeSpan.FromSeconds(arguments.KeepAliveSeconds),
    CleanSession = true,
    Will = new WillOptions(LAST_WILL_TOPIC, LAST_WILL_MSG),
};

try
{
    client.Connect(connOpts);
}
catch (MqttException e)
{
    // Like the C original, which returns here without MQTTClient_destroy.
    Console.WriteLine($"Failed connect to broker, return code {e.NativeCode}");
    return ExitFailure;
}

DeliveryToken token;
try
{
    token = client.Publish(TOPIC, PAYLOAD, QOS, retained: false);
}
catch (MqttException e)
{
    Console.WriteLine($"Failed to publish message, return code {e.NativeCode}");
    return ExitFailure;
}

// The seed stores the result and never checks it.
try
{
    client.WaitForCompletion(token, TIMEOUT);
}
catch (MqttException)
{
}

// The seed's way to test the will: no DISCONNECT, destroy directly.
if (!arguments.SkipDisconnect)
{
    try
    {
        client.Disconnect(TimeSpan.FromMilliseconds(10000));
    }
    catch (MqttException e)
    {
        Console.WriteLine($"Failed to disconnect, return code {e.NativeCode}");
    }
}

client.Dispose();
return 0;

using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;

using MQTTnet;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Testing.MqttNet;

/// <summary>
/// An in-process MQTTnet 5.2 broker on a free port of 127.0.0.1, for the MQTT 5 answers that Mosquitto
/// cannot be made to give: a chosen reason code in the PUBACK or PUBREC of a publish, in the SUBACK of
/// a topic filter or in the UNSUBACK, and a DISCONNECT from the broker with a reason code and string.
/// It records what it received (connections, publishes, subscriptions, every packet after CONNECT), and
/// lets a test wait for those records, each wait bounded. Answers are chosen by rules that a test adds
/// at any time; the rule added last wins. Without a rule the broker answers as MQTTnet does (note:
/// MQTTnet answers a QoS 1 or 2 publish that no subscription matches with 0x10 No matching subscribers).
/// MQTT 3.1.1 clients get the same decisions without reason codes: a refused subscription is 0x80, a
/// refused publish is acknowledged normally but not delivered, and a DISCONNECT is a closed connection.
/// </summary>
public sealed class MqttNetBroker : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private const int StartAttempts = 5;

    private readonly object gate = new();
    private readonly StringBuilder log = new();
    private readonly List<Rule<MqttPubAckReasonCode>> publishRules = [];
    private readonly List<Rule<MqttSubscribeReasonCode>> subscribeRules = [];
    private readonly List<Rule<MqttUnsubscribeReasonCode>> unsubscribeRules = [];
    private readonly List<BrokerConnection> connections = [];
    private readonly List<BrokerDisconnection> disconnections = [];
    private readonly List<BrokerPublish> publishes = [];
    private readonly List<BrokerSubscription> subscriptions = [];
    private readonly List<BrokerUnsubscription> unsubscriptions = [];
    private readonly List<BrokerPacket> packets = [];
    private readonly MqttNetEventLogger logger = new("pahosharp-test-broker");

    // Completed and replaced on every new record: what the waits await instead of polling.
    private TaskCompletionSource changed = NewSignal();
    private MqttServer? server;
    private bool disposed;

    private MqttNetBroker()
    {
        // MQTTnet's own warnings and errors (an interceptor that threw, a broken packet) belong in the log.
        logger.LogMessagePublished += (_, e) =>
        {
            if (e.LogMessage.Level >= MqttNetLogLevel.Warning)
                AppendLog($"mqttnet {e.LogMessage.Level}: {e.LogMessage.Source}: {e.LogMessage.Message}{(e.LogMessage.Exception is { } x ? $" ({x.GetType().Name}: {x.Message})" : "")}");
        };
    }

    /// <summary>The port the broker listens on (127.0.0.1 only).</summary>
    public int Port { get; private set; }

    /// <summary>The URI paho takes for this broker.</summary>
    public string Address => $"tcp://127.0.0.1:{Port}";

    /// <summary>Every record so far as readable lines, for a failing test's output.</summary>
    public string Log
    {
        get
        {
            lock (gate)
                return log.ToString();
        }
    }

    /// <summary>
    /// Every accepted connection, in order. MQTTnet records a connection just after it sent the CONNACK,
    /// so a client may be connected before its record exists: wait with <see cref="WaitForConnectionAsync"/>.
    /// </summary>
    public IReadOnlyList<BrokerConnection> Connections => Snapshot(connections);

    /// <summary>The client ids of <see cref="Connections"/>, in order (a reconnecting client appears again).</summary>
    public IReadOnlyList<string> ConnectedClientIds => [.. Connections.Select(c => c.ClientId)];

    /// <summary>Every ended connection, in order.</summary>
    public IReadOnlyList<BrokerDisconnection> Disconnections => Snapshot(disconnections);

    /// <summary>Every PUBLISH packet clients sent, in order (wills are not PUBLISH packets and are not here).</summary>
    public IReadOnlyList<BrokerPublish> Publishes => Snapshot(publishes);

    /// <summary>Every topic filter clients subscribed to, with the broker's answer.</summary>
    public IReadOnlyList<BrokerSubscription> Subscriptions => Snapshot(subscriptions);

    /// <summary>Every topic filter clients unsubscribed from, with the broker's answer.</summary>
    public IReadOnlyList<BrokerUnsubscription> Unsubscriptions => Snapshot(unsubscriptions);

    /// <summary>Every packet after CONNECT in both directions (CONNACK included), in the order the broker handled them.</summary>
    public IReadOnlyList<BrokerPacket> Packets => Snapshot(packets);

    /// <summary>Starts a broker on a free loopback port and returns once it listens.</summary>
    public static async Task<MqttNetBroker> StartAsync()
    {
        var broker = new MqttNetBroker();
        for (int attempt = 1; ; attempt++)
        {
            int port = MosquittoBroker.FreeLoopbackPort();
            MqttServer candidate = broker.CreateServer(port);
            try
            {
                await candidate.StartAsync();
                broker.server = candidate;
                broker.Port = port;
                broker.AppendLog($"MQTTnet broker listening on 127.0.0.1:{port}");
                return broker;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse && attempt < StartAttempts)
            {
                // Another program took the free port between our probe and the bind: take another.
                candidate.Dispose();
            }
            catch
            {
                candidate.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// Answers every QoS 1 PUBLISH whose topic matches <paramref name="topicFilter"/> (MQTT wildcards
    /// allowed) with a PUBACK, and every such QoS 2 PUBLISH with a PUBREC, of <paramref name="reasonCode"/>.
    /// A code of 0x80 or more refuses the message: it reaches no subscriber. A success code (0x00, or
    /// 0x10 No matching subscribers) delivers it as usual and answers that code.
    /// </summary>
    public void AnswerPublishes(string topicFilter, MqttPubAckReasonCode reasonCode, string? reasonString = null) =>
        AnswerPublishes(TopicMatcher(topicFilter), reasonCode, reasonString, $"topic filter \"{topicFilter}\"");

    /// <summary>As <see cref="AnswerPublishes(string, MqttPubAckReasonCode, string?)"/>, for the topics that <paramref name="topicMatches"/> accepts.</summary>
    public void AnswerPublishes(Func<string, bool> topicMatches, MqttPubAckReasonCode reasonCode, string? reasonString = null) =>
        AnswerPublishes(topicMatches, reasonCode, reasonString, "a topic predicate");

    /// <summary>
    /// Refuses every QoS 1 or 2 PUBLISH whose topic matches <paramref name="topicFilter"/>: PUBACK or PUBREC
    /// with <paramref name="reasonCode"/>, which must be an error (0x80 or more: 0x80 Unspecified error,
    /// 0x87 Not authorized, 0x97 Quota exceeded, ...); the message reaches no subscriber. QoS 0 publishes
    /// on the topic are dropped.
    /// </summary>
    public void RefusePublishes(string topicFilter, MqttPubAckReasonCode reasonCode, string? reasonString = null)
    {
        RequireError((int)reasonCode, nameof(reasonCode));
        AnswerPublishes(topicFilter, reasonCode, reasonString);
    }

    /// <summary>As <see cref="RefusePublishes(string, MqttPubAckReasonCode, string?)"/>, for the topics that <paramref name="topicMatches"/> accepts.</summary>
    public void RefusePublishes(Func<string, bool> topicMatches, MqttPubAckReasonCode reasonCode, string? reasonString = null)
    {
        RequireError((int)reasonCode, nameof(reasonCode));
        AnswerPublishes(topicMatches, reasonCode, reasonString);
    }

    /// <summary>
    /// Answers a SUBSCRIBE to exactly <paramref name="topicFilter"/> (compared as a string, not matched)
    /// with <paramref name="reasonCode"/> in the SUBACK: a refusal (0x80 or more: nothing is subscribed),
    /// or a granted QoS, possibly lower than asked (the subscription is then made at that QoS). A
    /// <paramref name="reasonString"/> goes in the SUBACK's properties (one per SUBACK: MQTT 5 has no
    /// reason string per filter, so with several filters the last rule that matched gives it).
    /// </summary>
    public void AnswerSubscriptions(string topicFilter, MqttSubscribeReasonCode reasonCode, string? reasonString = null) =>
        AddRule(subscribeRules, new Rule<MqttSubscribeReasonCode>(f => f == topicFilter, reasonCode, reasonString, $"topic filter \"{topicFilter}\""));

    /// <summary>As <see cref="AnswerSubscriptions(string, MqttSubscribeReasonCode, string?)"/>, for the filters that <paramref name="filterMatches"/> accepts.</summary>
    public void AnswerSubscriptions(Func<string, bool> filterMatches, MqttSubscribeReasonCode reasonCode, string? reasonString = null) =>
        AddRule(subscribeRules, new Rule<MqttSubscribeReasonCode>(filterMatches, reasonCode, reasonString, "a filter predicate"));

    /// <summary>
    /// Answers an UNSUBSCRIBE from exactly <paramref name="topicFilter"/> with <paramref name="reasonCode"/> in
    /// the UNSUBACK. Any code but 0x00 Success leaves an existing subscription in place (MQTTnet removes
    /// a subscription only on success), so 0x11 No subscription existed is answered but a subscription
    /// that did exist stays.
    /// </summary>
    public void AnswerUnsubscriptions(string topicFilter, MqttUnsubscribeReasonCode reasonCode) =>
        AddRule(unsubscribeRules, new Rule<MqttUnsubscribeReasonCode>(f => f == topicFilter, reasonCode, null, $"topic filter \"{topicFilter}\""));

    /// <summary>As <see cref="AnswerUnsubscriptions(string, MqttUnsubscribeReasonCode)"/>, for the filters that <paramref name="filterMatches"/> accepts.</summary>
    public void AnswerUnsubscriptions(Func<string, bool> filterMatches, MqttUnsubscribeReasonCode reasonCode) =>
        AddRule(unsubscribeRules, new Rule<MqttUnsubscribeReasonCode>(filterMatches, reasonCode, null, "a filter predicate"));

    /// <summary>Removes every rule: the broker answers as MQTTnet does again.</summary>
    public void ClearAnswers()
    {
        lock (gate)
        {
            publishRules.Clear();
            subscribeRules.Clear();
            unsubscribeRules.Clear();
        }
        AppendLog("all answer rules cleared");
    }

    /// <summary>
    /// Ends a connected client's connection from the broker's side. An MQTT 5 client first gets a
    /// DISCONNECT with <paramref name="reasonCode"/> and <paramref name="reasonString"/> (MQTTnet sends
    /// none for 0x00 Normal disconnection without a reason string); an MQTT 3.1.1 client's connection is closed.
    /// </summary>
    /// <exception cref="InvalidOperationException">No client with that id is connected.</exception>
    public async Task DisconnectClientAsync(string clientId, MqttDisconnectReasonCode reasonCode, string? reasonString = null)
    {
        MqttServer running = Server;
        IList<MqttClientStatus> clients = await running.GetClientsAsync();
        if (!clients.Any(c => c.Id == clientId))
            throw new InvalidOperationException($"No client \"{clientId}\" is connected to the MQTTnet broker.\n--- broker log ---\n{Log}");
        AppendLog($"disconnecting \"{clientId}\" with reason 0x{(int)reasonCode:X2} {reasonCode}{(reasonString is null ? "" : $" \"{reasonString}\"")}");
        await running.DisconnectClientAsync(clientId, new MqttServerClientDisconnectOptions { ReasonCode = reasonCode, ReasonString = reasonString })
            .WaitAsync(StopTimeout);
    }

    /// <summary>Waits until a client with <paramref name="clientId"/> has connected (it may have connected already).</summary>
    public Task<BrokerConnection> WaitForConnectionAsync(string clientId, TimeSpan timeout) =>
        WaitForAsync(() => FirstOrNull(connections, c => c.ClientId == clientId), timeout, $"a connection of \"{clientId}\"");

    /// <summary>Waits until a connection of <paramref name="clientId"/> has ended (it may have ended already).</summary>
    public Task<BrokerDisconnection> WaitForDisconnectionAsync(string clientId, TimeSpan timeout) =>
        WaitForAsync(() => FirstOrNull(disconnections, d => d.ClientId == clientId), timeout, $"the end of a connection of \"{clientId}\"");

    /// <summary>Waits for the first received PUBLISH that <paramref name="match"/> accepts (it may have arrived already).</summary>
    public Task<BrokerPublish> WaitForPublishAsync(Func<BrokerPublish, bool> match, TimeSpan timeout) =>
        WaitForAsync(() => FirstOrNull(publishes, match), timeout, "a matching PUBLISH");

    /// <summary>Waits until at least <paramref name="count"/> PUBLISH packets have arrived; returns all of them.</summary>
    public Task<IReadOnlyList<BrokerPublish>> WaitForPublishesAsync(int count, TimeSpan timeout) =>
        WaitForAsync(() =>
        {
            lock (gate)
                return publishes.Count >= count ? (IReadOnlyList<BrokerPublish>)[.. publishes] : null;
        }, timeout, $"{count} PUBLISH packets");

    public async ValueTask DisposeAsync()
    {
        MqttServer? running;
        lock (gate)
        {
            if (disposed)
                return;
            disposed = true;
            running = server;
        }
        if (running is null)
            return;
        try
        {
            await running.StopAsync(new MqttServerStopOptions()).WaitAsync(StopTimeout);
        }
        catch (Exception e) when (e is TimeoutException or ObjectDisposedException or InvalidOperationException)
        {
            // Stopping is best effort; Dispose below closes the listener whatever happened.
        }
        running.Dispose();
    }

    private MqttServer Server => server ?? throw new InvalidOperationException("The broker is not started.");

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static void RequireError(int reasonCode, string parameterName)
    {
        if (reasonCode < 0x80)
            throw new ArgumentOutOfRangeException(parameterName, $"0x{reasonCode:X2} is a success code; refusing needs 0x80 or more (use AnswerPublishes for a success code).");
    }

    private static Func<string, bool> TopicMatcher(string topicFilter) =>
        topic => MqttTopicFilterComparer.Compare(topic, topicFilter) == MqttTopicFilterCompareResult.IsMatch;

    private MqttServer CreateServer(int port)
    {
        MqttServerOptions options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            // MQTTnet listens on IPv6 "any" too unless told not to: loopback IPv4 only.
            .WithDefaultEndpointBoundIPV6Address(IPAddress.None)
            .WithDefaultEndpointPort(port)
            .Build();
        MqttServer created = new MqttServerFactory().CreateMqttServer(options, logger);
        created.ClientConnectedAsync += OnClientConnectedAsync;
        created.ClientDisconnectedAsync += OnClientDisconnectedAsync;
        created.InterceptingInboundPacketAsync += e => OnPacketAsync(e, fromClient: true);
        created.InterceptingOutboundPacketAsync += e => OnPacketAsync(e, fromClient: false);
        created.InterceptingPublishAsync += OnPublishAsync;
        created.InterceptingSubscriptionAsync += OnSubscriptionAsync;
        created.InterceptingUnsubscriptionAsync += OnUnsubscriptionAsync;
        return created;
    }

    private void AnswerPublishes(Func<string, bool> topicMatches, MqttPubAckReasonCode reasonCode, string? reasonString, string description) =>
        AddRule(publishRules, new Rule<MqttPubAckReasonCode>(topicMatches, reasonCode, reasonString, description));

    private void AddRule<TCode>(List<Rule<TCode>> rules, Rule<TCode> rule) where TCode : struct, Enum
    {
        lock (gate)
            rules.Add(rule);
        AppendLog($"rule: {typeof(TCode).Name} 0x{Convert.ToInt32(rule.ReasonCode):X2} {rule.ReasonCode} for {rule.Description}");
    }

    private Rule<TCode>? FindRule<TCode>(List<Rule<TCode>> rules, string topic) where TCode : struct, Enum
    {
        lock (gate)
        {
            for (int i = rules.Count - 1; i >= 0; i--)
            {
                if (rules[i].Matches(topic))
                    return rules[i];
            }
        }
        return null;
    }

    private Task OnClientConnectedAsync(ClientConnectedEventArgs e)
    {
        Add(connections, new BrokerConnection(e.ClientId, e.ProtocolVersion, DateTime.UtcNow));
        return Task.CompletedTask;
    }

    private Task OnClientDisconnectedAsync(ClientDisconnectedEventArgs e)
    {
        Add(disconnections, new BrokerDisconnection(e.ClientId, e.DisconnectType, e.ReasonCode, DateTime.UtcNow));
        return Task.CompletedTask;
    }

    private Task OnPacketAsync(InterceptingPacketEventArgs e, bool fromClient)
    {
        DateTime now = DateTime.UtcNow;
        MQTTnet.Packets.MqttPacket packet = e.Packet;
        if (fromClient && packet is MqttPublishPacket publish)
        {
            // The payload may live in a buffer MQTTnet reuses: copy it now.
            Add(publishes, new BrokerPublish(e.ClientId, publish.Topic, publish.Payload.ToArray(), (int)publish.QualityOfServiceLevel,
                publish.Retain, publish.Dup, publish.PacketIdentifier, now));
        }
        Add(packets, Describe(e.ClientId, fromClient, packet, now));
        return Task.CompletedTask;
    }

    private Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        if (FindRule(publishRules, e.ApplicationMessage.Topic) is not { } rule)
            return Task.CompletedTask;
        e.Response.ReasonCode = rule.ReasonCode;
        e.Response.ReasonString = rule.ReasonString;
        // MQTTnet sends the reason code whatever happens; only the delivery depends on ProcessPublish.
        e.ProcessPublish = (int)rule.ReasonCode < 0x80;
        AppendLog($"PUBLISH from \"{e.ClientId}\" on \"{e.ApplicationMessage.Topic}\": answering 0x{(int)rule.ReasonCode:X2} {rule.ReasonCode}{(e.ProcessPublish ? "" : ", not delivered")}");
        return Task.CompletedTask;
    }

    private Task OnSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        if (FindRule(subscribeRules, e.TopicFilter.Topic) is { } rule)
        {
            e.Response.ReasonCode = rule.ReasonCode;
            if (rule.ReasonString is not null)
                e.ReasonString = rule.ReasonString;
        }
        Add(subscriptions, new BrokerSubscription(e.ClientId, e.TopicFilter.Topic, (int)e.TopicFilter.QualityOfServiceLevel, e.Response.ReasonCode, DateTime.UtcNow));
        return Task.CompletedTask;
    }

    private Task OnUnsubscriptionAsync(InterceptingUnsubscriptionEventArgs e)
    {
        if (FindRule(unsubscribeRules, e.Topic) is { } rule)
            e.Response.ReasonCode = rule.ReasonCode;
        Add(unsubscriptions, new BrokerUnsubscription(e.ClientId, e.Topic, e.Response.ReasonCode, DateTime.UtcNow));
        return Task.CompletedTask;
    }

    private static BrokerPacket Describe(string clientId, bool fromClient, MQTTnet.Packets.MqttPacket packet, DateTime now)
    {
        (MqttPacketType type, ushort? id, int? reason) = packet switch
        {
            MqttConnAckPacket p => (MqttPacketType.ConnAck, (ushort?)null, (int?)p.ReasonCode),
            MqttPublishPacket p => (MqttPacketType.Publish, p.QualityOfServiceLevel > 0 ? p.PacketIdentifier : null, null),
            MqttPubAckPacket p => (MqttPacketType.PubAck, p.PacketIdentifier, (int)p.ReasonCode),
            MqttPubRecPacket p => (MqttPacketType.PubRec, p.PacketIdentifier, (int)p.ReasonCode),
            MqttPubRelPacket p => (MqttPacketType.PubRel, p.PacketIdentifier, (int)p.ReasonCode),
            MqttPubCompPacket p => (MqttPacketType.PubComp, p.PacketIdentifier, (int)p.ReasonCode),
            MqttSubscribePacket p => (MqttPacketType.Subscribe, p.PacketIdentifier, null),
            MqttSubAckPacket p => (MqttPacketType.SubAck, p.PacketIdentifier, p.ReasonCodes is { Count: > 0 } codes ? (int)codes[0] : null),
            MqttUnsubscribePacket p => (MqttPacketType.Unsubscribe, p.PacketIdentifier, null),
            MqttUnsubAckPacket p => (MqttPacketType.UnsubAck, p.PacketIdentifier, p.ReasonCodes is { Count: > 0 } codes ? (int)codes[0] : null),
            MqttPingReqPacket => (MqttPacketType.PingReq, null, null),
            MqttPingRespPacket => (MqttPacketType.PingResp, null, null),
            MqttDisconnectPacket p => (MqttPacketType.Disconnect, null, (int)p.ReasonCode),
            MqttAuthPacket p => (MqttPacketType.Auth, null, (int)p.ReasonCode),
            MqttConnectPacket => (MqttPacketType.Connect, null, null),
            _ => throw new InvalidOperationException($"Unknown MQTTnet packet {packet.GetType().Name}."),
        };
        return new BrokerPacket(now, clientId, fromClient, type, id, reason, packet.ToString() ?? type.ToString());
    }

    private IReadOnlyList<T> Snapshot<T>(List<T> list)
    {
        lock (gate)
            return [.. list];
    }

    private T? FirstOrNull<T>(List<T> list, Func<T, bool> match) where T : class
    {
        lock (gate)
            return list.FirstOrDefault(match);
    }

    private void Add<T>(List<T> list, T record) where T : notnull
    {
        TaskCompletionSource signal;
        lock (gate)
        {
            list.Add(record);
            log.Append(record).Append('\n');
            signal = changed;
            changed = NewSignal();
        }
        signal.TrySetResult();
    }

    private void AppendLog(string line)
    {
        lock (gate)
            log.Append($"{DateTime.UtcNow:HH:mm:ss.fff} {line}\n");
    }

    private async Task<T> WaitForAsync<T>(Func<T?> probe, TimeSpan timeout, string what) where T : class
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task next;
            lock (gate)
                next = changed.Task;
            // Probe after taking the signal: a record added in between completes the signal we hold.
            if (probe() is { } found)
                return found;
            try
            {
                await next.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The MQTTnet broker saw no {what} within {timeout.TotalSeconds} s.\n--- broker log ---\n{Log}");
            }
        }
    }

    /// <summary>An answer rule: which topics or filters, and what to answer.</summary>
    private sealed record Rule<TCode>(Func<string, bool> Matches, TCode ReasonCode, string? ReasonString, string Description) where TCode : struct, Enum;
}

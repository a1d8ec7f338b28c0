using NUnit.Framework;
using NUnit.Framework.Interfaces;

using PahoSharp.Testing;

namespace PahoSharp.Tests.Infrastructure;

/// <summary>
/// Base of tests that need a broker: each test gets its own Mosquitto on a free loopback port, and a
/// failing test prints that broker's log.
/// </summary>
public abstract class BrokerTest
{
    private MosquittoBroker? broker;

    protected MosquittoBroker Broker => broker ?? throw new InvalidOperationException("The broker starts in SetUp.");

    /// <summary>Whether the broker accepts clients without credentials.</summary>
    protected virtual bool AllowAnonymous => true;

    [SetUp]
    public async Task StartBrokerAsync() => broker = await MosquittoBroker.StartAsync(AllowAnonymous);

    [TearDown]
    public async Task StopBrokerAsync()
    {
        if (broker is null)
            return;
        if (TestContext.CurrentContext.Result.Outcome.Status == TestStatus.Failed)
            await TestContext.Out.WriteLineAsync($"--- mosquitto log (127.0.0.1:{broker.Port}) ---\n{broker.Log}");
        await broker.DisposeAsync();
        broker = null;
    }
}

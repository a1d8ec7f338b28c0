using NUnit.Framework;

namespace PahoSharp.Tests.Infrastructure;

/// <summary>Waiting for a condition that no event announces (a counter reaching a value), bounded.</summary>
public static class Until
{
    /// <summary>Returns once <paramref name="condition"/> holds; fails the test after <paramref name="timeout"/>.</summary>
    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"The condition did not hold within {timeout.TotalSeconds} s.");
            await Task.Delay(10);
        }
    }
}

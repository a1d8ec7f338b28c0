namespace PahoSharp.Interop;

/// <summary>Reports what a callback from paho caught: nothing may unwind into paho's C frames (the process would end).</summary>
internal static class CallbackFailure
{
    public static void Report(string callback, Exception e)
    {
        try
        {
            System.Diagnostics.Trace.TraceError($"PahoSharp: paho's {callback} callback failed: {e}");
        }
        catch
        {
            // Even reporting must not unwind into paho.
        }
    }
}

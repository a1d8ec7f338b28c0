namespace PahoSharp.Interop;

/// <summary>
/// Counts the calls that wait for paho's thread to make progress (an acknowledgement, a SUBACK, a
/// place in the window). While any does, paho's thread must not be held back by a full receive
/// buffer, or the wait would never end.
/// </summary>
internal interface IPahoWaits
{
    void Enter();

    void Exit();
}

using System.Text.Json;

namespace Vigil.Functions.Hosting;

/// <summary>
/// A timerTrigger value: <c>{"Schedule":{...},"ScheduleStatus":{"Last","Next","LastUpdated"} or null,"IsPastDue":bool}</c>.
/// </summary>
public sealed record TimerInfo(DateTimeOffset? Last, DateTimeOffset? Next, bool IsPastDue)
{
    public static TimerInfo FromInvocation(InvocationRequest invocation, string bindingName)
    {
        var value = EncodedJson.Unwrap(invocation.GetData(bindingName), JsonValueKind.Object);
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new InvocationFormatException($"Data.{bindingName} is a JSON {InvocationRequest.Describe(value.ValueKind)}; expected the timer object");
        }

        DateTimeOffset? last = null, next = null;
        if (InvocationRequest.FindProperty(value, "ScheduleStatus") is { ValueKind: JsonValueKind.Object } status)
        {
            last = InvocationRequest.FindProperty(status, "Last") is { } l ? EncodedJson.GetDateTimeOffset(l) : null;
            next = InvocationRequest.FindProperty(status, "Next") is { } n ? EncodedJson.GetDateTimeOffset(n) : null;
        }

        var isPastDue = InvocationRequest.FindProperty(value, "IsPastDue") is { } pastDue && (EncodedJson.GetBoolean(pastDue) ?? false);
        return new TimerInfo(last, next, isPastDue);
    }
}

namespace IngressFleet.Core.Translation.Annotations;

/// <summary>
/// Reads one kind of annotation value within its bounds. <paramref name="Parse"/> never throws: a value it
/// cannot read, or one out of bounds, gives <c>Ok: false</c>.
/// </summary>
/// <param name="Expected">What a valid value looks like, e.g. <c>must be a duration between 1s and 1h</c>.</param>
/// <param name="Parse">The value, already checked to be printable ASCII, to its typed form.</param>
public sealed record ValueParser<T>(string Expected, Func<string, (bool Ok, T Value)> Parse);

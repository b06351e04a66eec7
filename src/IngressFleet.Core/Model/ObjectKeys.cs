namespace IngressFleet.Core.Model;

public static class ObjectKeys
{
    public static string Of(string @namespace, string name) => $"{@namespace}/{name}";
}

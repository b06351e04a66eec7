namespace IngressFleet.Core.Logging;

/// <summary>The cause at the end of an exception's chain: what a one-line message names, and what decides how a failure is handled.</summary>
public static class ExceptionChain
{
    public static Exception? Innermost(Exception? exception)
    {
        while (exception?.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception;
    }
}

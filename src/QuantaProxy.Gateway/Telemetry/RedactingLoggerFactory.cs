using Microsoft.Extensions.Logging;

namespace QuantaProxy.Gateway.Telemetry;

/// <summary>
/// Wraps the host's logger factory so every logger it hands out — the gateway's, ASP.NET Core's, Kestrel's, HTTP
/// logging's, the HTTP client's — redacts state, message, scopes and exceptions before any provider sees them. It
/// decorates the factory rather than each provider so that filter rules per provider (<c>Logging:Console:LogLevel</c>)
/// keep working: providers are still registered under their own types.
/// </summary>
public sealed class RedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    private sealed class RedactingLogger(ILogger inner) : ILogger
    {
        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => state switch
        {
            IEnumerable<KeyValuePair<string, object?>> pairs => inner.BeginScope(RedactedLogState.From(pairs, state.ToString() ?? "")),
            string text => inner.BeginScope(LogRedaction.Redact(text)),
            _ => inner.BeginScope(LogRedaction.Redact(state.ToString())),
        };

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel)) return;
            var formatted = formatter(state, exception);
            var redacted = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? RedactedLogState.From(pairs, formatted)
                : RedactedLogState.From([], formatted);
            var safeException = exception is null ? null : new RedactedException(exception);
            inner.Log(logLevel, eventId, redacted, safeException, static (s, _) => s.Message);
        }
    }
}

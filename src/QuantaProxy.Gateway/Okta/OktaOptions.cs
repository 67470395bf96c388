namespace QuantaProxy.Gateway.Okta;

public sealed class OktaOptions
{
    public const string Section = "QuantaProxy:Okta";

    /// <summary>Development only: lets an integration point at http://127.0.0.1:port or http://localhost:port (the sandbox).</summary>
    public bool AllowLoopback { get; set; }
    public List<string> AllowedDomainSuffixes { get; set; } = [".okta.com", ".oktapreview.com", ".okta-emea.com"];
    /// <summary>Okta custom domains (exact host names) an operator has explicitly approved.</summary>
    public List<string> CustomDomains { get; set; } = [];
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>The longest single wait for a rate-limit reset before answering 429 instead.</summary>
    public TimeSpan MaxRetryWait { get; set; } = TimeSpan.FromSeconds(10);
    public int RetryBudget { get; set; } = 3;
    public int MaxConcurrencyPerIntegration { get; set; } = 32;
    public int CircuitBreakerFailures { get; set; } = 5;
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}

namespace QuantaProxy.Policy;

/// <summary>A policy whose evaluation failed for a request (Cedar's diagnostics "errors"); such a policy did not apply.</summary>
public sealed record PolicyError(string PolicyId, string Message);

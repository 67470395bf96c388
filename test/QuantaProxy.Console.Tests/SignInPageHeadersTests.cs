using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QuantaProxy.Gateway.Hosting;

// A namespace of its own, outside the browser fixture's [SetUpFixture]: these checks need no browser, so they run (and can
// fail) on a machine without chromium too, where the browser journeys are inconclusive.
namespace QuantaProxy.ConsoleHttp.Tests;

/// <summary>The console's sign-in page over plain HTTP: strict CSP, no framing, no script, no caching.</summary>
public sealed class SignInPageHeadersTests
{
    [Test]
    public async Task The_sign_in_page_forbids_script_framing_and_caching()
    {
        var dataDir = Directory.CreateTempSubdirectory("qp-console-headers-").FullName;
        var app = await GatewayApp.CreateAsync(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["QuantaProxy:DataDir"] = dataDir });
            builder.Logging.ClearProviders();
        });
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(address) };
            using var response = await http.GetAsync("/console/signin");
            var html = await response.Content.ReadAsStringAsync();
            Assert.That((int)response.StatusCode, Is.EqualTo(200));
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.That(csp, Does.Contain("default-src 'none'").And.Contain("frame-ancestors 'none'").And.Not.Contain("unsafe-inline"));
            Assert.That(response.Headers.GetValues("X-Frame-Options").Single(), Is.EqualTo("DENY"));
            Assert.That(response.Headers.CacheControl?.NoStore, Is.True);
            Assert.That(html, Does.Not.Contain("<script").And.Not.Contain(" style=\""));
            Assert.That(html, Does.Contain("Admin key"), "the bootstrap sign-in form is there");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Directory.Delete(dataDir, recursive: true);
        }
    }
}

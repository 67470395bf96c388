using QuantaProxy.Gateway.Hosting;

var app = await GatewayApp.CreateAsync(args);
await app.RunAsync();

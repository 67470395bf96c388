namespace QuantaProxy.OktaSandbox;

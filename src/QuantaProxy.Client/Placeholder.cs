namespace QuantaProxy.Client;

global using NUnit.Framework;
global using QuantaProxy.Policy;
global using QuantaProxy.Policy.Entities;
global using QuantaProxy.Policy.Parsing;
global using QuantaProxy.Policy.Values;

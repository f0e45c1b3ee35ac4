namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Registered by the one process that outside callers may reach (the gateway): it adds the service token to what it
/// forwards and protects itself with its own API key, so it does not ask its callers for the token.
/// </summary>
public sealed class FrontDoor;

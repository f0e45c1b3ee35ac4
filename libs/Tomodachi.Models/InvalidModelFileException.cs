namespace Tomodachi.Models;

/// <summary>A model file that cannot be used; the message says why in words a person understands.</summary>
public sealed class InvalidModelFileException(string message, Exception? inner = null) : Exception(message, inner);

namespace Tomodachi.Inference.Models;

/// <summary>A request named a file outside the folders it may use: nothing was read or changed (PERMISSION_DENIED).</summary>
public sealed class ModelAccessDeniedException(string message) : Exception(message);

/// <summary>A request named a model that is not there (NOT_FOUND).</summary>
public sealed class ModelNotFoundException(string message) : Exception(message);

/// <summary>The request would take away the model that is serving (FAILED_PRECONDITION).</summary>
public sealed class ModelInUseException(string message) : Exception(message);

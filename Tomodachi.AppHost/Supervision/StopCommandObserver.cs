namespace Tomodachi.AppHost.Supervision;

/// <summary>
/// Wraps a resource's Stop and Restart commands (DCP adds them when the app starts) so that using them, from the
/// dashboard or a test, records a <see cref="StopRequests"/> entry before the stop lands: the exit that follows was
/// asked for. Nothing else about the commands changes.
/// </summary>
public static class StopCommandObserver
{
    public static void Observe(IResource resource, StopRequests stops)
    {
        var annotations = resource.Annotations;
        for (var i = 0; i < annotations.Count; i++)
        {
            if (annotations[i] is ResourceCommandAnnotation command
                && (command.Name == KnownResourceCommands.StopCommand || command.Name == KnownResourceCommands.RestartCommand))
            {
                annotations[i] = new ResourceCommandAnnotation(
                    command.Name,
                    command.DisplayName,
                    command.UpdateState,
                    context =>
                    {
                        stops.Add(resource.Name);
                        return command.ExecuteCommand(context);
                    },
                    command.DisplayDescription,
                    command.Arguments,
                    command.ConfirmationMessage,
                    command.IconName,
                    command.IconVariant,
                    command.IsHighlighted,
                    command.Visibility,
                    command.ValidateArguments);
            }
        }
    }
}

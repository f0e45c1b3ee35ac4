namespace Tomodachi.AppHost.Supervision;

/// <summary>Marks a resource the supervisor restarts (see <see cref="SupervisionExtensions.WithSupervision{T}"/>).</summary>
public sealed class SupervisedAnnotation : IResourceAnnotation
{
    /// <summary>Set once the resource's Stop and Restart commands tell the supervisor they were asked for.</summary>
    public bool StopCommandsObserved { get; set; }
}

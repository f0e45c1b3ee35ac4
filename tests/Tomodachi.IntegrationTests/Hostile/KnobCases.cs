using Grpc.Core;
using Tomodachi.Knob.V1;

namespace Tomodachi.IntegrationTests.Hostile;

/// <summary>tomodachi.knob.v1. The knob is released at rest, so releasing it again is the refused state change.</summary>
internal static class KnobCases
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = KnobService.Descriptor;

    private static byte[] Rotate(long steps) => Wire.Join(Wire.Varint(1, (int)SimulateAction.Rotate), Wire.Varint(2, steps));

    public static void AddTo(CaseTable table)
    {
        table.Rpc(Service, "GetState").Malformed(whenEmpty: StatusCode.OK);
        table.Rpc(Service, "WatchEvents").Malformed(whenEmpty: StatusCode.OK);
        table.Rpc(Service, "Simulate").Malformed(whenEmpty: StatusCode.InvalidArgument)
            .Add("action 99 (unknown enum value)", StatusCode.InvalidArgument, Wire.Varint(1, 99))
            .Add("action -1", StatusCode.InvalidArgument, Wire.Varint(1, -1))
            .Add("ROTATE with steps 0", StatusCode.InvalidArgument, Rotate(0))
            .Add("ROTATE with steps 101 (limit 100)", StatusCode.InvalidArgument, Rotate(101))
            .Add("ROTATE with steps -101", StatusCode.InvalidArgument, Rotate(-101))
            .Add("ROTATE with steps int.MinValue", StatusCode.InvalidArgument, Rotate(int.MinValue))
            .Add("ROTATE with steps 2^40 (keeps the low 32 bits: 0)", StatusCode.InvalidArgument, Rotate(1L << 40))
            .Add("PRESS with steps 1", StatusCode.InvalidArgument, Wire.Varint(1, (int)SimulateAction.Press), Wire.Varint(2, 1))
            .Add("RELEASE while the button is up", StatusCode.FailedPrecondition, Wire.Varint(1, (int)SimulateAction.Release));
    }
}
